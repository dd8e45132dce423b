/**
 * Test helper: batch headers for the sequence checks.
 *
 * @module
 */
import type { RecordBatchHeader } from "../records/mod.ts";

/** A header with just the fields the sequence check reads. */
export function header(
  producerEpoch: number,
  baseSequence: number,
  records = 1,
  producerId = 7,
): RecordBatchHeader {
  return {
    baseOffset: 0,
    batchLength: 0,
    partitionLeaderEpoch: -1,
    magic: 2,
    crc: 0,
    attributes: 0,
    compression: 0,
    timestampType: "create",
    isTransactional: false,
    isControl: false,
    lastOffsetDelta: records - 1,
    baseTimestamp: 0,
    maxTimestamp: 0,
    producerId,
    producerEpoch,
    baseSequence,
    recordsCount: records,
  };
}
