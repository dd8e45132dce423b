/**
 * Typed errors for record batches. Handlers map {@linkcode CorruptBatchError} to Kafka's
 * CORRUPT_MESSAGE (2) / INVALID_RECORD (87).
 *
 * @module
 */
import { ErrorCode } from "../protocol/error_codes.ts";

/** Why a batch was rejected. */
export type CorruptReason =
  | "too-short"
  | "bad-length"
  | "bad-magic"
  | "bad-crc"
  | "bad-record"
  | "bad-offset-delta"
  | "bad-count"
  | "control-batch";

/** A record batch failed validation: wrong magic, inconsistent length, CRC mismatch or bad records. */
export class CorruptBatchError extends Error {
  /** Which check failed. */
  readonly reason: CorruptReason;
  /** Builds the error; `message` says what was found. */
  constructor(reason: CorruptReason, message: string) {
    super(`Corrupt record batch (${reason}): ${message}`);
    this.name = "CorruptBatchError";
    this.reason = reason;
  }

  /**
   * The Kafka error code a Produce response should carry: CORRUPT_MESSAGE (2) for framing and CRC
   * failures, INVALID_RECORD (87) for record-level rule violations.
   */
  get kafkaErrorCode(): number {
    return this.reason === "too-short" || this.reason === "bad-length" ||
        this.reason === "bad-magic" || this.reason === "bad-crc"
      ? ErrorCode.CORRUPT_MESSAGE
      : ErrorCode.INVALID_RECORD;
  }
}

/** Records of a batch compressed with a codec this module cannot decode (snappy, lz4, zstd). */
export class UnsupportedCompressionError extends Error {
  /** The codec number from the batch attributes (bits 0-2). */
  readonly codec: number;
  /** Builds the error for `codec`. */
  constructor(codec: number) {
    super(
      `Cannot decode records compressed with codec ${codec} (only none and gzip are supported)`,
    );
    this.name = "UnsupportedCompressionError";
    this.codec = codec;
  }
}
