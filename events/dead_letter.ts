/**
 * The headers a dead-letter record carries: why it was rejected and where it was read. Every
 * member that writes to or reads from the `dead-letter` topic uses these names.
 *
 * @module
 */

/**
 * Header names of dead-letter records. A dead-letter record is the rejected record unchanged
 * (key, value, headers) plus these.
 *
 * @example
 * ```ts
 * import { deadLetterHeaderNames } from "@iot/events";
 * deadLetterHeaderNames.reason; // "dlq-reason"
 * ```
 */
export const deadLetterHeaderNames: {
  readonly reason: "dlq-reason";
  readonly code: "dlq-reason-code";
  readonly topic: "dlq-source-topic";
  readonly partition: "dlq-source-partition";
  readonly offset: "dlq-source-offset";
  readonly job: "dlq-job";
} = Object.freeze({
  /** One line saying what is wrong. */
  reason: "dlq-reason",
  /** A machine-readable code, e.g. `"invalid-json"`, `"schema"`, `"rejected-by-store"`. */
  code: "dlq-reason-code",
  /** The topic the record was read from. */
  topic: "dlq-source-topic",
  /** Its partition, decimal. */
  partition: "dlq-source-partition",
  /** Its offset, decimal. */
  offset: "dlq-source-offset",
  /** The job (or sink pipeline) that rejected it, as information. */
  job: "dlq-job",
});
