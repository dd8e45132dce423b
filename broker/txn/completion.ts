/**
 * {@linkcode TxnCompletion}: the timed side of the coordinator. It completes transactions
 * (Prepare state persisted, markers written, Complete state persisted, retried after a failure)
 * and aborts expired ones with an epoch bump, on the coordinator's scheduler.
 *
 * @module
 */
import type { OffsetStore } from "../group/offsets.ts";
import type { Scheduler } from "../group/scheduler.ts";
import type { TxnLogIndex } from "./log_index.ts";
import { type PartitionLogs, writeMarkers } from "./markers.ts";
import type { TxnRegistry } from "./txn_registry.ts";
import { isPreparing, type TxnMetadata } from "./txn_state.ts";

/** What {@linkcode TxnCompletion} works with. */
export interface CompletionDeps {
  registry: TxnRegistry;
  index: TxnLogIndex;
  offsets: OffsetStore;
  logs: PartitionLogs;
  scheduler: Scheduler;
  /** Current epoch of a transactional id (markers carry it). */
  epochOf: (transactionalId: string) => number;
  /** Bumps a transactional id's epoch (expiry fences the producer). */
  bumpEpoch: (transactionalId: string) => Promise<unknown>;
  retryDelayMs: number;
  onError: (error: unknown) => void;
}

/** Completion, expiry and their timers; one timer per transactional id. */
export class TxnCompletion {
  #deps: CompletionDeps;
  #timers = new Map<string, () => void>();
  #running = new Set<Promise<unknown>>();
  #closed = false;

  /** Uses `deps` for storage, markers and time. */
  constructor(deps: CompletionDeps) {
    this.#deps = deps;
  }

  /** (Re)arms the timeout of an ongoing transaction: `timeoutMs` after `startedAt`. */
  scheduleTimeout(txn: TxnMetadata): void {
    this.#cancel(txn.transactionalId);
    const startedAt = txn.startedAt;
    const delay = startedAt + txn.timeoutMs - this.#deps.scheduler.now();
    this.#timers.set(
      txn.transactionalId,
      this.#deps.scheduler.schedule(delay, () => {
        this.#timers.delete(txn.transactionalId);
        const current = this.#deps.registry.get(txn.transactionalId);
        if (current?.status !== "Ongoing" || current.startedAt !== startedAt) return;
        this.background(this.#expire(current));
      }),
    );
  }

  /**
   * Completes a transaction in PrepareCommit/PrepareAbort: persists that state, writes markers,
   * then persists CompleteCommit/CompleteAbort. On failure it rejects and retries later.
   */
  async finish(txn: TxnMetadata): Promise<void> {
    this.#cancel(txn.transactionalId);
    const d = this.#deps;
    const commit = txn.status === "PrepareCommit";
    try {
      await d.registry.save(txn);
      await writeMarkers(
        d,
        txn,
        commit ? "commit" : "abort",
        d.epochOf(txn.transactionalId),
        d.scheduler.now(),
      );
      txn.status = commit ? "CompleteCommit" : "CompleteAbort";
      txn.partitions = [];
      txn.groups = [];
      txn.offsets = [];
      await d.registry.save(txn);
    } catch (e) {
      if (!this.#closed) {
        this.#timers.set(
          txn.transactionalId,
          d.scheduler.schedule(d.retryDelayMs, () => {
            this.#timers.delete(txn.transactionalId);
            if (isPreparing(txn.status)) this.background(this.finish(txn));
          }),
        );
      }
      throw e;
    }
  }

  /** Runs `task` in the background, reporting its failure; {@linkcode close} waits for it. */
  background(task: Promise<unknown>): void {
    const p = task.catch(this.#deps.onError).finally(() => this.#running.delete(p));
    this.#running.add(p);
  }

  /** Cancels every timer and waits for background work. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const cancel of this.#timers.values()) cancel();
    this.#timers.clear();
    await Promise.allSettled([...this.#running]);
  }

  /** Aborts an expired transaction with an epoch bump, fencing its producer. */
  async #expire(txn: TxnMetadata): Promise<void> {
    txn.status = "PrepareAbort";
    await this.#deps.bumpEpoch(txn.transactionalId);
    await this.finish(txn);
  }

  #cancel(transactionalId: string): void {
    this.#timers.get(transactionalId)?.();
    this.#timers.delete(transactionalId);
  }
}
