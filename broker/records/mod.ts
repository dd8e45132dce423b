/**
 * Kafka record batches (magic v2), byte-exact: CRC-32C, header parsing and validation, in-place
 * broker rewrites, record decoding and batch building (including transaction markers).
 *
 * @module
 */
export { crc32c } from "./crc32c.ts";
export { CorruptBatchError, type CorruptReason, UnsupportedCompressionError } from "./errors.ts";
export {
  Attributes,
  BATCH_HEADER_SIZE,
  batchSizeAt,
  Compression,
  computeBatchCrc,
  lastOffsetOf,
  LOG_OVERHEAD,
  readBatchHeader,
  type RecordBatchHeader,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
  splitBatches,
  validateBatch,
  validateProducedBatch,
} from "./record_batch.ts";
export {
  decodeRecords,
  iterateRecords,
  type KafkaRecord,
  readRecords,
  type RecordHeader,
} from "./record.ts";
export {
  type BuildBatchOptions,
  buildControlBatch,
  buildRecordBatch,
  type ControlBatchOptions,
  type ControlRecord,
  type ControlType,
  parseControlRecord,
  type RecordInput,
} from "./batch_builder.ts";
