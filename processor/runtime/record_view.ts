/**
 * A consumed record read in place from its batch's columns (`Consumer.columnBatches()`): the
 * input loop moves one view along a batch and hands it to each task, so the hot path builds no
 * record object, header array or header tuple per record (Flink's object reuse mode).
 *
 * The contract with task logic (`TaskLogic.process`): the view is valid only during the call;
 * it shows the next record afterwards. Logic must not keep the view itself. What its getters
 * return is the logic's to keep: `key`, `value` and header values are views of the batch's own
 * buffers, which the consumer never reuses, and `headers` is a fresh array. Every job, the
 * dead-letter path (`deadLetterRecord` copies the fields it needs during the call) and the
 * tests in `record_view_test.ts` keep to it.
 *
 * @module
 */
import {
  type ConsumerRecord,
  type HeaderColumns,
  RecordColumns,
  TIMESTAMP_TYPES,
} from "@iot/kafka";

const EMPTY = new RecordColumns(0);

/** One record of a {@linkcode RecordColumns} batch, as a {@linkcode ConsumerRecord}. */
export class RecordView implements ConsumerRecord {
  #c: RecordColumns = EMPTY;
  #i = 0;
  /** The value of record `#i`, once asked (logic often asks twice). */
  #value: Uint8Array | null | undefined = undefined;

  /** Points the view at record `i` of `columns`; returns the view. */
  at(columns: RecordColumns, i: number): this {
    this.#c = columns;
    this.#i = i;
    this.#value = undefined;
    return this;
  }

  /** The batch the view reads. */
  get columns(): RecordColumns {
    return this.#c;
  }

  /** The record's index in {@linkcode columns}. */
  get index(): number {
    return this.#i;
  }

  /** The record's topic. */
  get topic(): string {
    return this.#c.topicNames[this.#c.topics[this.#i]];
  }

  /** The record's partition. */
  get partition(): number {
    return this.#c.partitions[this.#i];
  }

  /** The record's offset. */
  get offset(): number {
    return this.#c.offsets[this.#i];
  }

  /** The key bytes (a view of the batch's buffer), `null` when it has none. */
  get key(): Uint8Array | null {
    return this.#c.key(this.#i);
  }

  /** The value bytes (a view of the batch's buffer), `null` for a tombstone. */
  get value(): Uint8Array | null {
    if (this.#value === undefined) this.#value = this.#c.value(this.#i);
    return this.#value;
  }

  /** Milliseconds since the epoch; -1 when the record has none. */
  get timestamp(): number {
    return this.#c.timestamps[this.#i];
  }

  /** What the timestamp means. */
  get timestampType(): "create" | "log-append" | "none" {
    return TIMESTAMP_TYPES[this.#c.timestampTypes[this.#i]] ?? "none";
  }

  /** The headers in order, as a fresh array (empty when the batch was read without headers). */
  get headers(): Array<[string, Uint8Array | null]> {
    return this.#c.headers?.headersOf(this.#i) ?? [];
  }

  /** The batch's headers, or `null` when it was read without them. */
  get headerColumns(): HeaderColumns | null {
    return this.#c.headers;
  }

  /**
   * The index in {@linkcode headerColumns} of the record's last header named `name`, or -1:
   * read without building the header array.
   */
  lastHeader(name: string): number {
    const h = this.#c.headers;
    if (h === null) return -1;
    for (let k = h.firsts[this.#i + 1] - 1; k >= h.firsts[this.#i]; k--) {
      if (h.names[k] === name) return k;
    }
    return -1;
  }
}
