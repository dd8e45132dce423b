/**
 * {@linkcode TxnLogIndex}: the log side of transactions, per partition. It tracks the first
 * offset of every open transaction (so the last stable offset is the earliest of them, or the
 * high watermark) and an aborted-transaction index like Kafka's `.txnindex`, persisted in the
 * {@linkcode MetadataStore} under `txn/aborted/<topic>/<partition>`.
 *
 * @module
 */
import type { JsonValue, MetadataStore } from "../storage/mod.ts";

const ABORTED = "txn/aborted/";

/** One aborted transaction of one partition. */
export interface AbortedTxn {
  /** The transactional producer's id. */
  producerId: number;
  /** Offset of the transaction's first batch in the partition. */
  firstOffset: number;
  /** Offset of its ABORT marker. */
  lastOffset: number;
}

function partitionKey(topic: string, partition: number): string {
  return `${encodeURIComponent(topic)}/${partition}`;
}

/**
 * Open and aborted transactions per partition. Open entries live in memory (the transaction
 * coordinator persists them in its own records and restores them on start); aborted entries are
 * durable here.
 *
 * @example
 * ```ts
 * import { MetadataStore } from "../storage/mod.ts";
 * import { TxnLogIndex } from "./log_index.ts";
 * await using metadata = await MetadataStore.open(await Deno.makeTempDir());
 * const index = new TxnLogIndex(metadata);
 * index.begin("t", 0, 7, 100);
 * index.lastStableOffset("t", 0, 120); // 100
 * await index.complete("t", 0, 7, 120, true);
 * index.abortedTransactions("t", 0, 0, 121); // [{ producerId: 7, firstOffset: 100, lastOffset: 120 }]
 * ```
 */
export class TxnLogIndex {
  #store: MetadataStore;
  /** partition key -> producer id -> first offset of its open transaction. */
  #open = new Map<string, Map<number, number>>();
  /** partition key -> aborted transactions in marker order. */
  #aborted = new Map<string, AbortedTxn[]>();

  /** Loads the aborted-transaction index from `store`. */
  constructor(store: MetadataStore) {
    this.#store = store;
    for (const [key, value] of store.entries(ABORTED)) {
      const rows = value as [number, number, number][];
      this.#aborted.set(
        key.slice(ABORTED.length),
        rows.map(([producerId, firstOffset, lastOffset]) => ({
          producerId,
          firstOffset,
          lastOffset,
        })),
      );
    }
  }

  /** Records that `producerId`'s transaction starts at `firstOffset` in the partition. */
  begin(topic: string, partition: number, producerId: number, firstOffset: number): void {
    const key = partitionKey(topic, partition);
    let open = this.#open.get(key);
    if (!open) this.#open.set(key, open = new Map());
    if (!open.has(producerId)) open.set(producerId, firstOffset);
  }

  /** First offset of `producerId`'s open transaction in the partition, or undefined. */
  openFirstOffset(topic: string, partition: number, producerId: number): number | undefined {
    return this.#open.get(partitionKey(topic, partition))?.get(producerId);
  }

  /** The last stable offset: the first offset of the earliest open transaction, else `hwm`. */
  lastStableOffset(topic: string, partition: number, highWatermark: number): number {
    const open = this.#open.get(partitionKey(topic, partition));
    let lso = highWatermark;
    if (open) { for (const first of open.values()) lso = Math.min(lso, first); }
    return lso;
  }

  /**
   * Closes `producerId`'s open transaction after its marker landed at `markerOffset`; an aborted
   * one is added to the durable index (resolves once it is written).
   */
  async complete(
    topic: string,
    partition: number,
    producerId: number,
    markerOffset: number,
    aborted: boolean,
  ): Promise<void> {
    const key = partitionKey(topic, partition);
    const open = this.#open.get(key);
    const first = open?.get(producerId);
    open?.delete(producerId);
    if (open?.size === 0) this.#open.delete(key);
    if (!aborted || first === undefined) return;
    const list = [...(this.#aborted.get(key) ?? [])];
    list.push({ producerId, firstOffset: first, lastOffset: markerOffset });
    this.#aborted.set(key, list);
    await this.#store.set(ABORTED + key, toStored(list));
  }

  /**
   * Aborted transactions overlapping offsets `[from, to)` (Fetch's `AbortedTransactions`: the
   * client skips those producers' batches from `firstOffset` up to their ABORT marker).
   */
  abortedTransactions(topic: string, partition: number, from: number, to: number): AbortedTxn[] {
    const list = this.#aborted.get(partitionKey(topic, partition)) ?? [];
    return list.filter((a) => a.lastOffset >= from && a.firstOffset < to);
  }

  /**
   * Drops aborted entries that end before `logStartOffset` (retention removed them); resolves
   * once the shorter index is written.
   */
  async prune(topic: string, partition: number, logStartOffset: number): Promise<void> {
    const key = partitionKey(topic, partition);
    const list = this.#aborted.get(key);
    if (!list) return;
    const kept = list.filter((a) => a.lastOffset >= logStartOffset);
    if (kept.length === list.length) return;
    this.#aborted.set(key, kept);
    await this.#store.set(ABORTED + key, toStored(kept));
  }

  /** Forgets every entry of a deleted topic's partitions. */
  async dropTopic(topic: string): Promise<void> {
    const prefix = `${encodeURIComponent(topic)}/`;
    for (const key of [...this.#open.keys()]) if (key.startsWith(prefix)) this.#open.delete(key);
    const keys = [...this.#aborted.keys()].filter((k) => k.startsWith(prefix));
    for (const k of keys) this.#aborted.delete(k);
    if (keys.length > 0) await this.#store.apply({ delete: keys.map((k) => ABORTED + k) });
  }
}

function toStored(list: AbortedTxn[]): JsonValue {
  return list.map((a) => [a.producerId, a.firstOffset, a.lastOffset]);
}
