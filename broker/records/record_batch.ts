/**
 * The Kafka record batch (magic v2) header: parsing, validation and the in-place rewrites a broker
 * does on append. Layout (big-endian): baseOffset int64 @0, batchLength int32 @8,
 * partitionLeaderEpoch int32 @12, magic int8 @16, crc uint32 @17, attributes int16 @21,
 * lastOffsetDelta int32 @23, baseTimestamp int64 @27, maxTimestamp int64 @35, producerId int64
 * @43, producerEpoch int16 @51, baseSequence int32 @53, recordsCount int32 @57, records @61.
 * The CRC-32C covers bytes 21..end, so baseOffset, batchLength and partitionLeaderEpoch can be
 * rewritten without recomputing it (Kafka's DefaultRecordBatch does the same).
 *
 * @module
 */
import { crc32c } from "./crc32c.ts";
import { CorruptBatchError } from "./errors.ts";

/** Size of the fixed batch header; records start here. */
export const BATCH_HEADER_SIZE = 61;
/** Bytes before `batchLength` counts: baseOffset (8) + batchLength (4). */
export const LOG_OVERHEAD = 12;
/** Offset of the first CRC-covered byte (attributes). */
export const CRC_START = 21;

/** Compression codec in attributes bits 0-2. */
export const Compression = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
/** Attribute bits. */
export const Attributes = {
  compressionMask: 0x07,
  logAppendTime: 0x08,
  transactional: 0x10,
  control: 0x20,
  deleteHorizon: 0x40,
} as const;

/** The decoded fixed header of a v2 record batch. */
export interface RecordBatchHeader {
  /** Offset of the first record (rewritten by the broker on append). */
  baseOffset: number;
  /** Bytes after the batchLength field (total size = batchLength + 12). */
  batchLength: number;
  /** Leader epoch stamped by the broker; -1 from producers. */
  partitionLeaderEpoch: number;
  /** Always 2 for a valid batch. */
  magic: number;
  /** Stored CRC-32C over bytes 21..end. */
  crc: number;
  /** Raw attributes int16. */
  attributes: number;
  /** Codec number (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd). */
  compression: number;
  /** "logAppend" when attributes bit 3 is set, else "create". */
  timestampType: "create" | "logAppend";
  /** Attributes bit 4. */
  isTransactional: boolean;
  /** Attributes bit 5 (transaction markers). */
  isControl: boolean;
  /** The batch covers offsets baseOffset..baseOffset+lastOffsetDelta. */
  lastOffsetDelta: number;
  /** Timestamp the record deltas are relative to. */
  baseTimestamp: number;
  /** Largest record timestamp (or the log append time). */
  maxTimestamp: number;
  /** -1 unless idempotent/transactional. */
  producerId: number;
  /** -1 unless idempotent/transactional. */
  producerEpoch: number;
  /** -1 unless idempotent/transactional. */
  baseSequence: number;
  /** Number of records (also for compressed batches). */
  recordsCount: number;
}

/** Reads a big-endian signed int64 as a number (exact within ±2^53). */
export function readInt64(view: DataView, pos: number): number {
  return view.getInt32(pos) * 4294967296 + view.getUint32(pos + 4);
}

/** Writes a number as a big-endian signed int64. */
export function writeInt64(view: DataView, pos: number, value: number): void {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`int64 value ${value} is not a safe integer`);
  }
  const hi = Math.floor(value / 4294967296);
  view.setInt32(pos, hi);
  view.setUint32(pos + 4, value - hi * 4294967296);
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Parses the 61-byte header at the start of `bytes` without checking the CRC.
 * Throws {@linkcode CorruptBatchError} ("too-short") when fewer than 61 bytes are given.
 */
export function readBatchHeader(bytes: Uint8Array): RecordBatchHeader {
  if (bytes.length < BATCH_HEADER_SIZE) {
    throw new CorruptBatchError("too-short", `${bytes.length} bytes, a header needs 61`);
  }
  const v = viewOf(bytes);
  const attributes = v.getInt16(21);
  return {
    baseOffset: readInt64(v, 0),
    batchLength: v.getInt32(8),
    partitionLeaderEpoch: v.getInt32(12),
    magic: v.getInt8(16),
    crc: v.getUint32(17),
    attributes,
    compression: attributes & Attributes.compressionMask,
    timestampType: attributes & Attributes.logAppendTime ? "logAppend" : "create",
    isTransactional: (attributes & Attributes.transactional) !== 0,
    isControl: (attributes & Attributes.control) !== 0,
    lastOffsetDelta: v.getInt32(23),
    baseTimestamp: readInt64(v, 27),
    maxTimestamp: readInt64(v, 35),
    producerId: readInt64(v, 43),
    producerEpoch: v.getInt16(51),
    baseSequence: v.getInt32(53),
    recordsCount: v.getInt32(57),
  };
}

