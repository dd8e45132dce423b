/**
 * Log compaction (`cleanup.policy=compact`) over a file log's closed segments: keep the latest
 * record per key, drop tombstones older than `delete.retention.ms`, keep offsets (gaps allowed),
 * and replace each changed segment atomically (write `<base>.log.cleaned`, fsync, remove the
 * indexes, rename over `<base>.log`, rebuild the indexes). A crash leaves either the old or the
 * new segment; leftover `.cleaned` files are removed when the log opens.
 *
 * @module
 */
import {
  buildRecordBatch,
  type KafkaRecord,
  readBatchHeader,
  readRecords,
  type RecordBatchHeader,
  splitBatches,
  UnsupportedCompressionError,
} from "../records/mod.ts";
import { writeFileSynced } from "./fs_util.ts";
import { removeIfExists, Segment } from "./segment.ts";

/** Suffix of compaction output before it replaces the segment. */
export const CLEANED_SUFFIX = ".cleaned";

/** What one compaction pass did. */
export interface CompactionResult {
  /** Segments rewritten. */
  segmentsRewritten: number;
  /** Records removed (superseded or expired tombstones). */
  recordsRemoved: number;
  /** Bytes before minus bytes after. */
  bytesFreed: number;
}

/** Inputs of {@linkcode compactSegments}. */
export interface CompactionInput {
  /** The log directory. */
  dir: string;
  /** Closed segments, oldest first (never the active one). */
  segments: Segment[];
  /** `delete.retention.ms`. */
  deleteRetentionMs: number;
  /** `index.interval.bytes` for reopened segments. */
  indexIntervalBytes: number;
  /** Current time in ms. */
  now: number;
}

interface Decoded {
  bytes: Uint8Array;
  header: RecordBatchHeader;
  /** Null when the records cannot be decoded (kept as-is). */
  records: KafkaRecord[] | null;
}

/** A map key for raw key bytes (one char per byte, chunked to keep the argument list small). */
function keyId(key: Uint8Array): string {
  let s = "";
  for (let i = 0; i < key.length; i += 4096) {
    s += String.fromCharCode(...key.subarray(i, i + 4096));
  }
  return s;
}

/**
 * Compacts `segments` in place of their files and returns the new segment list (same base
 * offsets; rewritten segments are new objects). The `replaced` old segments stay open (their
 * handles still read the old, unlinked files) so readers can use them until the caller swaps
 * the list; the caller closes them afterwards.
 */
export async function compactSegments(
  input: CompactionInput,
): Promise<{ segments: Segment[]; replaced: Segment[]; result: CompactionResult }> {
  const decoded: Decoded[][] = [];
  const latest = new Map<string, number>();
  for (const seg of input.segments) {
    const batches: Decoded[] = [];
    for (const bytes of splitBatches(seg.readAt(0, seg.size)).batches) {
      const header = readBatchHeader(bytes);
      const records = header.isControl ? null : await tryRecords(bytes);
      for (const r of records ?? []) if (r.key) latest.set(keyId(r.key), r.offset);
      batches.push({ bytes, header, records });
    }
    decoded.push(batches);
  }
  const horizon = input.now - input.deleteRetentionMs;
  const keep = (r: KafkaRecord) =>
    r.key === null ||
    (latest.get(keyId(r.key)) === r.offset && !(r.value === null && r.timestamp < horizon));
  const result: CompactionResult = { segmentsRewritten: 0, recordsRemoved: 0, bytesFreed: 0 };
  const out: Segment[] = [];
  const replaced: Segment[] = [];
  for (let i = 0; i < input.segments.length; i++) {
    const seg = input.segments[i];
    let changed = false;
    const parts: Uint8Array[] = [];
    for (const b of decoded[i]) {
      if (b.records === null) {
        parts.push(b.bytes);
        continue;
      }
      const kept = b.records.filter(keep);
      if (kept.length === b.records.length) {
        parts.push(b.bytes);
        continue;
      }
      changed = true;
      result.recordsRemoved += b.records.length - kept.length;
      if (kept.length > 0) parts.push(rebuild(b.header, kept));
    }
    if (!changed) {
      out.push(seg);
      continue;
    }
    const size = parts.reduce((n, p) => n + p.length, 0);
    result.bytesFreed += seg.size - size;
    result.segmentsRewritten++;
    out.push(await replaceSegment(input, seg, parts, size));
    replaced.push(seg);
  }
  return { segments: out, replaced, result };
}

async function tryRecords(bytes: Uint8Array): Promise<KafkaRecord[] | null> {
  try {
    return await readRecords(bytes);
  } catch (e) {
    if (e instanceof UnsupportedCompressionError) return null;
    throw e;
  }
}

function rebuild(h: RecordBatchHeader, kept: KafkaRecord[]): Uint8Array {
  return buildRecordBatch(kept, {
    baseOffset: h.baseOffset,
    partitionLeaderEpoch: h.partitionLeaderEpoch,
    lastOffsetDelta: h.lastOffsetDelta,
    baseTimestamp: h.baseTimestamp,
    timestampType: h.timestampType,
    maxTimestamp: h.timestampType === "logAppend" ? h.maxTimestamp : undefined,
    transactional: h.isTransactional,
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
  });
}

async function replaceSegment(
  input: CompactionInput,
  seg: Segment,
  parts: Uint8Array[],
  size: number,
): Promise<Segment> {
  const bytes = new Uint8Array(size);
  let pos = 0;
  for (const p of parts) {
    bytes.set(p, pos);
    pos += p.length;
  }
  const cleaned = seg.logPath + CLEANED_SUFFIX;
  await writeFileSynced(cleaned, bytes);
  removeIfExists(`${seg.stem}.index`);
  removeIfExists(`${seg.stem}.timeindex`);
  await Deno.rename(cleaned, seg.logPath);
  return Segment.open(input.dir, seg.baseOffset, input.indexIntervalBytes, false).segment;
}
