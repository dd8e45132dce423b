/**
 * Decoding the records inside a v2 batch: lazily for uncompressed batches, and via
 * `DecompressionStream("gzip")` for gzip batches. Keys, values and header values are zero-copy
 * subarrays of the batch (or of the decompressed buffer).
 *
 * @module
 */
import { CorruptBatchError, UnsupportedCompressionError } from "./errors.ts";
import { BATCH_HEADER_SIZE, Compression, readBatchHeader } from "./record_batch.ts";
import { type Cursor, readVarint } from "./varint.ts";

/** One record header; keys are UTF-8 strings, values raw bytes or null. */
export interface RecordHeader {
  /** Header key. */
  key: string;
  /** Header value, null when the length is -1. */
  value: Uint8Array | null;
}

/** A decoded record with absolute offset and timestamp. */
export interface KafkaRecord {
  /** baseOffset + offsetDelta. */
  offset: number;
  /** The offset delta inside the batch. */
  offsetDelta: number;
  /** baseTimestamp + timestampDelta. */
  timestamp: number;
  /** Key bytes, or null. */
  key: Uint8Array | null;
  /** Value bytes, or null (a tombstone). */
  value: Uint8Array | null;
  /** Headers in wire order. */
  headers: RecordHeader[];
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Iterates the records of an uncompressed batch lazily. The batch is not CRC-checked here (call
 * `validateBatch` first for untrusted input).
 *
 * @throws {UnsupportedCompressionError} for compressed batches (use {@linkcode readRecords}).
 * @throws {CorruptBatchError} ("bad-record") when a record is malformed.
 */
export function* iterateRecords(batch: Uint8Array): Generator<KafkaRecord> {
  const h = readBatchHeader(batch);
  if (h.compression !== Compression.none) throw new UnsupportedCompressionError(h.compression);
  yield* decodeRecords(
    batch.subarray(BATCH_HEADER_SIZE),
    h.recordsCount,
    h.baseOffset,
    h.baseTimestamp,
  );
}

/**
 * Decodes all records of a batch that is uncompressed or gzip-compressed.
 *
 * @throws {UnsupportedCompressionError} for snappy, lz4 and zstd.
 */
export async function readRecords(batch: Uint8Array): Promise<KafkaRecord[]> {
  const h = readBatchHeader(batch);
  let body = batch.subarray(BATCH_HEADER_SIZE);
  if (h.compression === Compression.gzip) body = await gunzip(body);
  else if (h.compression !== Compression.none) throw new UnsupportedCompressionError(h.compression);
  return [...decodeRecords(body, h.recordsCount, h.baseOffset, h.baseTimestamp)];
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
      .pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new CorruptBatchError("bad-record", `gzip records do not decompress: ${e}`);
  }
}

/** Decodes `count` records from a records region (already decompressed). */
export function* decodeRecords(
  body: Uint8Array,
  count: number,
  baseOffset: number,
  baseTimestamp: number,
): Generator<KafkaRecord> {
  const cur: Cursor = { bytes: body, pos: 0, end: body.length };
  for (let i = 0; i < count; i++) {
    const length = readVarint(cur);
    const end = cur.pos + length;
    if (length < 0 || end > body.length) {
      throw new CorruptBatchError("bad-record", `record ${i} length ${length} overruns the batch`);
    }
    const rec: Cursor = { bytes: body, pos: cur.pos + 1, end }; // skip attributes int8
    const timestampDelta = readVarint(rec);
    const offsetDelta = readVarint(rec);
    const key = readBytes(rec);
    const value = readBytes(rec);
    const headerCount = readVarint(rec);
    if (headerCount < 0) throw new CorruptBatchError("bad-record", `header count ${headerCount}`);
    const headers: RecordHeader[] = [];
    for (let j = 0; j < headerCount; j++) {
      const k = readBytes(rec);
      if (k === null) throw new CorruptBatchError("bad-record", "null header key");
      headers.push({ key: decodeKey(k), value: readBytes(rec) });
    }
    if (rec.pos !== end) {
      throw new CorruptBatchError("bad-record", `record ${i} has ${end - rec.pos} stray bytes`);
    }
    cur.pos = end;
    yield {
      offset: baseOffset + offsetDelta,
      offsetDelta,
      timestamp: baseTimestamp + timestampDelta,
      key,
      value,
      headers,
    };
  }
}

function decodeKey(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new CorruptBatchError("bad-record", "header key is not UTF-8");
  }
}

function readBytes(cur: Cursor): Uint8Array | null {
  const n = readVarint(cur);
  if (n === -1) return null;
  if (n < -1 || cur.pos + n > cur.end) {
    throw new CorruptBatchError("bad-record", `field length ${n} overruns the record`);
  }
  const out = cur.bytes.subarray(cur.pos, cur.pos + n);
  cur.pos += n;
  return out;
}
