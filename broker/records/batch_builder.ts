/**
 * Building uncompressed v2 record batches: for compaction output, tests, and transaction
 * control markers (COMMIT/ABORT).
 *
 * @module
 */
import { Attributes, BATCH_HEADER_SIZE, computeBatchCrc, writeInt64 } from "./record_batch.ts";
import type { KafkaRecord, RecordHeader } from "./record.ts";
import { varintSize, writeVarint } from "./varint.ts";
import { CorruptBatchError } from "./errors.ts";

/** A record to put in a batch. */
export interface RecordInput {
  /** Absolute timestamp in ms. */
  timestamp: number;
  /** Offset delta from the batch's baseOffset. Default: the record's index. */
  offsetDelta?: number;
  /** Key bytes or null. Default: null. */
  key?: Uint8Array | null;
  /** Value bytes or null (tombstone). Default: null. */
  value?: Uint8Array | null;
  /** Headers. Default: none. */
  headers?: RecordHeader[];
}

/** Options for {@linkcode buildRecordBatch}; every field has a default. */
export interface BuildBatchOptions {
  /** Default: 0. */
  baseOffset?: number;
  /** Default: -1 (as producers send it). */
  partitionLeaderEpoch?: number;
  /** Default: the largest offsetDelta (records.length - 1 when deltas are implicit). */
  lastOffsetDelta?: number;
  /** Default: the first record's timestamp (or maxTimestamp when there are no records). */
  baseTimestamp?: number;
  /** Default: the largest record timestamp. */
  maxTimestamp?: number;
  /** Default: false. */
  transactional?: boolean;
  /** Default: false. */
  control?: boolean;
  /** Default: "create". */
  timestampType?: "create" | "logAppend";
  /** Default: -1. */
  producerId?: number;
  /** Default: -1. */
  producerEpoch?: number;
  /** Default: -1. */
  baseSequence?: number;
}

const utf8 = new TextEncoder();

/**
 * Encodes records into one uncompressed v2 batch with a valid CRC.
 *
 * @example
 * ```ts
 * import { buildRecordBatch } from "./batch_builder.ts";
 * const batch = buildRecordBatch([{ timestamp: Date.now(), value: new Uint8Array([1]) }]);
 * ```
 */
export function buildRecordBatch(
  records: readonly (RecordInput | KafkaRecord)[],
  options: BuildBatchOptions = {},
): Uint8Array {
  const deltas = records.map((r, i) => r.offsetDelta ?? i);
  const maxDelta = deltas.length ? Math.max(...deltas) : 0;
  const lastOffsetDelta = options.lastOffsetDelta ?? maxDelta;
  if (lastOffsetDelta < maxDelta) {
    throw new RangeError("lastOffsetDelta below a record's offsetDelta");
  }
  const maxTs = records.length ? Math.max(...records.map((r) => r.timestamp)) : -1;
  const maxTimestamp = options.maxTimestamp ?? maxTs;
  const baseTimestamp = options.baseTimestamp ??
    (records.length ? records[0].timestamp : maxTimestamp);
  const encoded = records.map((r, i) => encodeRecord(r, deltas[i], baseTimestamp));
  const size = BATCH_HEADER_SIZE + encoded.reduce((n, r) => n + r.length, 0);
  const batch = new Uint8Array(size);
  const v = new DataView(batch.buffer);
  writeInt64(v, 0, options.baseOffset ?? 0);
  v.setInt32(8, size - 12);
  v.setInt32(12, options.partitionLeaderEpoch ?? -1);
  v.setInt8(16, 2);
  let attributes = 0;
  if (options.timestampType === "logAppend") attributes |= Attributes.logAppendTime;
  if (options.transactional) attributes |= Attributes.transactional;
  if (options.control) attributes |= Attributes.control;
  v.setInt16(21, attributes);
  v.setInt32(23, lastOffsetDelta);
  writeInt64(v, 27, baseTimestamp);
  writeInt64(v, 35, maxTimestamp);
  writeInt64(v, 43, options.producerId ?? -1);
  v.setInt16(51, options.producerEpoch ?? -1);
  v.setInt32(53, options.baseSequence ?? -1);
  v.setInt32(57, records.length);
  let pos = BATCH_HEADER_SIZE;
  for (const r of encoded) {
    batch.set(r, pos);
    pos += r.length;
  }
  v.setUint32(17, computeBatchCrc(batch));
  return batch;
}

