/**
 * The runner's dead letters: what a record that can never be written becomes, and how it is sent.
 * A file of its own because the record's shape is a contract with whoever reads the dead-letter
 * topic (its headers are what `decode.ts` reads back into a `DeadLetter` row), and because sending
 * waits out a Kafka outage on its own backoff, apart from the store's.
 *
 * @module
 */
import type { ConsumerRecord, ProducerRecord } from "@iot/kafka";
import { backoffDelay, sleep } from "@iot/service";
import { deadLetterHeaders, type DecodeFailure } from "./decode.ts";
import type { DeadLetterOutput } from "./kafka_seam.ts";
import { describeError } from "./writer.ts";

/** Where dead letters go and whom they name. */
export interface DeadLetterTarget {
  /** The dead-letter topic. */
  readonly topic: string;
  /** The sink's name, the `dlq-job` header. */
  readonly job: string;
}

/**
 * The dead-letter record of `record`: its key, value, headers and timestamp, plus why it failed
 * and where it came from (the `dlq-*` headers).
 */
export function deadLetterRecord(
  record: ConsumerRecord,
  failure: DecodeFailure,
  target: DeadLetterTarget,
): ProducerRecord {
  const headers: Array<[string, string | Uint8Array | null]> = [...record.headers];
  headers.push(
    [deadLetterHeaders.reason, failure.reason],
    [deadLetterHeaders.code, failure.code],
    [deadLetterHeaders.topic, record.topic],
    [deadLetterHeaders.partition, String(record.partition)],
    [deadLetterHeaders.offset, String(record.offset)],
    [deadLetterHeaders.job, target.job],
  );
  return {
    topic: target.topic,
    key: record.key,
    value: record.value,
    headers,
    ...(record.timestamp >= 0 ? { timestamp: record.timestamp } : {}),
  };
}

/** Options of {@linkcode sendDeadLetters}. */
export interface SendDeadLettersOptions {
  /** The first retry delay, in ms; doubles up to `maxRetryMs`. */
  readonly retryMs: number;
  /** The longest retry delay, in ms. */
  readonly maxRetryMs: number;
  /** Stops retrying: {@linkcode sendDeadLetters} then resolves false. */
  readonly signal: AbortSignal;
  /** Told of each failed send (one line) before the wait. */
  readonly onFailure: (error: string, retryInMs: number) => void;
}

/**
 * Sends `records` (nothing to do when empty), retrying with a doubling backoff until they are
 * acknowledged; false when stopped first, so the caller commits nothing.
 */
export async function sendDeadLetters(
  output: DeadLetterOutput,
  records: readonly ProducerRecord[],
  options: SendDeadLettersOptions,
): Promise<boolean> {
  const { retryMs, maxRetryMs, signal, onFailure } = options;
  for (let attempt = 0; records.length > 0; attempt++) {
    const delayMs = backoffDelay(attempt, { initialMs: retryMs, maxMs: maxRetryMs });
    try {
      await output.sendAll(records);
      return true;
    } catch (e) {
      onFailure(describeError(e), delayMs);
      if (!(await sleep(delayMs, signal))) return false;
    }
  }
  return true;
}
