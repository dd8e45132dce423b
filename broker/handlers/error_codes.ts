/**
 * Kafka error codes used by the data-plane handlers, and the mapping from typed storage and
 * record errors to them.
 *
 * @module
 */
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

/** Kafka error codes (Errors.java) the handlers answer with. */
export const ErrorCode = {
  UNKNOWN_SERVER_ERROR: -1,
  NONE: 0,
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  MESSAGE_TOO_LARGE: 10,
  INVALID_TOPIC_EXCEPTION: 17,
  INVALID_REQUIRED_ACKS: 21,
  TOPIC_ALREADY_EXISTS: 36,
  INVALID_PARTITIONS: 37,
  INVALID_REPLICATION_FACTOR: 38,
  INVALID_REPLICA_ASSIGNMENT: 39,
  INVALID_CONFIG: 40,
  INVALID_REQUEST: 42,
  UNKNOWN_LEADER_EPOCH: 74,
  INVALID_RECORD: 87,
  UNKNOWN_TOPIC_ID: 100,
} as const;

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
