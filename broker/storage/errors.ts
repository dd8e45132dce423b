/**
 * Typed storage errors that protocol handlers map to Kafka error codes.
 *
 * @module
 */

/** A read asked for an offset outside [logStartOffset, highWatermark]: OFFSET_OUT_OF_RANGE (1). */
export class OffsetOutOfRangeError extends Error {
  /** The requested offset. */
  readonly offset: number;
  /** Builds the error with the valid range for the message. */
  constructor(offset: number, logStartOffset: number, highWatermark: number) {
    super(`Offset ${offset} is outside the log range [${logStartOffset}, ${highWatermark}]`);
    this.name = "OffsetOutOfRangeError";
    this.offset = offset;
  }
}

/** A batch exceeds the topic's `max.message.bytes`: MESSAGE_TOO_LARGE (10). */
export class RecordTooLargeError extends Error {
  /** Builds the error from the batch size and the limit. */
  constructor(size: number, limit: number) {
    super(`Record batch of ${size} bytes exceeds max.message.bytes ${limit}`);
    this.name = "RecordTooLargeError";
  }
}

/** A topic config key or value is invalid: INVALID_CONFIG (40). */
export class InvalidConfigError extends Error {
  /** Builds the error. */
  constructor(message: string) {
    super(message);
    this.name = "InvalidConfigError";
  }
}

/** A topic name is not legal: INVALID_TOPIC_EXCEPTION (17). */
export class InvalidTopicError extends Error {
  /** Builds the error for `topic`. */
  constructor(topic: string, why: string) {
    super(`Invalid topic name ${JSON.stringify(topic)}: ${why}`);
    this.name = "InvalidTopicError";
  }
}

/** The topic already exists: TOPIC_ALREADY_EXISTS (36). */
export class TopicExistsError extends Error {
  /** Builds the error for `topic`. */
  constructor(topic: string) {
    super(`Topic ${JSON.stringify(topic)} already exists`);
    this.name = "TopicExistsError";
  }
}

/** The topic does not exist: UNKNOWN_TOPIC_OR_PARTITION (3). */
export class UnknownTopicError extends Error {
  /** Builds the error for `topic`. */
  constructor(topic: string) {
    super(`Topic ${JSON.stringify(topic)} does not exist`);
    this.name = "UnknownTopicError";
  }
}

/** An operation on a closed log or store. */
export class StorageClosedError extends Error {
  /** Builds the error naming what is closed. */
  constructor(what: string) {
    super(`${what} is closed`);
    this.name = "StorageClosedError";
  }
}

/** A partition count is invalid (below 1, or not above the current count): INVALID_PARTITIONS (37). */
export class InvalidPartitionsError extends Error {
  /** Builds the error. */
  constructor(message: string) {
    super(message);
    this.name = "InvalidPartitionsError";
  }
}
