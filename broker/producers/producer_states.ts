/**
 * {@linkcode ProducerStates}: idempotent-producer state of every partition, persisted in a
 * {@linkcode MetadataStore} under `producers/state/<topic>/<partition>/<producerId>`, and the
 * producer ids InitProducerId hands out (the transaction coordinator registers that API).
 *
 * @module
 */
import type { InitProducerIdRequest, InitProducerIdResponseInput } from "../protocol/mod.ts";
import type { RecordBatchHeader } from "../records/mod.ts";
import type { JsonValue, MetadataStore } from "../storage/mod.ts";
import { ProducerIds } from "./producer_ids.ts";
import {
  appendBatch,
  type BatchMetadata,
  type CheckResult,
  checkSequence,
  type PartitionProducerState,
} from "./sequence.ts";

const STATE = "producers/state/";

/** Options for {@linkcode ProducerStates.open}; every field has a Kafka default. */
export interface ProducerStatesOptions {
  /** Clock in ms. Default: `Date.now`. */
  now?: () => number;
  /** `producer.id.expiration.ms`: state of producers idle this long is dropped. Default: 1 day. */
  producerIdExpirationMs?: number;
  /** `transaction.max.timeout.ms`: larger InitProducerId timeouts are rejected. Default: 900000. */
  maxTransactionTimeoutMs?: number;
}

function stateKey(topic: string, partition: number, producerId: number): string {
  return `${STATE}${encodeURIComponent(topic)}/${partition}/${producerId}`;
}

type Stored = { e: number; b: [number, number, number][]; t: number };

/**
 * Producer ids, epochs and per-partition sequence windows of a broker.
 *
 * The Produce handler calls {@linkcode check} for each batch and, after appending, {@linkcode record}
 * with the assigned base offset; nothing may run for the same partition in between (no other
 * check/append), or two copies of a retried batch could both pass.
 *
 * @example
 * ```ts ignore
 * const verdict = producers.check(topic, partition, header);
 * if (verdict.kind === "duplicate") return verdict.baseOffset; // ack, do not append
 * if (verdict.kind === "error") return verdict.errorCode;
 * const { baseOffset } = await log.append(batch);
 * producers.record(topic, partition, header, baseOffset);
 * ```
 */
export class ProducerStates implements AsyncDisposable {
  #store: MetadataStore;
  #ids: ProducerIds;
  #states = new Map<string, PartitionProducerState>();
  #dirty = new Set<string>();
  #flushing: Promise<void> = Promise.resolve();
  #scheduled = false;
  #now: () => number;
  #expirationMs: number;
  #closed = false;
  #failure: unknown = null;

