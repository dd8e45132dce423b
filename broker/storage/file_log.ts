/**
 * A durable, segmented {@linkcode PartitionLog} in one directory: `<20-digit base>.log` files
 * holding v2 batches byte for byte with sparse `.index`/`.timeindex`, size/time rolling, an
 * fsync policy with group commit, recovery of a torn tail on open, retention and compaction.
 *
 * @module
 */
import { lastOffsetOf, readBatchHeader } from "../records/mod.ts";
import { DEFAULT_LOG_CONFIG, type LogConfig } from "./log_config.ts";
import { findTimestampInBatch, stampBatch } from "./batch_ops.ts";
import { OffsetOutOfRangeError, StorageClosedError } from "./errors.ts";
import { Segment } from "./segment.ts";
import { type CompactionResult, compactSegments } from "./compaction.ts";
import { GroupCommit, type SyncFile } from "./group_commit.ts";
import { openLogDir, type RecoveryReport, writeLogStartOffset } from "./log_dir.ts";
import type {
  AppendOptions,
  AppendResult,
  PartitionLog,
  TimestampOffset,
} from "./partition_log.ts";

/**
 * When appends become durable: "always" fsyncs before an append resolves (concurrent appends
 * share one fsync), "interval" fsyncs every `fsyncIntervalMs` in the background, "none" leaves
 * it to the OS (and `flush()`/`close()`).
 */
export type FsyncPolicy = "always" | "interval" | "none";

/** Options for {@linkcode FileLog.open}; every field has a default. */
export interface FileLogOptions {
  /** Log settings. Default: Kafka's ({@linkcode DEFAULT_LOG_CONFIG}). */
  config?: Readonly<LogConfig>;
  /** Default: "always". */
  fsync?: FsyncPolicy;
  /** Period of the "interval" policy in ms. Default: 1000. */
  fsyncIntervalMs?: number;
  /** Clock in ms, used for LogAppendTime, segment.ms, retention and compaction. Default: `Date.now`. */
  now?: () => number;
  /** How a segment file is fsynced (tests pass one they can hold). Default: `file.syncData()`. */
  sync?: SyncFile;
  /** Called after each append becomes readable (counted in `highWatermark`). Default: none. */
  onAppended?: () => void;
}

export type { RecoveryReport };

/** A segmented file log; open with {@linkcode FileLog.open}. */
export class FileLog implements PartitionLog {
  /** What the last open repaired. */
  readonly recovery: RecoveryReport;
  #dir: string;
  #segments: Segment[];
  #config: Readonly<LogConfig>;
  #policy: FsyncPolicy;
  #now: () => number;
  #onAppended: () => void;
  #start: number;
  /** End of the fsynced prefix under the "always" policy (see highWatermark). */
  #durableEnd: number;
  #commit: GroupCommit;
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  /** Serialises operations that change the segment list (compaction, retention, truncation). */
  #exclusive: Promise<unknown> = Promise.resolve();

  private constructor(
    dir: string,
    segments: Segment[],
    start: number,
    options: FileLogOptions,
    recovery: RecoveryReport,
  ) {
    this.#dir = dir;
    this.#segments = segments;
    this.#start = start;
    this.#config = options.config ?? DEFAULT_LOG_CONFIG;
    this.#policy = options.fsync ?? "always";
    this.#now = options.now ?? Date.now;
    this.#onAppended = options.onAppended ?? (() => {});
    this.#commit = new GroupCommit(options.sync);
    // What recovery kept is what survived: it is durable.
    this.#durableEnd = this.#active.nextOffset;
    this.recovery = recovery;
    if (this.#policy === "interval") {
      const timer = setInterval(() => {
        this.flush().catch(() => {/* retried next tick; close() reports */});
      }, options.fsyncIntervalMs ?? 1000);
      Deno.unrefTimer(timer);
      this.#timer = timer;
    }
  }

