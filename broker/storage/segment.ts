/**
 * One segment of a file log: `<baseOffset 20 digits>.log` holding v2 batches byte for byte, plus
 * its sparse `.index` and `.timeindex`. All file I/O here is synchronous (page-cache writes
 * and reads are microseconds); only fsync is asynchronous and lives in FileLog.
 *
 * @module
 */
import { BATCH_HEADER_SIZE, readBatchHeader, validateBatch } from "../records/mod.ts";
import { OffsetIndex, TimeIndex } from "./segment_index.ts";

/** The parts of a batch header a segment scan needs. */
export interface BatchInfo {
  /** Byte position in the segment. */
  position: number;
  /** Total batch size. */
  size: number;
  /** First offset. */
  baseOffset: number;
  /** Last offset. */
  lastOffset: number;
  /** maxTimestamp field. */
  maxTimestamp: number;
}

/** `00000000000000000042` for 42. */
export function segmentName(baseOffset: number): string {
  return String(baseOffset).padStart(20, "0");
}

/** A segment's file handle, size, offsets and indexes. */
export class Segment {
  /** Offset of the first batch this segment may hold (its file name). */
  readonly baseOffset: number;
  /** Path without extension. */
  readonly stem: string;
  /** Bytes in the .log file. */
  size = 0;
  /** Last offset + 1 of the last batch, or baseOffset when empty. */
  nextOffset: number;
  /** Largest batch maxTimestamp, or -1 when empty. */
  maxTimestamp = -1;
  /** Wall time of the first append (or first batch's timestamp after reopen), for segment.ms. */
  firstAppendTime = -1;
  /** Sparse offset index. */
  offsetIndex = new OffsetIndex();
  /** Sparse time index. */
  timeIndex = new TimeIndex();
  #file: Deno.FsFile;
  #indexInterval: number;
  #sinceOffsetEntry = 0;
  #sinceTimeEntry = 0;

  private constructor(dir: string, baseOffset: number, file: Deno.FsFile, indexInterval: number) {
    this.baseOffset = baseOffset;
    this.nextOffset = baseOffset;
    this.stem = `${dir}/${segmentName(baseOffset)}`;
    this.#file = file;
    this.#indexInterval = indexInterval;
  }

  /** Path of the .log file. */
  get logPath(): string {
    return `${this.stem}.log`;
  }

  /** The open file, for fsync. */
  get file(): Deno.FsFile {
    return this.#file;
  }

  /** Creates (or truncates to empty) the segment file for `baseOffset`. */
  static create(dir: string, baseOffset: number, indexInterval: number): Segment {
    const path = `${dir}/${segmentName(baseOffset)}.log`;
    const file = Deno.openSync(path, { read: true, write: true, create: true, truncate: true });
    return new Segment(dir, baseOffset, file, indexInterval);
  }

  /**
   * Opens an existing segment. With `recover`, every batch is CRC-checked and a torn or corrupt
   * tail is truncated; otherwise the indexes are loaded from their files when they look sane and
   * rebuilt from batch headers when not. Returns the segment and the bytes truncated.
   */
  static open(
    dir: string,
    baseOffset: number,
    indexInterval: number,
    recover: boolean,
  ): { segment: Segment; truncatedBytes: number } {
    const path = `${dir}/${segmentName(baseOffset)}.log`;
    const file = Deno.openSync(path, { read: true, write: true });
    const seg = new Segment(dir, baseOffset, file, indexInterval);
    seg.size = file.statSync().size;
    if (!recover && seg.#loadIndexes()) return { segment: seg, truncatedBytes: 0 };
    const truncatedBytes = seg.#rebuild(recover);
    seg.writeIndexes();
    return { segment: seg, truncatedBytes };
  }

  /** Appends one stamped batch at the end of the file and indexes it. */
  append(
    batch: Uint8Array,
    baseOffset: number,
    lastOffset: number,
    maxTimestamp: number,
    now: number,
  ): void {
    const position = this.size;
    this.#file.seekSync(position, Deno.SeekMode.Start);
    let written = 0;
    while (written < batch.length) written += this.#file.writeSync(batch.subarray(written));
    this.size = position + batch.length;
    this.#track({ position, size: batch.length, baseOffset, lastOffset, maxTimestamp });
    if (this.firstAppendTime < 0) this.firstAppendTime = now;
  }

  /** Reads up to `length` bytes at `position` (fewer at the end of the file). */
  readAt(position: number, length: number): Uint8Array {
    const out = new Uint8Array(Math.max(0, Math.min(length, this.size - position)));
    this.#file.seekSync(position, Deno.SeekMode.Start);
    let filled = 0;
    while (filled < out.length) {
      const n = this.#file.readSync(out.subarray(filled));
      if (n === null || n === 0) break;
      filled += n;
    }
    return out.subarray(0, filled);
  }

  /** Header facts of the batch at `position`, or null past the end or for a short header. */
  batchAt(position: number): BatchInfo | null {
    const head = this.readAt(position, BATCH_HEADER_SIZE);
    if (head.length < BATCH_HEADER_SIZE) return null;
    const h = readBatchHeader(head);
    const size = h.batchLength + 12;
    if (size < BATCH_HEADER_SIZE || position + size > this.size) return null;
    const lastOffset = h.baseOffset + h.lastOffsetDelta;
    return { position, size, baseOffset: h.baseOffset, lastOffset, maxTimestamp: h.maxTimestamp };
  }

  /** The first batch whose last offset is >= `offset`, or null. */
  findBatch(offset: number): BatchInfo | null {
    let pos = this.offsetIndex.lookup(offset);
    for (let b = this.batchAt(pos); b; b = this.batchAt(pos)) {
      if (b.lastOffset >= offset) return b;
      pos += b.size;
    }
    return null;
  }

  /** Calls `visit` for each batch from `position` on; stops early when it returns false. */
  scan(position: number, visit: (b: BatchInfo) => boolean): void {
    for (let b = this.batchAt(position); b; b = this.batchAt(b.position + b.size)) {
      if (!visit(b)) return;
    }
  }

  /** Cuts the file at `position` (a batch boundary) and rebuilds the indexes. */
  truncateAt(position: number): void {
    this.#file.truncateSync(position);
    this.size = position;
    this.#rebuild(false);
    this.writeIndexes();
  }

  /** Writes both index files (not fsynced: they are rebuilt if found inconsistent). */
  writeIndexes(): void {
    if (this.maxTimestamp > this.timeIndex.lastTimestamp) {
      const last = this.#lastBatchBase();
      if (last >= 0) this.timeIndex.add(this.maxTimestamp, last);
    }
    Deno.writeFileSync(`${this.stem}.index`, this.offsetIndex.encode(this.baseOffset));
    Deno.writeFileSync(`${this.stem}.timeindex`, this.timeIndex.encode(this.baseOffset));
  }

  /** Closes the file handle; idempotent. */
  close(): void {
    try {
      this.#file.close();
    } catch (e) {
      if (!(e instanceof Deno.errors.BadResource)) throw e;
    }
  }

  /** Closes and removes the .log, then the index files. */
  delete(): void {
    this.close();
    for (const ext of [".log", ".index", ".timeindex"]) removeIfExists(this.stem + ext);
  }

  #track(b: BatchInfo): void {
    if (this.offsetIndex.offsets.length === 0 || this.#sinceOffsetEntry >= this.#indexInterval) {
      this.offsetIndex.add(b.baseOffset, b.position);
      this.#sinceOffsetEntry = 0;
    }
    this.#sinceOffsetEntry += b.size;
    this.maxTimestamp = Math.max(this.maxTimestamp, b.maxTimestamp);
    const due = this.timeIndex.timestamps.length === 0 ||
      this.#sinceTimeEntry >= this.#indexInterval;
    if (due && this.maxTimestamp > this.timeIndex.lastTimestamp) {
      this.timeIndex.add(this.maxTimestamp, b.baseOffset);
      this.#sinceTimeEntry = 0;
    }
    this.#sinceTimeEntry += b.size;
    this.nextOffset = b.lastOffset + 1;
  }

