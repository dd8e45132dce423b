/**
 * Dead-letter records: a rejected input record, unchanged, with why and where it came from in
 * headers.
 *
 * @module
 */
import type { ConsumerRecord, ProducerRecord } from "@iot/kafka";
import type { DeadLetterReason } from "./job.ts";

/** Header names of dead-letter records. */
export const deadLetterHeaders = Object.freeze({
  /** One line saying what is wrong. */
  reason: "dlq-reason",
  /** A machine-readable code, e.g. `"invalid-json"`, `"schema"`. */
  code: "dlq-reason-code",
  /** The topic the record was read from. */
  topic: "dlq-source-topic",
  /** Its partition, decimal. */
  partition: "dlq-source-partition",
  /** Its offset, decimal. */
  offset: "dlq-source-offset",
  /**
   * The job that rejected it, as information: each input topic has one validating owner (raw
   * climate readings: `readings-by-device`), so one bad input record gives one dead letter.
   */
  job: "dlq-job",
});

/**
 * Builds the dead-letter record for `record`: same key, value and headers, plus the
 * {@linkcode deadLetterHeaders}; its timestamp is the original one, so the output is the same
 * however often the input is reprocessed.
 */
export function deadLetterRecord(
  topic: string,
  job: string,
  record: ConsumerRecord,
  reason: DeadLetterReason,
): ProducerRecord {
  const headers: Array<readonly [string, string | Uint8Array | null]> = [...record.headers];
  headers.push(
    [deadLetterHeaders.reason, reason.message],
    [deadLetterHeaders.code, reason.code],
    [deadLetterHeaders.topic, record.topic],
    [deadLetterHeaders.partition, String(record.partition)],
    [deadLetterHeaders.offset, String(record.offset)],
    [deadLetterHeaders.job, job],
  );
  return {
    topic,
    key: record.key,
    value: record.value,
    headers,
    ...(record.timestamp >= 0 ? { timestamp: record.timestamp } : {}),
  };
}