  /**
   * Opens (creating if needed) the log in `dir`: removes leftover temp files, loads closed
   * segments' indexes (rebuilding inconsistent ones), CRC-checks the last segment and truncates
   * a torn tail.
   */
  static async open(dir: string, options: FileLogOptions = {}): Promise<FileLog> {
    const config = options.config ?? DEFAULT_LOG_CONFIG;
    const opened = await openLogDir(dir, config.indexIntervalBytes);
    return new FileLog(dir, opened.segments, opened.logStartOffset, options, opened.recovery);
  }

  /** First readable offset. */
  get logStartOffset(): number {
    return this.#start;
  }
  /**
   * Offset below which batches are readable. With fsync "always" it is the end of the fsynced
   * prefix, so no reader sees a batch before it is durable (and acknowledged); with "interval"
   * and "none" durability is left to the OS and it equals the log end offset.
   */
  get highWatermark(): number {
    return this.#policy === "always" ? this.#durableEnd : this.#active.nextOffset;
  }
  /** Next offset to be assigned. */
  get logEndOffset(): number {
    return this.#active.nextOffset;
  }
  /** Bytes in all segments. */
  get sizeBytes(): number {
    return this.#segments.reduce((n, s) => n + s.size, 0);
  }
  /** Base offsets of the segments, oldest first (the last one is active). */
  get segmentBaseOffsets(): number[] {
    return this.#segments.map((s) => s.baseOffset);
  }
  /** fsync rounds so far (each covers every append written before it started). */
  get fsyncRounds(): number {
    return this.#commit.rounds;
  }
  /** Current settings. */
  get config(): Readonly<LogConfig> {
    return this.#config;
  }
  /** Replaces the settings (after AlterConfigs); takes effect on the next append/maintenance. */
  set config(config: Readonly<LogConfig>) {
    this.#config = config;
  }

