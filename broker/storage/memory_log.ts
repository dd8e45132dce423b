/**
 * An in-memory {@linkcode PartitionLog} for tests and ephemeral topics.
 *
 * @module
 */
import { lastOffsetOf, type RecordBatchHeader } from "../records/mod.ts";
import { DEFAULT_LOG_CONFIG, type LogConfig } from "./log_config.ts";
import { findTimestampInBatch, stampBatch } from "./batch_ops.ts";
import { OffsetOutOfRangeError, StorageClosedError } from "./errors.ts";
import type {
  AppendOptions,
  AppendResult,
  PartitionLog,
  TimestampOffset,
} from "./partition_log.ts";

/** Options for {@linkcode MemoryLog}. */
export interface MemoryLogOptions {
  /** Log settings (only maxMessageBytes and timestampType matter here). Default: Kafka's. */
  config?: Readonly<LogConfig>;
  /** Clock in ms. Default: `Date.now`. */
  now?: () => number;
  /** Called after each append (readable at once in memory). Default: none. */
  onAppended?: () => void;
}

interface Entry {
  header: RecordBatchHeader;
  bytes: Uint8Array;
}

/** Keeps batches in an array; nothing survives the process. */
export class MemoryLog implements PartitionLog {
  #entries: Entry[] = [];
  #start = 0;
  #end = 0;
  #size = 0;
  #closed = false;
  #config: Readonly<LogConfig>;
  #now: () => number;
  #onAppended: () => void;

  /** Creates an empty log starting at offset 0. */
  constructor(options: MemoryLogOptions = {}) {
    this.#config = options.config ?? DEFAULT_LOG_CONFIG;
    this.#now = options.now ?? Date.now;
    this.#onAppended = options.onAppended ?? (() => {});
  }

  /** First readable offset. */
  get logStartOffset(): number {
    return this.#start;
  }
  /** Next offset to be assigned: nothing to make durable, so also the high watermark. */
  get highWatermark(): number {
    return this.#end;
  }
  /** Next offset to be assigned. */
  get logEndOffset(): number {
    return this.#end;
  }
  /** Bytes stored. */
  get sizeBytes(): number {
    return this.#size;
  }

  /** See {@linkcode PartitionLog.append}. */
  append(batch: Uint8Array, options: AppendOptions = {}): Promise<AppendResult> {
    if (this.#closed) return Promise.reject(new StorageClosedError("MemoryLog"));
    try {
      const owned = batch.slice();
      const s = stampBatch(
        owned,
        this.#config,
        this.#end,
        options.leaderEpoch ?? 0,
        this.#now(),
        options.origin,
      );
      options.onAssign?.(s.header.baseOffset, lastOffsetOf(s.header));
      this.#entries.push({ header: s.header, bytes: owned });
      this.#size += owned.length;
      this.#end = lastOffsetOf(s.header) + 1;
      options.onReadable?.(s.header.baseOffset, this.#end - 1);
      this.#onAppended();
      return Promise.resolve({
        baseOffset: s.header.baseOffset,
        lastOffset: this.#end - 1,
        logAppendTime: s.logAppendTime,
        logStartOffset: this.#start,
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** See {@linkcode PartitionLog.read}. */
  read(fromOffset: number, maxBytes: number): Promise<Uint8Array[]> {
    if (fromOffset < this.#start || fromOffset > this.#end) {
      return Promise.reject(new OffsetOutOfRangeError(fromOffset, this.#start, this.#end));
    }
    const out: Uint8Array[] = [];
    let budget = maxBytes;
    for (let i = this.#firstIndexWithLast(fromOffset); i < this.#entries.length; i++) {
      const b = this.#entries[i].bytes;
      if (out.length > 0 && b.length > budget) break;
      out.push(b.slice());
      budget -= b.length;
    }
    return Promise.resolve(out);
  }

  /** See {@linkcode PartitionLog.offsetForTimestamp}. */
  async offsetForTimestamp(timestamp: number): Promise<TimestampOffset | null> {
    for (const e of this.#entries) {
      if (lastOffsetOf(e.header) < this.#start || e.header.maxTimestamp < timestamp) continue;
      const found = await findTimestampInBatch(e.bytes, e.header, timestamp);
      if (found && found.offset >= this.#start) return found;
    }
    return null;
  }

  /** See {@linkcode PartitionLog.deleteRecordsBefore}. */
  deleteRecordsBefore(offset: number): Promise<number> {
    if (offset > this.#end) {
      return Promise.reject(new OffsetOutOfRangeError(offset, this.#start, this.#end));
    }
    this.#start = Math.max(this.#start, offset);
    while (this.#entries.length && lastOffsetOf(this.#entries[0].header) < this.#start) {
      this.#size -= this.#entries.shift()!.bytes.length;
    }
    return Promise.resolve(this.#start);
  }

  /** See {@linkcode PartitionLog.truncateTo}. */
  truncateTo(offset: number): Promise<void> {
    const removed = this.#entries.splice(this.#firstIndexWithLast(offset));
    for (const e of removed) this.#size -= e.bytes.length;
    if (removed.length > 0) this.#end = removed[0].header.baseOffset;
    this.#start = Math.min(this.#start, this.#end);
    return Promise.resolve();
  }

  /** Nothing to flush. */
  flush(): Promise<void> {
    return Promise.resolve();
  }

  /** Marks the log closed; idempotent. */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  /** Same as {@linkcode close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Index of the first batch whose last offset is >= `offset` (binary search). */
  #firstIndexWithLast(offset: number): number {
    let lo = 0;
    let hi = this.#entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (lastOffsetOf(this.#entries[mid].header) < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
