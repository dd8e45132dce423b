/**
 * One partition's log in the in-memory cluster: data records and transaction control markers,
 * each at its own offset as in Kafka, with the last stable offset (LSO) that bounds what
 * read_committed readers see.
 *
 * @module
 */

/** What ended a transaction; a marker occupies one offset and is never returned to readers. */
export type MarkerKind = "commit" | "abort";

/** A data record in a fake partition log. */
export interface LogRecord {
  readonly offset: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: Array<[string, Uint8Array | null]>;
  readonly timestamp: number;
  /** The transaction it belongs to, or `null` when written outside one. */
  readonly txn: number | null;
}

/** A control marker in a fake partition log. */
export interface LogMarker {
  readonly offset: number;
  readonly marker: MarkerKind;
  readonly txn: number;
}

/** An entry of a fake partition log. */
export type LogEntry = LogRecord | LogMarker;

/** Whether `entry` is a control marker. */
export function isMarker(entry: LogEntry): entry is LogMarker {
  return "marker" in entry;
}

/** The fate of a transaction, as the log's readers need it. */
export type TxnState = "open" | "committed" | "aborted";

/** An append-only partition log. */
export class PartitionLog {
  readonly #entries: LogEntry[] = [];
  /** First offset of each open transaction in this partition. */
  readonly #openTxns = new Map<number, number>();

  /** The high watermark: the offset the next entry gets. */
  get high(): number {
    return this.#entries.length;
  }

  /** The last stable offset: the first offset of the oldest open transaction, else the high watermark. */
  get lastStable(): number {
    let lso = this.high;
    for (const first of this.#openTxns.values()) lso = Math.min(lso, first);
    return lso;
  }

  /** Appends a record and returns its offset. */
  append(record: Omit<LogRecord, "offset">): number {
    const offset = this.#entries.length;
    if (record.txn !== null && !this.#openTxns.has(record.txn)) {
      this.#openTxns.set(record.txn, offset);
    }
    this.#entries.push({ ...record, offset });
    return offset;
  }

  /** Writes the marker ending transaction `txn` (which wrote to this partition). */
  mark(txn: number, marker: MarkerKind): void {
    this.#openTxns.delete(txn);
    this.#entries.push({ offset: this.#entries.length, marker, txn });
  }

  /** The entry at `offset`, or `undefined` past the end. */
  at(offset: number): LogEntry | undefined {
    return this.#entries[offset];
  }
}
