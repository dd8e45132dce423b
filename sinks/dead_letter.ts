/**
 * Sending the runner's dead letters (built by `@iot/events`' `deadLetterRecord`, the one shape
 * every member writes and `decode.ts` reads back into a `DeadLetter` row). A file of its own
 * because sending waits out a Kafka outage on its own backoff, apart from the store's.
 *
 * @module
 */
import type { ProducerRecord } from "@iot/kafka";
import { backoffDelay, sleep } from "@iot/service";
import type { DeadLetterOutput } from "./kafka_seam.ts";
import { describeError } from "./writer.ts";

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
