/**
 * Steps shared by every PartitionLog backend: validating and stamping an incoming batch, and
 * locating a timestamp inside a batch.
 *
 * @module
 */
import {
  readRecords,
  type RecordBatchHeader,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
  UnsupportedCompressionError,
  validateProducedBatch,
} from "../records/mod.ts";
import type { LogConfig } from "./log_config.ts";
import { RecordTooLargeError } from "./errors.ts";
import type { TimestampOffset } from "./partition_log.ts";

/** The result of {@linkcode stampBatch}. */
export interface StampedBatch {
  /** Header after the rewrites. */
  header: RecordBatchHeader;
  /** The timestamp indexes use: maxTimestamp after stamping. */
  maxTimestamp: number;
  /** The stamped append time, or -1 for CreateTime. */
  logAppendTime: number;
}

/**
 * Validates `batch` (producer rules; control batches only from the coordinator) and rewrites baseOffset to `baseOffset`, the leader epoch, and, for
 * LogAppendTime topics, the timestamp.
 *
 * @throws {CorruptBatchError} when invalid.
 * @throws {RecordTooLargeError} above maxMessageBytes.
 */
export function stampBatch(
  batch: Uint8Array,
  config: Readonly<LogConfig>,
  baseOffset: number,
  leaderEpoch: number,
  now: number,
  origin: "client" | "coordinator" = "client",
): StampedBatch {
  if (batch.length > config.maxMessageBytes) {
    throw new RecordTooLargeError(batch.length, config.maxMessageBytes);
  }
  const header = validateProducedBatch(batch, origin === "coordinator");
  let logAppendTime = -1;
  if (config.timestampType === "logAppend") {
    setLogAppendTime(batch, now);
    logAppendTime = now;
    header.maxTimestamp = now;
    header.timestampType = "logAppend";
  }
  setBaseOffset(batch, baseOffset);
  setPartitionLeaderEpoch(batch, leaderEpoch);
  header.baseOffset = baseOffset;
  header.partitionLeaderEpoch = leaderEpoch;
  return { header, maxTimestamp: header.maxTimestamp, logAppendTime };
}

/**
 * The first record in `batch` with timestamp >= `target`, assuming the batch's maxTimestamp is
 * >= target. LogAppendTime batches and batches whose codec cannot be decoded answer with their
 * baseOffset and maxTimestamp (as Kafka does for LogAppendTime).
 */
export async function findTimestampInBatch(
  batch: Uint8Array,
  header: RecordBatchHeader,
  target: number,
): Promise<TimestampOffset | null> {
  if (header.timestampType === "logAppend") {
    return { offset: header.baseOffset, timestamp: header.maxTimestamp };
  }
  try {
    for (const r of await readRecords(batch)) {
      if (r.timestamp >= target) return { offset: r.offset, timestamp: r.timestamp };
    }
    return null;
  } catch (e) {
    if (e instanceof UnsupportedCompressionError) {
      return { offset: header.baseOffset, timestamp: header.maxTimestamp };
    }
    throw e;
  }
}
