/**
 * Topics a producer no longer sends records with headers to, because librdkafka has marked
 * them failed.
 *
 * Why: in librdkafka 2.0.2 (Debian's librdkafka1), `rd_kafka_produceva()` with
 * `RD_KAFKA_VTYPE_HEADER` entries frees the headers twice when its partitioner refuses the
 * message: the message it destroys owns them, and its error path destroys them again. The
 * partitioner refuses every message to a topic in state ERROR (its error code) or NOTEXISTS
 * (`_UNKNOWN_TOPIC`), so once a topic is in either state the next send with headers crashes
 * the process (SIGSEGV). librdkafka enters those states when a ProduceResponse says
 * TOPIC_AUTHORIZATION_FAILED, and when metadata answers a topic with TOPIC_AUTHORIZATION_FAILED
 * (any error with no partitions), UNKNOWN_TOPIC_OR_PART, TOPIC_EXCEPTION or leaves it out
 * (`_UNKNOWN_TOPIC`); the records waiting for that topic then fail with that code. Those
 * failures are what {@linkcode RefusedTopics.note} watches.
 *
 * Limits: a topic that librdkafka marks failed while records are still being enqueued (before
 * their delivery report is read) is not seen in time; a metadata refresh that finds the topic
 * usable again does not lift the refusal (a new producer does).
 *
 * @module
 */
import { ErrorCode, KafkaError } from "./errors.ts";

const TOPIC_AUTHORIZATION_FAILED = 29;
const TOPIC_EXCEPTION = 17;

/** Delivery error codes that mean librdkafka has marked the record's topic failed. */
const TOPIC_FAILED_CODES: ReadonlySet<number> = new Set([
  TOPIC_AUTHORIZATION_FAILED,
  TOPIC_EXCEPTION,
  ErrorCode.UNKNOWN_TOPIC_OR_PART,
  ErrorCode.UNKNOWN_TOPIC,
]);

/** The failed topics of one producer, each with the error that marked it. */
export class RefusedTopics {
  readonly #reasons = new Map<string, KafkaError>();

  /** How many topics are refused (0 on the hot path: nothing to look up). */
  get size(): number {
    return this.#reasons.size;
  }

  /** Records that a record to `topic` failed with `error`; remembers the topic if it is failed. */
  note(topic: string, error: KafkaError): void {
    if (TOPIC_FAILED_CODES.has(error.code) && !this.#reasons.has(topic)) {
      this.#reasons.set(topic, error);
    }
  }

  /** The error for a record with headers to `topic`, or `null` when it may be sent. */
  refusal(topic: string): KafkaError | null {
    const reason = this.#reasons.get(topic);
    if (reason === undefined) return null;
    return new KafkaError(
      `produce to ${topic} refused after an earlier failure: ${reason.message}; records ` +
        `with headers to it would crash librdkafka 2.0.2: fix the cause, start a new producer`,
      { code: reason.code, retriable: false, cause: reason },
    );
  }
}