  private constructor(store: MetadataStore, options: ProducerStatesOptions) {
    this.#store = store;
    this.#now = options.now ?? Date.now;
    this.#expirationMs = options.producerIdExpirationMs ?? 86_400_000;
    this.#ids = new ProducerIds(store, options.maxTransactionTimeoutMs ?? 900_000);
    for (const [key, value] of store.entries(STATE)) {
      const v = value as unknown as Stored;
      this.#states.set(key, {
        epoch: v.e,
        batches: v.b.map(([firstSeq, lastSeq, baseOffset]) => ({ firstSeq, lastSeq, baseOffset })),
        lastTimestamp: v.t,
      });
    }
  }

  /** Loads producer state from `metadata` and drops expired producers. */
  static async open(
    metadata: MetadataStore,
    options: ProducerStatesOptions = {},
  ): Promise<ProducerStates> {
    const states = new ProducerStates(metadata, options);
    await states.expire();
    return states;
  }

  /**
   * The producers with state in a partition (DescribeProducers): id, epoch, last sequence and
   * when they last appended.
   */
  activeProducers(
    topic: string,
    partition: number,
  ): { producerId: number; epoch: number; lastSequence: number; lastTimestamp: number }[] {
    const prefix = stateKey(topic, partition, 0).slice(0, -1);
    const out = [];
    for (const [key, state] of this.#states) {
      if (!key.startsWith(prefix)) continue;
      const last = state.batches.at(-1);
      out.push({
        producerId: Number(key.slice(prefix.length)),
        epoch: state.epoch,
        lastSequence: last?.lastSeq ?? -1,
        lastTimestamp: state.lastTimestamp,
      });
    }
    return out;
  }

  /** Handles InitProducerId (the transaction coordinator wraps it to abort open transactions). */
  initProducerId(
    req: InitProducerIdRequest,
    apiVersion: number,
  ): Promise<InitProducerIdResponseInput> {
    return this.#ids.init(req, apiVersion);
  }

  /** The current (producer id, epoch) of a transactional id, if it has one. */
  transactional(transactionalId: string): { producerId: number; epoch: number } | undefined {
    return this.#ids.transactional(transactionalId);
  }

  /** Bumps a transactional id's epoch (fencing its producer); see `ProducerIds.bumpEpoch`. */
  bumpEpoch(transactionalId: string): Promise<number | undefined> {
    return this.#ids.bumpEpoch(transactionalId);
  }

  /** Whether `batch` is to be appended, acknowledged as a duplicate, or rejected. */
  check(topic: string, partition: number, batch: RecordBatchHeader): CheckResult {
    if (batch.producerId < 0) return { kind: "append" };
    const state = this.#states.get(stateKey(topic, partition, batch.producerId));
    return checkSequence(state, batch, this.#ids.epochOf(batch.producerId));
  }

  /**
   * Remembers an appended batch. The write to the metadata store is issued within the current
   * task together with the other records of the same tick (so it reaches the OS at once) and
   * fsynced by the store right after; {@linkcode flush} waits for it.
   */
  record(topic: string, partition: number, batch: RecordBatchHeader, baseOffset: number): void {
    if (batch.producerId < 0 || batch.isControl) return;
    if (this.#closed) throw new Error("ProducerStates is closed");
    const key = stateKey(topic, partition, batch.producerId);
    this.#states.set(key, appendBatch(this.#states.get(key), batch, baseOffset, this.#now()));
    this.#dirty.add(key);
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(() => this.#writeDirty());
    }
  }

  #writeDirty(): void {
    this.#scheduled = false;
    if (this.#dirty.size === 0) return;
    const set: Record<string, JsonValue> = {};
    for (const key of this.#dirty) set[key] = toStored(this.#states.get(key)!);
    this.#dirty.clear();
    const write = this.#store.apply({ set }).catch((e) => {
      this.#failure ??= e;
    });
    this.#flushing = Promise.all([this.#flushing, write]).then(() => {});
  }

  /**
   * Resolves when every recorded batch is durable in the metadata store; rejects with the first
   * error a background write met (the store is then unusable, e.g. closed or out of disk).
   */
  async flush(): Promise<void> {
    this.#writeDirty();
    await this.#flushing;
    if (this.#failure !== null) throw this.#failure;
  }

  /** Forgets the producer state of a topic's partitions (after the topic is deleted). */
  async dropTopic(topic: string): Promise<void> {
    const prefix = `${STATE}${encodeURIComponent(topic)}/`;
    const keys = [...this.#states.keys()].filter((k) => k.startsWith(prefix));
    for (const k of keys) {
      this.#states.delete(k);
      this.#dirty.delete(k);
    }
    if (keys.length > 0) await this.#store.apply({ delete: keys });
  }

  /** Drops producers idle for longer than `producerIdExpirationMs`; call it now and then. */
  async expire(): Promise<void> {
    const cutoff = this.#now() - this.#expirationMs;
    const keys = [...this.#states].filter(([, s]) => s.lastTimestamp < cutoff).map(([k]) => k);
    for (const k of keys) {
      this.#states.delete(k);
      this.#dirty.delete(k);
    }
    if (keys.length > 0) await this.#store.apply({ delete: keys });
  }

  /** Writes pending state; later calls to {@linkcode record} throw. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  /** Same as {@linkcode close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function toStored(s: PartitionProducerState): JsonValue {
  return {
    e: s.epoch,
    b: s.batches.map((b: BatchMetadata) => [b.firstSeq, b.lastSeq, b.baseOffset]),
    t: s.lastTimestamp,
  };
}
