/**
 * {@linkcode TransactionCoordinator}: Kafka's transaction state machine for a single node.
 * Per transactional id a {@linkcode TxnMetadata} record (Empty -> Ongoing -> PrepareCommit/
 * PrepareAbort -> CompleteCommit/CompleteAbort) lives in the {@linkcode MetadataStore};
 * producer ids and epochs stay with `ProducerStates`. Answers are Kafka error codes.
 *
 * @module
 */
import { ErrorCode as E } from "../protocol/mod.ts";
import { OffsetStore } from "../group/offsets.ts";
import { type Scheduler, systemScheduler } from "../group/scheduler.ts";
import type { InitProducerIdRequest, InitProducerIdResponseInput } from "../protocol/mod.ts";
import type { MetadataStore } from "../storage/mod.ts";
import { TxnLogIndex } from "./log_index.ts";
import { TxnLogView } from "./log_view.ts";
import { TxnCompletion } from "./completion.ts";
import type { PartitionLogs } from "./markers.ts";
import { TxnRegistry } from "./txn_registry.ts";
import { emptyTxn, isPreparing, type PendingOffset, type TxnMetadata } from "./txn_state.ts";

/** The producer-id side the coordinator relies on (implemented by `ProducerStates`). */
export interface TxnProducers {
  /** Handles InitProducerId (ids and epochs). */
  initProducerId(
    req: InitProducerIdRequest,
    apiVersion: number,
  ): Promise<InitProducerIdResponseInput>;
  /** Current (producer id, epoch) of a transactional id. */
  transactional(transactionalId: string): { producerId: number; epoch: number } | undefined;
  /** Bumps the epoch (fencing the producer); resolves with the new one. */
  bumpEpoch(transactionalId: string): Promise<number | undefined>;
}

/** Dependencies and settings of {@linkcode TransactionCoordinator.open}. */
export interface TransactionCoordinatorDeps {
  /** Durable store (keys under `txn/`, and group offsets under `offsets/`). */
  metadata: MetadataStore;
  /** Producer ids and epochs. */
  producers: TxnProducers;
  /** Partition logs markers are written to. */
  logs: PartitionLogs;
  /** Timers and clock (transaction timeouts). Default: the system clock. */
  scheduler?: Scheduler;
  /** Delay before retrying a completion whose marker write failed. Default: 1000 ms. */
  retryDelayMs?: number;
  /** Reports a failed background completion. Default: `console.error`. */
  onError?: (error: unknown) => void;
}

/** A partition of AddPartitionsToTxn. */
export interface TopicPartition {
  /** Topic name. */
  topic: string;
  /** Partition index. */
  partition: number;
}

/**
 * The transaction coordinator; {@linkcode TransactionCoordinator.log} is its view for the data
 * plane (transactional Produce checks, last stable offsets, aborted transactions).
 *
 * @example
 * ```ts ignore
 * const txns = await TransactionCoordinator.open({ metadata, producers, logs: store });
 * const code = await txns.addPartitions("tx-1", 7, 0, [{ topic: "t", partition: 0 }], 3);
 * ```
 */
export class TransactionCoordinator implements AsyncDisposable {
  /** Open transactions and the aborted-transaction index per partition. */
  readonly index: TxnLogIndex;
  /** The data-plane view (Produce checks, LSO, aborted transactions). */
  readonly log: TxnLogView;
  #deps: TransactionCoordinatorDeps;
  #scheduler: Scheduler;
  #registry: TxnRegistry;
  #completion: TxnCompletion;