  #lastBatchBase(): number {
    let pos = this.offsetIndex.lookup(Number.MAX_SAFE_INTEGER);
    let base = -1;
    this.scan(pos, (b) => {
      base = b.baseOffset;
      pos = b.position;
      return true;
    });
    return base;
  }

  /** Re-derives indexes, nextOffset and maxTimestamp by scanning; returns bytes truncated. */
  #rebuild(validate: boolean): number {
    const end = this.size;
    this.offsetIndex = new OffsetIndex();
    this.timeIndex = new TimeIndex();
    this.#sinceOffsetEntry = 0;
    this.#sinceTimeEntry = 0;
    this.maxTimestamp = -1;
    this.nextOffset = this.baseOffset;
    let pos = 0;
    for (let b = this.batchAt(0); b; b = this.batchAt(pos)) {
      if (validate && !isValid(this.readAt(b.position, b.size))) break;
      this.#track(b);
      if (this.firstAppendTime < 0) this.firstAppendTime = b.maxTimestamp;
      pos = b.position + b.size;
    }
    if (pos < end) {
      this.#file.truncateSync(pos);
      this.size = pos;
    }
    return end - pos;
  }

  #loadIndexes(): boolean {
    const offsets = OffsetIndex.decode(
      readOrEmpty(`${this.stem}.index`),
      this.baseOffset,
      this.size,
    );
    const times = TimeIndex.decode(readOrEmpty(`${this.stem}.timeindex`), this.baseOffset);
    if (!offsets || !times || (this.size > 0 && offsets.offsets.length === 0)) return false;
    if (this.size === 0) return times.timestamps.length === 0;
    // Spot-check the last offset entry against the batch it points at, then find the end.
    const lastPos = offsets.positions.at(-1)!;
    const b = this.batchAt(lastPos);
    if (!b || b.baseOffset !== offsets.offsets.at(-1)) return false;
    let next = b.lastOffset + 1;
    let end = b.position + b.size;
    let maxTs = Math.max(times.lastTimestamp, b.maxTimestamp);
    this.scan(end, (x) => {
      next = x.lastOffset + 1;
      end = x.position + x.size;
      maxTs = Math.max(maxTs, x.maxTimestamp);
      return true;
    });
    if (end !== this.size) return false;
    this.offsetIndex = offsets;
    this.timeIndex = times;
    this.nextOffset = next;
    this.maxTimestamp = maxTs;
    this.firstAppendTime = times.timestamps[0] ?? -1;
    this.#sinceOffsetEntry = this.#indexInterval;
    this.#sinceTimeEntry = this.#indexInterval;
    return true;
  }
}

function isValid(batch: Uint8Array): boolean {
  try {
    validateBatch(batch);
    return true;
  } catch {
    return false;
  }
}

function readOrEmpty(path: string): Uint8Array {
  try {
    return Deno.readFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return new Uint8Array(0);
    throw e;
  }
}

/** Removes a file, ignoring NotFound. */
export function removeIfExists(path: string): void {
  try {
    Deno.removeSync(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}
