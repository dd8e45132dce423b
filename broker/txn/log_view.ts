/**
 * {@linkcode TxnLogView}: what Produce, Fetch and ListOffsets ask the transaction coordinator:
 * whether a transactional batch may be appended (its partition must be in the producer's ongoing
 * transaction), where each transaction starts in a partition, last stable offsets and aborted
 * transactions.
 *
 * @module
 */
import { ErrorCode as E } from "../protocol/mod.ts";
import type { RecordBatchHeader } from "../records/mod.ts";
import type { AbortedTxn, TxnLogIndex } from "./log_index.ts";
import type { TxnRegistry } from "./txn_registry.ts";

/** The data-plane view of transactions (the handlers' `TransactionLog`). */
export class TxnLogView {
  #registry: TxnRegistry;
  #index: TxnLogIndex;

  /** Reads transaction records from `registry` and offsets from `index`. */
  constructor(registry: TxnRegistry, index: TxnLogIndex) {
    this.#registry = registry;
    this.#index = index;
  }

  /** 0 if a transactional batch may be appended to the partition, else INVALID_TXN_STATE. */
  checkProduce(topic: string, partition: number, batch: RecordBatchHeader): number {
    if (!batch.isTransactional) return E.NONE;
    const txn = this.#registry.byProducer(batch.producerId);
    const ok = txn?.status === "Ongoing" &&
      txn.partitions.some((p) => p.topic === topic && p.partition === partition);
    return ok ? E.NONE : E.INVALID_TXN_STATE;
  }

  /**
   * Remembers a transactional batch; its first one opens the txn in the partition. Called from
   * the append's `onAssign` (before the batch is readable): the in-memory part is done when this
   * returns, the promise resolves once the coordinator's record is durable.
   */
  async recordProduce(
    topic: string,
    partition: number,
    batch: RecordBatchHeader,
    baseOffset: number,
  ): Promise<void> {
    if (!batch.isTransactional) return;
    const txn = this.#registry.byProducer(batch.producerId);
    const p = txn?.partitions.find((q) => q.topic === topic && q.partition === partition);
    if (!txn || !p || p.firstOffset >= 0) return;
    p.firstOffset = baseOffset;
    this.#index.begin(topic, partition, txn.producerId, baseOffset);
    await this.#registry.save(txn);
  }

  /** The partition's last stable offset given its high watermark. */
  lastStableOffset(topic: string, partition: number, highWatermark: number): number {
    return this.#index.lastStableOffset(topic, partition, highWatermark);
  }

  /** Aborted transactions overlapping `[from, to)`. */
  abortedTransactions(topic: string, partition: number, from: number, to: number): AbortedTxn[] {
    return this.#index.abortedTransactions(topic, partition, from, to);
  }

  /** Forgets a deleted topic's aborted index. */
  dropTopic(topic: string): Promise<void> {
    return this.#index.dropTopic(topic);
  }
}
