/**
 * Dead-letter records: a rejected input record, unchanged, with why and where it came from in
 * headers.
 *
 * @module
 */
import type { ConsumerRecord, ProducerRecord } from "@iot/kafka";
import { deadLetterHeaderNames, deadLetterRecord as buildDeadLetter } from "@iot/events";
import type { DeadLetterReason } from "./job.ts";

/** Header names of dead-letter records, as `@iot/events` defines them for every producer. */
export const deadLetterHeaders = deadLetterHeaderNames;

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
  return buildDeadLetter(record, { code: reason.code, reason: reason.message }, { topic, job });
}