function encodeRecord(r: RecordInput, offsetDelta: number, baseTimestamp: number): Uint8Array {
  const key = r.key ?? null;
  const value = r.value ?? null;
  const headers = (r.headers ?? []).map((h) => ({ key: utf8.encode(h.key), value: h.value }));
  const tsDelta = r.timestamp - baseTimestamp;
  let body = 1 + varintSize(tsDelta) + varintSize(offsetDelta) + bytesSize(key) +
    bytesSize(value) + varintSize(headers.length);
  for (const h of headers) body += bytesSize(h.key) + bytesSize(h.value);
  const out = new Uint8Array(varintSize(body) + body);
  let pos = writeVarint(out, 0, body);
  out[pos++] = 0; // record attributes: unused
  pos = writeVarint(out, pos, tsDelta);
  pos = writeVarint(out, pos, offsetDelta);
  pos = writeBytes(out, pos, key);
  pos = writeBytes(out, pos, value);
  pos = writeVarint(out, pos, headers.length);
  for (const h of headers) {
    pos = writeBytes(out, pos, h.key);
    pos = writeBytes(out, pos, h.value);
  }
  return out;
}

function bytesSize(b: Uint8Array | null): number {
  return b === null ? 1 : varintSize(b.length) + b.length;
}

function writeBytes(out: Uint8Array, pos: number, b: Uint8Array | null): number {
  if (b === null) return writeVarint(out, pos, -1);
  pos = writeVarint(out, pos, b.length);
  out.set(b, pos);
  return pos + b.length;
}

/** Transaction marker type in a control record key (0 = ABORT, 1 = COMMIT). */
export type ControlType = "abort" | "commit";

/** Options for {@linkcode buildControlBatch}. */
export interface ControlBatchOptions {
  /** COMMIT or ABORT. */
  type: ControlType;
  /** The transactional producer's id. */
  producerId: number;
  /** The producer's epoch. */
  producerEpoch: number;
  /** Coordinator epoch written into the value. Default: 0. */
  coordinatorEpoch?: number;
  /** Marker write time in ms. */
  timestamp: number;
  /** Default: 0 (the log assigns the real one). */
  baseOffset?: number;
  /** Default: 0. */
  partitionLeaderEpoch?: number;
}

/**
 * Builds a transaction marker batch: attributes transactional+control, one record whose key is
 * `{version int16 = 0, type int16}` and value `{version int16 = 0, coordinatorEpoch int32}`,
 * baseSequence -1 (as Kafka writes it).
 */
export function buildControlBatch(o: ControlBatchOptions): Uint8Array {
  const key = new Uint8Array(4);
  new DataView(key.buffer).setInt16(2, o.type === "commit" ? 1 : 0);
  const value = new Uint8Array(6);
  new DataView(value.buffer).setInt32(2, o.coordinatorEpoch ?? 0);
  return buildRecordBatch([{ timestamp: o.timestamp, key, value }], {
    baseOffset: o.baseOffset ?? 0,
    partitionLeaderEpoch: o.partitionLeaderEpoch ?? 0,
    transactional: true,
    control: true,
    producerId: o.producerId,
    producerEpoch: o.producerEpoch,
    baseSequence: -1,
  });
}

/** A decoded control record. */
export interface ControlRecord {
  /** "commit", "abort", or the raw type number for KRaft-internal types (2-6). */
  type: ControlType | number;
  /** From the value; -1 if the value is absent or short. */
  coordinatorEpoch: number;
}

/** Decodes the key/value of a record from a control batch. */
export function parseControlRecord(record: Pick<KafkaRecord, "key" | "value">): ControlRecord {
  if (!record.key || record.key.length < 4) {
    throw new CorruptBatchError("bad-record", "control record key shorter than 4 bytes");
  }
  const k = new DataView(record.key.buffer, record.key.byteOffset, record.key.byteLength);
  const raw = k.getInt16(2);
  const type = raw === 0 ? "abort" : raw === 1 ? "commit" : raw;
  let coordinatorEpoch = -1;
  if (record.value && record.value.length >= 6) {
    coordinatorEpoch = new DataView(record.value.buffer, record.value.byteOffset, 6).getInt32(2);
  }
  return { type, coordinatorEpoch };
}
