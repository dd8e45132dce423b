/**
 * A consumed batch as columns: one buffer holding every key and value, and one typed array per
 * field. What `Consumer.columnBatches()` yields; a hot path reads it without an object per
 * record (the per-record `ConsumerRecord`s of `Consumer.batches()` are built from it).
 *
 * @module
 */

import type { HeaderColumns } from "./header_columns.ts";

/** What a record's timestamp means, by {@linkcode RecordColumns.timestampTypes} code. */
export const TIMESTAMP_TYPES = ["none", "create", "log-append"] as const;

/**
 * Records `0 .. length - 1` of one consumed batch, in the order librdkafka delivered them.
 * The key and value of record `i` are `bytes[keyStarts[i] .. keyStarts[i] + keyLengths[i])` and
 * `bytes[valueStarts[i] .. valueStarts[i] + valueLengths[i])`; a length of -1 means `null`
 * (no key, tombstone). `bytes` also holds framing between them, so only those ranges are data.
 * Every array is owned by this batch (nothing is reused by the next one).
 *
 * ```ts ignore
 * for await (const batch of consumer.columnBatches()) {
 *   for (let i = 0; i < batch.length; i++) {
 *     const value = batch.value(i); // a view, no copy; or read batch.bytes directly
 *   }
 * }
 * ```
 */
export class RecordColumns {
  /** How many records the batch holds (the arrays may be longer). */
  length = 0;
  /** The copied keys and values of the batch. */
  bytes: Uint8Array<ArrayBuffer> = new Uint8Array(0);
  /** Where each key starts in {@linkcode bytes}. */
  readonly keyStarts: Int32Array<ArrayBuffer>;
  /** Each key's length in bytes, -1 for no key. */
  readonly keyLengths: Int32Array<ArrayBuffer>;
  /** Where each value starts in {@linkcode bytes}. */
  readonly valueStarts: Int32Array<ArrayBuffer>;
  /** Each value's length in bytes, -1 for a tombstone. */
  readonly valueLengths: Int32Array<ArrayBuffer>;
  /** Each record's offset in its partition. */
  readonly offsets: Float64Array<ArrayBuffer>;
  /** Each record's partition. */
  readonly partitions: Int32Array<ArrayBuffer>;
  /** Each record's index into {@linkcode topicNames}. */
  readonly topics: Uint16Array<ArrayBuffer>;
  /** The batch's distinct topic names. */
  readonly topicNames: string[] = [];
  /** Each record's timestamp, milliseconds since the epoch (-1 when it has none). */
  readonly timestamps: Float64Array<ArrayBuffer>;
  /** Each timestamp's meaning as an index into {@linkcode TIMESTAMP_TYPES}. */
  readonly timestampTypes: Uint8Array<ArrayBuffer>;
  /** The records' headers when they were read, else `null`. */
  headers: HeaderColumns | null = null;

  /** Creates empty columns with room for `capacity` records. */
  constructor(capacity: number) {
    this.keyStarts = new Int32Array(capacity);
    this.keyLengths = new Int32Array(capacity);
    this.valueStarts = new Int32Array(capacity);
    this.valueLengths = new Int32Array(capacity);
    this.offsets = new Float64Array(capacity);
    this.partitions = new Int32Array(capacity);
    this.topics = new Uint16Array(capacity);
    this.timestamps = new Float64Array(capacity);
    this.timestampTypes = new Uint8Array(capacity);
  }

  /** Record `i`'s topic. */
  topic(i: number): string {
    return this.topicNames[this.topics[i]];
  }

  /** Record `i`'s key as a view into {@linkcode bytes}, `null` when it has none. */
  key(i: number): Uint8Array<ArrayBuffer> | null {
    return this.#slice(this.keyStarts[i], this.keyLengths[i]);
  }

  /** Record `i`'s value as a view into {@linkcode bytes}, `null` for a tombstone. */
  value(i: number): Uint8Array<ArrayBuffer> | null {
    return this.#slice(this.valueStarts[i], this.valueLengths[i]);
  }

  /** Record `i`'s timestamp type. */
  timestampType(i: number): (typeof TIMESTAMP_TYPES)[number] {
    return TIMESTAMP_TYPES[this.timestampTypes[i]] ?? "none";
  }

  /** The index of `topic` in {@linkcode topicNames}, adding it when new. */
  topicIndex(topic: string): number {
    const at = this.topicNames.indexOf(topic);
    if (at >= 0) return at;
    if (this.topicNames.length > 0xffff) throw new RangeError("more than 65536 topics in a batch");
    return this.topicNames.push(topic) - 1;
  }

  #slice(start: number, length: number): Uint8Array<ArrayBuffer> | null {
    return length < 0 ? null : this.bytes.subarray(start, start + length);
  }
}