/** Total size in bytes (batchLength + 12) of the batch starting at `pos`, or -1 if under 12 bytes remain. */
export function batchSizeAt(bytes: Uint8Array, pos = 0): number {
  if (bytes.length - pos < LOG_OVERHEAD) return -1;
  return viewOf(bytes).getInt32(pos + 8) + LOG_OVERHEAD;
}

/** Computes the CRC-32C a batch should carry (over bytes 21..end). */
export function computeBatchCrc(batch: Uint8Array): number {
  return crc32c(batch.subarray(CRC_START));
}

/**
 * Checks that `batch` is exactly one well-formed v2 batch: at least 61 bytes, magic 2,
 * batchLength + 12 equal to its size, a matching CRC, and recordsCount <= lastOffsetDelta + 1
 * (compacted batches have gaps). Returns its header. Incoming Produce data should use
 * {@linkcode validateProducedBatch}.
 *
 * @throws {CorruptBatchError} naming the failed check.
 */
export function validateBatch(batch: Uint8Array): RecordBatchHeader {
  const h = readBatchHeader(batch);
  if (h.magic !== 2) throw new CorruptBatchError("bad-magic", `magic ${h.magic}, expected 2`);
  if (h.batchLength + LOG_OVERHEAD !== batch.length) {
    throw new CorruptBatchError(
      "bad-length",
      `batchLength ${h.batchLength} + 12 != ${batch.length} bytes given`,
    );
  }
  const crc = computeBatchCrc(batch);
  if (crc !== h.crc) {
    throw new CorruptBatchError("bad-crc", `stored ${hex(h.crc)}, computed ${hex(crc)}`);
  }
  if (h.lastOffsetDelta < 0 || h.recordsCount < 0 || h.recordsCount > h.lastOffsetDelta + 1) {
    throw new CorruptBatchError(
      "bad-offset-delta",
      `lastOffsetDelta ${h.lastOffsetDelta} does not fit recordsCount ${h.recordsCount}`,
    );
  }
  return h;
}

/**
 * {@linkcode validateBatch} plus the rules Kafka applies to batches from producers (LogValidator):
 * at least one record, recordsCount equal to lastOffsetDelta + 1, and no control batches unless
 * `allowControl` (only the broker's transaction coordinator writes those).
 *
 * @throws {CorruptBatchError} with reason "bad-count" or "control-batch" for these rules.
 */
export function validateProducedBatch(batch: Uint8Array, allowControl = false): RecordBatchHeader {
  const h = validateBatch(batch);
  if (h.recordsCount < 1 || h.recordsCount !== h.lastOffsetDelta + 1) {
    throw new CorruptBatchError(
      "bad-count",
      `recordsCount ${h.recordsCount} with lastOffsetDelta ${h.lastOffsetDelta}`,
    );
  }
  if (h.isControl && !allowControl) {
    throw new CorruptBatchError("control-batch", "producers may not write control batches");
  }
  return h;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}

/** Rewrites baseOffset in place (not CRC-covered). */
export function setBaseOffset(batch: Uint8Array, baseOffset: number): void {
  writeInt64(viewOf(batch), 0, baseOffset);
}

/** Rewrites partitionLeaderEpoch in place (not CRC-covered). */
export function setPartitionLeaderEpoch(batch: Uint8Array, epoch: number): void {
  viewOf(batch).setInt32(12, epoch);
}

/**
 * Marks the batch as LogAppendTime: sets attributes bit 3 and maxTimestamp to `timestamp`, then
 * recomputes the CRC (both fields are CRC-covered), as Kafka does for
 * `message.timestamp.type=LogAppendTime` topics.
 */
export function setLogAppendTime(batch: Uint8Array, timestamp: number): void {
  const v = viewOf(batch);
  v.setInt16(21, v.getInt16(21) | Attributes.logAppendTime);
  writeInt64(v, 35, timestamp);
  v.setUint32(17, computeBatchCrc(batch));
}

/** Last offset covered by the batch: baseOffset + lastOffsetDelta. */
export function lastOffsetOf(h: RecordBatchHeader): number {
  return h.baseOffset + h.lastOffsetDelta;
}

/**
 * Splits concatenated batches (a segment file, a Fetch `records` field) into subarrays, without
 * copying or CRC checks. A trailing partial batch is reported in `trailingBytes`, not returned.
 */
export function splitBatches(bytes: Uint8Array): { batches: Uint8Array[]; trailingBytes: number } {
  const batches: Uint8Array[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const size = batchSizeAt(bytes, pos);
    if (size < BATCH_HEADER_SIZE || pos + size > bytes.length) break;
    batches.push(bytes.subarray(pos, pos + size));
    pos += size;
  }
  return { batches, trailingBytes: bytes.length - pos };
}