  private constructor(deps: TransactionCoordinatorDeps) {
    this.#deps = deps;
    this.#scheduler = deps.scheduler ?? systemScheduler();
    this.index = new TxnLogIndex(deps.metadata);
    this.#registry = new TxnRegistry(deps.metadata);
    this.log = new TxnLogView(this.#registry, this.index);
    this.#completion = new TxnCompletion({
      registry: this.#registry,
      index: this.index,
      offsets: new OffsetStore(deps.metadata),
      logs: deps.logs,
      scheduler: this.#scheduler,
      epochOf: (id) => deps.producers.transactional(id)?.epoch ?? 0,
      bumpEpoch: (id) => deps.producers.bumpEpoch(id),
      retryDelayMs: deps.retryDelayMs ?? 1000,
      onError: deps.onError ?? ((e) => console.error("transaction coordinator:", e)),
    });
  }

  /**
   * Loads transaction records: open transactions are restored into the log index and their
   * timeouts rescheduled; ones a crash left half-completed are completed again.
   */
  static open(deps: TransactionCoordinatorDeps): Promise<TransactionCoordinator> {
    const c = new TransactionCoordinator(deps);
    for (const txn of c.#registry.all()) {
      for (const p of txn.partitions) {
        // Unknown first offset: hold the LSO at the lower bound, which is safe (see minOffset).
        const first = p.firstOffset >= 0 ? p.firstOffset : p.minOffset ?? -1;
        if (first >= 0) c.index.begin(p.topic, p.partition, txn.producerId, first);
      }
      if (txn.status === "Ongoing") c.#completion.scheduleTimeout(txn);
      else if (isPreparing(txn.status)) c.#completion.background(c.#completion.finish(txn));
    }
    return Promise.resolve(c);
  }

  /** Every transactional id's record (ListTransactions). */
  all(): readonly Readonly<TxnMetadata>[] {
    return this.#registry.all();
  }

  /** The current producer epoch of a transactional id, or -1 (DescribeTransactions). */
  epochOf(transactionalId: string): number {
    return this.#deps.producers.transactional(transactionalId)?.epoch ?? -1;
  }

  /** The record of a transactional id (tests, admin views). */
  get(transactionalId: string): Readonly<TxnMetadata> | undefined {
    return this.#registry.get(transactionalId);
  }

  /**
   * InitProducerId: for a transactional id, aborts its ongoing transaction first (as Kafka does
   * when a new producer instance fences the old one), then bumps the epoch.
   */
  async initProducerId(
    req: InitProducerIdRequest,
    apiVersion: number,
  ): Promise<InitProducerIdResponseInput> {
    const id = req.transactionalId;
    if (id === null) return this.#deps.producers.initProducerId(req, apiVersion);
    const txn = this.#registry.get(id);
    if (txn && isPreparing(txn.status)) {
      return { errorCode: E.CONCURRENT_TRANSACTIONS, producerId: -1n, producerEpoch: -1 };
    }
    const res = await this.#deps.producers.initProducerId(req, apiVersion);
    if (res.errorCode !== 0) return res;
    // The new epoch fences the previous instance; its open transaction is aborted (markers
    // carry the new epoch, as in Kafka) before the new producer gets its answer.
    if (txn?.status === "Ongoing") {
      txn.status = "PrepareAbort";
      try {
        await this.#completion.finish(txn);
      } catch (e) {
        this.#deps.onError?.(e);
        return { errorCode: E.CONCURRENT_TRANSACTIONS, producerId: -1n, producerEpoch: -1 };
      }
    }
    await this.#save(emptyTxn(id, Number(res.producerId), req.transactionTimeoutMs));
    return res;
  }

  /** AddPartitionsToTxn (v0-3 form): an error code per partition, in request order. */
  async addPartitions(
    transactionalId: string,
    producerId: number,
    epoch: number,
    partitions: TopicPartition[],
    apiVersion: number,
  ): Promise<number[]> {
    const { txn, error } = this.#validate(transactionalId, producerId, epoch, apiVersion >= 2);
    if (!txn) return partitions.map(() => error);
    const unknown = partitions.map((p) => !this.#deps.logs.partition(p.topic, p.partition));
    if (unknown.some((u) => u)) {
      return unknown.map((u) => u ? E.UNKNOWN_TOPIC_OR_PARTITION : E.OPERATION_NOT_ATTEMPTED);
    }
    const added = partitions.filter((p) =>
      !txn.partitions.some((q) => q.topic === p.topic && q.partition === p.partition)
    );
    if (added.length > 0 || txn.status !== "Ongoing") {
      this.#begin(txn);
      txn.partitions.push(...added.map((p) => ({
        ...p,
        firstOffset: -1,
        minOffset: this.#deps.logs.partition(p.topic, p.partition)!.logEndOffset,
      })));
      await this.#save(txn);
    }
    return partitions.map(() => E.NONE);
  }

  /** AddPartitionsToTxn v4+ with verifyOnly: whether every partition is in the transaction. */
  verifyPartitions(
    transactionalId: string,
    producerId: number,
    epoch: number,
    partitions: TopicPartition[],
  ): number[] {
    const { txn, error } = this.#validate(transactionalId, producerId, epoch, true);
    if (!txn) return partitions.map(() => error);
    return partitions.map((p) =>
      txn.status === "Ongoing" &&
        txn.partitions.some((q) => q.topic === p.topic && q.partition === p.partition)
        ? E.NONE
        : E.INVALID_TXN_STATE
    );
  }

  /** AddOffsetsToTxn: records the group whose offsets the transaction will commit. */
  async addOffsets(
    transactionalId: string,
    producerId: number,
    epoch: number,
    groupId: string,
    apiVersion: number,
  ): Promise<number> {
    const { txn, error } = this.#validate(transactionalId, producerId, epoch, apiVersion >= 2);
    if (!txn) return error;
    if (txn.status !== "Ongoing" || !txn.groups.includes(groupId)) {
      this.#begin(txn);
      if (!txn.groups.includes(groupId)) txn.groups.push(groupId);
      await this.#save(txn);
    }
    return E.NONE;
  }

  /**
   * TxnOffsetCommit: stores offsets as pending until the transaction ends. The group must have
   * been added with AddOffsetsToTxn.
   */
  async commitOffsets(
    transactionalId: string,
    producerId: number,
    epoch: number,
    offsets: PendingOffset[],
    apiVersion: number,
  ): Promise<number> {
    const { txn, error } = this.#validate(transactionalId, producerId, epoch, apiVersion >= 3);
    if (!txn) return error;
    if (txn.status !== "Ongoing" || offsets.some((o) => !txn.groups.includes(o.groupId))) {
      return E.INVALID_TXN_STATE;
    }
    const same = (a: PendingOffset, b: PendingOffset) =>
      a.groupId === b.groupId && a.topic === b.topic && a.partition === b.partition;
    txn.offsets = [...txn.offsets.filter((o) => !offsets.some((n) => same(o, n))), ...offsets];
    await this.#save(txn);
    return E.NONE;
  }

  /** Whether an open transaction holds a pending offset of (group, topic, partition). */
  hasPendingOffset(groupId: string, topic: string, partition: number): boolean {
    return this.#registry.hasPendingOffset(groupId, topic, partition);
  }

  /**
   * EndTxn: writes COMMIT or ABORT markers, then completes offsets. A retried EndTxn of an
   * already completed transaction with the same outcome succeeds again.
   */
  async endTxn(
    transactionalId: string,
    producerId: number,
    epoch: number,
    commit: boolean,
    apiVersion: number,
  ): Promise<number> {
    const { txn, error } = this.#validate(transactionalId, producerId, epoch, apiVersion >= 2);
    if (!txn) return error;
    if (txn.status === "CompleteCommit" && commit) return E.NONE;
    if (txn.status === "CompleteAbort" && !commit) return E.NONE;
    if (txn.status !== "Ongoing") return E.INVALID_TXN_STATE;
    txn.status = commit ? "PrepareCommit" : "PrepareAbort";
    try {
      await this.#completion.finish(txn);
    } catch (e) {
      this.#deps.onError?.(e);
      return E.CONCURRENT_TRANSACTIONS; // completion is retried; the client retries too
    }
    return E.NONE;
  }

  /** Cancels timeouts and waits for background completions. Idempotent. */
  close(): Promise<void> {
    return this.#completion.close();
  }

  /** Same as {@linkcode close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #validate(
    transactionalId: string,
    producerId: number,
    epoch: number,
    fencedCode: boolean,
  ): { txn: TxnMetadata; error: 0 } | { txn: undefined; error: number } {
    const current = this.#deps.producers.transactional(transactionalId);
    const txn = this.#registry.get(transactionalId);
    if (!current || current.producerId !== producerId || !txn) {
      return { txn: undefined, error: E.INVALID_PRODUCER_ID_MAPPING };
    }
    if (epoch !== current.epoch) {
      return { txn: undefined, error: fencedCode ? E.PRODUCER_FENCED : E.INVALID_PRODUCER_EPOCH };
    }
    if (isPreparing(txn.status)) return { txn: undefined, error: E.CONCURRENT_TRANSACTIONS };
    return { txn, error: 0 };
  }

  /** Starts a new transaction (and its timeout) unless one is ongoing. */
  #begin(txn: TxnMetadata): void {
    if (txn.status === "Ongoing") return;
    txn.status = "Ongoing";
    txn.startedAt = this.#scheduler.now();
    txn.partitions = [];
    txn.groups = [];
    txn.offsets = [];
    this.#completion.scheduleTimeout(txn);
  }

  #save(txn: TxnMetadata): Promise<void> {
    return this.#registry.save(txn);
  }
}
