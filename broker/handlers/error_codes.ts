/**
 * The mapping from typed storage and record errors to Kafka error codes (the table itself is
 * `ErrorCode` in `../protocol/`).
 *
 * @module
 */
import { ErrorCode } from "../protocol/mod.ts";
import { CorruptBatchError } from "../records/mod.ts";
import {
  InvalidConfigError,
  InvalidPartitionsError,
  InvalidTopicError,
  OffsetOutOfRangeError,
  RecordTooLargeError,
  TopicExistsError,
  UnknownTopicError,
} from "../storage/mod.ts";

/**
 * The Kafka error code for a typed error thrown by storage or record validation, or
 * UNKNOWN_SERVER_ERROR for anything else (the caller should log those).
 */
export function errorCodeOf(e: unknown): number {
  if (e instanceof CorruptBatchError) return e.kafkaErrorCode;
  if (e instanceof OffsetOutOfRangeError) return ErrorCode.OFFSET_OUT_OF_RANGE;
  if (e instanceof RecordTooLargeError) return ErrorCode.MESSAGE_TOO_LARGE;
  if (e instanceof UnknownTopicError) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  if (e instanceof InvalidTopicError) return ErrorCode.INVALID_TOPIC_EXCEPTION;
  if (e instanceof TopicExistsError) return ErrorCode.TOPIC_ALREADY_EXISTS;
  if (e instanceof InvalidPartitionsError) return ErrorCode.INVALID_PARTITIONS;
  if (e instanceof InvalidConfigError) return ErrorCode.INVALID_CONFIG;
  return ErrorCode.UNKNOWN_SERVER_ERROR;
}

/** The message of an error, for response `errorMessage` fields. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