  get #active(): Segment {
    return this.#segments[this.#segments.length - 1];
  }

  /** See {@linkcode PartitionLog.append}. Rolls the active segment by size or age first. */
  async append(batch: Uint8Array, options: AppendOptions = {}): Promise<AppendResult> {
    this.#assertOpen();
    const now = this.#now();
    const s = stampBatch(
      batch,
      this.#config,
      this.logEndOffset,
      options.leaderEpoch ?? 0,
      now,
      options.origin,
    );
    this.#maybeRoll(batch.length, now);
    const lastOffset = lastOffsetOf(s.header);
    options.onAssign?.(s.header.baseOffset, lastOffset);
    this.#active.append(batch, s.header.baseOffset, lastOffset, s.maxTimestamp, now);
    this.#commit.written(this.#active.file);
    if (this.#policy === "always") await this.flush();
    options.onReadable?.(s.header.baseOffset, lastOffset);
    this.#onAppended();
    return {
      baseOffset: s.header.baseOffset,
      lastOffset,
      logAppendTime: s.logAppendTime,
      logStartOffset: this.#start,
    };
  }

  #maybeRoll(incoming: number, now: number): void {
    const a = this.#active;
    if (a.size === 0) return;
    const full = a.size + incoming > this.#config.segmentBytes;
    const old = a.firstAppendTime >= 0 && now - a.firstAppendTime >= this.#config.segmentMs;
    if (!full && !old) return;
    a.writeIndexes();
    this.#segments.push(Segment.create(this.#dir, a.nextOffset, this.#config.indexIntervalBytes));
  }

  /** See {@linkcode PartitionLog.read}. Continues into later segments while the budget allows. */
  read(fromOffset: number, maxBytes: number): Promise<Uint8Array[]> {
    this.#assertOpen();
    const leo = this.logEndOffset;
    if (fromOffset < this.#start || fromOffset > leo) {
      return Promise.reject(new OffsetOutOfRangeError(fromOffset, this.#start, leo));
    }
    const hw = this.highWatermark;
    const out: Uint8Array[] = [];
    if (fromOffset >= hw) return Promise.resolve(out);
    let budget = maxBytes;
    let atHighWatermark = false;
    for (let i = this.#segmentIndexFor(fromOffset); i < this.#segments.length; i++) {
      const seg = this.#segments[i];
      const first = seg.findBatch(fromOffset);
      if (!first) continue;
      let end = first.position;
      seg.scan(first.position, (b) => {
        // The high watermark is a batch boundary: batches are wholly below or at/above it.
        if (b.baseOffset >= hw) {
          atHighWatermark = true;
          return false;
        }
        if ((out.length > 0 || end > first.position) && end - first.position + b.size > budget) {
          return false;
        }
        end = b.position + b.size;
        return true;
      });
      const chunk = seg.readAt(first.position, end - first.position);
      for (let p = 0; p < chunk.length;) {
        const size = new DataView(chunk.buffer, chunk.byteOffset + p + 8, 4).getInt32(0) + 12;
        out.push(chunk.subarray(p, p + size));
        p += size;
      }
      budget -= chunk.length;
      if (atHighWatermark || end < seg.size || budget <= 0) break;
    }
    return Promise.resolve(out);
  }

  /** See {@linkcode PartitionLog.offsetForTimestamp}. */
  offsetForTimestamp(timestamp: number): Promise<TimestampOffset | null> {
    // Serialised with compaction: it awaits between segment reads (gzip decoding).
    return this.#serial(() => this.#offsetForTimestamp(timestamp));
  }

  async #offsetForTimestamp(timestamp: number): Promise<TimestampOffset | null> {
    this.#assertOpen();
    const hw = this.highWatermark;
    for (const seg of this.#segments) {
      if (seg.maxTimestamp < timestamp) continue;
      const hint = seg.timeIndex.lookup(timestamp);
      let pos = hint < 0 ? 0 : seg.offsetIndex.lookup(hint);
      for (let b = seg.batchAt(pos); b; b = seg.batchAt(pos)) {
        if (b.baseOffset >= hw) return null; // not durable yet: not visible
        pos = b.position + b.size;
        if (b.maxTimestamp < timestamp || b.lastOffset < this.#start) continue;
        const bytes = seg.readAt(b.position, b.size);
        const found = await findTimestampInBatch(bytes, readBatchHeader(bytes), timestamp);
        if (found && found.offset >= this.#start) return found;
      }
    }
    return null;
  }

  async #deleteRecordsBefore(offset: number): Promise<number> {
    this.#assertOpen();
    if (offset > this.highWatermark) {
      throw new OffsetOutOfRangeError(offset, this.#start, this.highWatermark);
    }
    if (offset <= this.#start) return this.#start;
    this.#start = offset;
    await this.#deleteOldSegments((_seg, next) => next.baseOffset <= this.#start);
    await this.#persistStart();
    return this.#start;
  }

  async #truncateTo(offset: number): Promise<void> {
    this.#assertOpen();
    await this.#commit.idle();
    while (this.#segments.length > 1 && this.#active.baseOffset >= offset) {
      const seg = this.#segments.pop()!;
      this.#commit.forget(seg.file);
      seg.delete();
    }
    const a = this.#active;
    const b = a.findBatch(offset);
    if (b) a.truncateAt(b.position);
    this.#durableEnd = Math.min(this.#durableEnd, a.nextOffset);
    if (this.#start > a.nextOffset) {
      this.#start = a.nextOffset;
      await this.#persistStart();
    }
  }

  async #applyRetention(): Promise<number> {
    this.#assertOpen();
    if (!this.#config.cleanupPolicy.delete) return 0;
    const { retentionMs, retentionBytes } = this.#config;
    const cutoff = this.#now() - retentionMs;
    let size = this.sizeBytes;
    const deleted = await this.#deleteOldSegments((seg) => {
      const expired = retentionMs >= 0 && seg.maxTimestamp < cutoff;
      const over = retentionBytes >= 0 && size - seg.size >= retentionBytes;
      if (expired || over) size -= seg.size;
      return expired || over;
    });
    if (deleted > 0 && this.#segments[0].baseOffset > this.#start) {
      this.#start = this.#segments[0].baseOffset;
      await this.#persistStart();
    }
    return deleted;
  }

  async #compact(): Promise<CompactionResult> {
    this.#assertOpen();
    const none = { segmentsRewritten: 0, recordsRemoved: 0, bytesFreed: 0 };
    if (!this.#config.cleanupPolicy.compact || this.#segments.length < 2) return none;
    await this.#commit.idle();
    const closed = this.#segments.slice(0, -1);
    for (const s of closed) this.#commit.forget(s.file);
    await Promise.all(closed.map((s) => s.file.sync()));
    const { segments, replaced, result } = await compactSegments({
      dir: this.#dir,
      segments: closed,
      deleteRetentionMs: this.#config.deleteRetentionMs,
      indexIntervalBytes: this.#config.indexIntervalBytes,
      now: this.#now(),
    });
    this.#segments.splice(0, closed.length, ...segments);
    for (const old of replaced) old.close();
    return result;
  }

  /** See {@linkcode PartitionLog.deleteRecordsBefore}. Deletes segments entirely below it. */
  deleteRecordsBefore(offset: number): Promise<number> {
    return this.#serial(() => this.#deleteRecordsBefore(offset));
  }

  /** See {@linkcode PartitionLog.truncateTo}. */
  truncateTo(offset: number): Promise<void> {
    return this.#serial(() => this.#truncateTo(offset));
  }

  /**
   * Deletes closed segments by `retention.ms` (newest timestamp older than now - retention) and
   * `retention.bytes`, when cleanup.policy includes delete; advances logStartOffset. Returns the
   * number of segments deleted.
   */
  applyRetention(): Promise<number> {
    return this.#serial(() => this.#applyRetention());
  }

  /**
   * Compacts closed segments when cleanup.policy includes compact (the active segment is left
   * alone; appends and reads continue meanwhile). See compaction.ts for the rules.
   */
  compact(): Promise<CompactionResult> {
    return this.#serial(() => this.#compact());
  }

  #serial<T>(op: () => Promise<T>): Promise<T> {
    const next = this.#exclusive.then(op, op);
    this.#exclusive = next.catch(() => {});
    return next;
  }

  /**
   * Makes every append so far durable; concurrent callers share one fsync round. Under the
   * "always" policy this is what advances the high watermark.
   */
  async flush(): Promise<void> {
    const end = this.#active.nextOffset;
    await this.#commit.flush();
    // A truncation while the round was in flight may have cut below `end`.
    this.#durableEnd = Math.min(Math.max(this.#durableEnd, end), this.#active.nextOffset);
  }

  /** Flushes, writes the active segment's indexes and closes every file; idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#exclusive;
    try {
      await this.flush();
      this.#active.writeIndexes();
    } finally {
      for (const s of this.#segments) s.close();
    }
  }

  /** Same as {@linkcode close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Deletes leading closed segments while `shouldDelete(segment, nextSegment)` holds. */
  async #deleteOldSegments(
    shouldDelete: (seg: Segment, next: Segment) => boolean,
  ): Promise<number> {
    await this.#commit.idle();
    let n = 0;
    while (this.#segments.length > 1 && shouldDelete(this.#segments[0], this.#segments[1])) {
      const seg = this.#segments.shift()!;
      this.#commit.forget(seg.file);
      seg.delete();
      n++;
    }
    return n;
  }

  #persistStart(): Promise<void> {
    return writeLogStartOffset(this.#dir, this.#start);
  }

  /** Index of the last segment whose baseOffset <= offset (0 if none). */
  #segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.#segments.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#segments[mid].baseOffset <= offset) lo = mid + 1;
      else hi = mid;
    }
    return Math.max(0, lo - 1);
  }

  #assertOpen(): void {
    if (this.#closed) throw new StorageClosedError(`FileLog ${this.#dir}`);
  }
}
