/**
 * Typed errors for everything librdkafka reports.
 *
 * @module
 */
import { librdkafka, readCString } from "./native/library.ts";

/** librdkafka error codes the client reacts to (see `rd_kafka_resp_err_t`). */
export const ErrorCode = {
  NO_ERROR: 0,
  BAD_MSG: -199,
  FAIL: -196,
  TRANSPORT: -195,
  RESOLVE: -193,
  MSG_TIMED_OUT: -192,
  PARTITION_EOF: -191,
  UNKNOWN_PARTITION: -190,
  UNKNOWN_TOPIC: -188,
  ALL_BROKERS_DOWN: -187,
  INVALID_ARG: -186,
  TIMED_OUT: -185,
  QUEUE_FULL: -184,
  ASSIGN_PARTITIONS: -175,
  REVOKE_PARTITIONS: -174,
  STATE: -172,
  NOENT: -156,
  FATAL: -150,
  PURGE_QUEUE: -152,
  PURGE_INFLIGHT: -151,
  UNKNOWN_TOPIC_OR_PART: 3,
  LEADER_NOT_AVAILABLE: 5,
  NOT_LEADER_FOR_PARTITION: 6,
  REQUEST_TIMED_OUT: 7,
  NETWORK_EXCEPTION: 13,
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  NOT_ENOUGH_REPLICAS: 19,
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 20,
  REBALANCE_IN_PROGRESS: 27,
  TOPIC_ALREADY_EXISTS: 36,
  INVALID_PARTITIONS: 37,
  CONCURRENT_TRANSACTIONS: 51,
  GROUP_ID_NOT_FOUND: 69,
  UNKNOWN_TOPIC_ID: 100,
} as const;

const retriableCodes: ReadonlySet<number> = new Set([
  ErrorCode.TRANSPORT,
  ErrorCode.RESOLVE,
  ErrorCode.ALL_BROKERS_DOWN,
  ErrorCode.TIMED_OUT,
  ErrorCode.MSG_TIMED_OUT,
  ErrorCode.QUEUE_FULL,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.NOT_LEADER_FOR_PARTITION,
  ErrorCode.REQUEST_TIMED_OUT,
  ErrorCode.NETWORK_EXCEPTION,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.NOT_ENOUGH_REPLICAS,
  ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
  ErrorCode.REBALANCE_IN_PROGRESS,
  ErrorCode.CONCURRENT_TRANSACTIONS,
]);

/** Fields of a {@linkcode KafkaError} besides its message. */
export interface KafkaErrorInit {
  /** librdkafka error code (`rd_kafka_resp_err_t`): negative for client-side, positive for broker errors. */
  code: number;
  /** Whether retrying the same operation may succeed. Default: derived from the code. */
  retriable?: boolean;
  /** Whether the client instance is unusable and must be closed. Default `false`. */
  fatal?: boolean;
  /** Whether the current transaction must be aborted. Default `false`. */
  txnRequiresAbort?: boolean;
  /** The underlying cause, if any. */
  cause?: unknown;
}

/** An error reported by librdkafka or by a Kafka broker. */
export class KafkaError extends Error {
  /** librdkafka error code (`rd_kafka_resp_err_t`). */
  readonly code: number;
  /** Symbolic name of the code, e.g. `UNKNOWN_TOPIC_OR_PART` or `_TRANSPORT`. */
  readonly codeName: string;
  /** Whether retrying the same operation may succeed. */
  readonly retriable: boolean;
  /** Whether the client instance is unusable and must be closed. */
  readonly fatal: boolean;
  /** Whether the current transaction must be aborted before continuing. */
  readonly txnRequiresAbort: boolean;

  /** Creates an error; `message` says what failed and why. */
  constructor(message: string, init: KafkaErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "KafkaError";
    this.code = init.code;
    this.codeName = errorName(init.code);
    this.retriable = init.retriable ?? retriableCodes.has(init.code);
    this.fatal = init.fatal ?? false;
    this.txnRequiresAbort = init.txnRequiresAbort ?? false;
  }

  /** Builds an error from a response code; `context` says what was being done. */
  static fromCode(code: number, context: string, detail?: string | null): KafkaError {
    return new KafkaError(`${context}: ${detail || errorDescription(code)} (${errorName(code)})`, {
      code,
    });
  }

  /**
   * Builds an error from an `rd_kafka_error_t *` and destroys it; returns `null` for a null pointer.
   */
  static fromErrorObject(ptr: Deno.PointerValue, context: string): KafkaError | null {
    if (ptr === null) return null;
    try {
      return KafkaError.fromBorrowedErrorObject(ptr, context);
    } finally {
      librdkafka().rd_kafka_error_destroy(ptr);
    }
  }

  /**
   * Builds an error from an `rd_kafka_error_t *` owned by someone else (e.g. an admin result),
   * leaving it alive; returns `null` for a null pointer.
   */
  static fromBorrowedErrorObject(ptr: Deno.PointerValue, context: string): KafkaError | null {
    if (ptr === null) return null;
    const lib = librdkafka();
    const code = lib.rd_kafka_error_code(ptr);
    return new KafkaError(
      `${context}: ${readCString(lib.rd_kafka_error_string(ptr))} (${errorName(code)})`,
      {
        code,
        fatal: lib.rd_kafka_error_is_fatal(ptr) !== 0,
        retriable: lib.rd_kafka_error_is_retriable(ptr) !== 0 || retriableCodes.has(code),
        txnRequiresAbort: lib.rd_kafka_error_txn_requires_abort(ptr) !== 0,
      },
    );
  }
}

/** Throws a {@linkcode KafkaError} when `code` is not `NO_ERROR`. */
export function check(code: number, context: string): void {
  if (code !== ErrorCode.NO_ERROR) throw KafkaError.fromCode(code, context);
}

/** Throws the error held by an `rd_kafka_error_t *`, if any. */
export function checkErrorObject(ptr: Deno.PointerValue, context: string): void {
  const error = KafkaError.fromErrorObject(ptr, context);
  if (error) throw error;
}

const names = new Map<number, string>();

/** Symbolic name of an error code, e.g. `_TRANSPORT`. */
export function errorName(code: number): string {
  let name = names.get(code);
  if (name === undefined) {
    name = readCString(librdkafka().rd_kafka_err2name(code)) ?? `ERR_${code}`;
    names.set(code, name);
  }
  return name;
}

/** Human-readable description of an error code. */
export function errorDescription(code: number): string {
  return readCString(librdkafka().rd_kafka_err2str(code)) ?? `error ${code}`;
}
