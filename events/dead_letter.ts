/**
 * The headers a dead-letter record carries: why it was rejected and where it was read. Every
 * member that writes to or reads from the `dead-letter` topic uses these names, and every member
 * that writes one builds it with {@linkcode deadLetterRecord}.
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

/** What a dead letter keeps of the rejected record (a consumed Kafka record fits). */
export interface RejectedRecord {
  /** The topic it was read from. */
  readonly topic: string;
  /** Its partition. */
  readonly partition: number;
  /** Its offset. */
  readonly offset: number;
  /** Its key bytes, or null. */
  readonly key: Uint8Array | null;
  /** Its value bytes, or null. */
  readonly value: Uint8Array | null;
  /** Its timestamp in ms since the epoch; negative when it has none. */
  readonly timestamp: number;
  /** Its headers, in order. */
  readonly headers: readonly (readonly [string, Uint8Array | null])[];
}

/** A dead-letter record to produce (a Kafka producer record). */
export interface DeadLetterRecord {
  /** The dead-letter topic. */
  topic: string;
  /** The rejected record's key. */
  key: Uint8Array | null;
  /** The rejected record's value. */
  value: Uint8Array | null;
  /** The rejected record's headers, then the {@linkcode deadLetterHeaderNames} ones. */
  headers: Array<[string, string | Uint8Array | null]>;
  /** The rejected record's timestamp, when it had one. */
  timestamp?: number;
}

/**
 * The dead-letter record of `rejected`: its key, value, headers and timestamp unchanged (so
 * reprocessing the input gives the same output), plus why (`failure`) and where it was read and
 * by which `job`, in the {@linkcode deadLetterHeaderNames} headers.
 *
 * @example
 * ```ts
 * import { deadLetterRecord } from "@iot/events";
 * const rejected = {
 *   topic: "sensor-readings", partition: 0, offset: 7, key: null,
 *   value: new TextEncoder().encode("{"), timestamp: -1, headers: [],
 * };
 * const dead = deadLetterRecord(rejected, { code: "invalid-json", reason: "not JSON" }, {
 *   topic: "dead-letter",
 *   job: "sinks-embedded",
 * });
 * dead.headers[0]; // ["dlq-reason", "not JSON"]
 * ```
 */
export function deadLetterRecord(
  rejected: RejectedRecord,
  failure: { readonly code: string; readonly reason: string },
  target: { readonly topic: string; readonly job: string },
): DeadLetterRecord {
  const headers: Array<[string, string | Uint8Array | null]> = rejected.headers.map((
    [name, value],
  ) => [name, value]);
  headers.push(
    [deadLetterHeaderNames.reason, failure.reason],
    [deadLetterHeaderNames.code, failure.code],
    [deadLetterHeaderNames.topic, rejected.topic],
    [deadLetterHeaderNames.partition, String(rejected.partition)],
    [deadLetterHeaderNames.offset, String(rejected.offset)],
    [deadLetterHeaderNames.job, target.job],
  );
  return {
    topic: target.topic,
    key: rejected.key,
    value: rejected.value,
    headers,
    ...(rejected.timestamp >= 0 ? { timestamp: rejected.timestamp } : {}),
  };
}
