/**
 * Pacing: how many records the run loop may generate now. It only decides when records are
 * sent, never which records exist, so a seed's output does not depend on the rate.
 *
 * @module
 */

/**
 * How fast to send: a number of records per second, `"max"` for as fast as possible, or
 * `"realtime"` to send each record when the wall clock reaches its event time (one simulated
 * second per wall second).
 */
export type Rate = number | "max" | "realtime";

/** What the run loop should do next. */
export interface PaceStep {
  /** Most records to generate now (0: wait). */
  max: number;
  /** Latest event time to generate now. */
  untilMs: number;
  /** How long to wait before asking again when `max` is 0 or nothing is due, in ms. */
  waitMs: number;
}

/** The state {@linkcode pace} decides from. */
export interface PaceInput {
  /** The rate. */
  rate: Rate;
  /** Wall milliseconds since sending started. */
  elapsedMs: number;
  /** Records generated so far. */
  generated: number;
  /** Simulated start time, epoch ms. */
  startMs: number;
  /** Event time of the next record. */
  nextMs: number;
  /** Largest batch. */
  chunk: number;
}

/** The longest single wait, so commands and signals are noticed promptly. */
export const maxWaitMs = 50;

/**
 * Decides the next step of the run loop.
 *
 * @example
 * ```ts
 * import { pace } from "./pacer.ts";
 * pace({ rate: 1000, elapsedMs: 10, generated: 0, startMs: 0, nextMs: 0, chunk: 5000 });
 * // { max: 10, untilMs: Infinity, waitMs: 0 }
 * ```
 */
export function pace(input: PaceInput): PaceStep {
  const { rate, elapsedMs, generated, chunk } = input;
  if (rate === "max") return { max: chunk, untilMs: Infinity, waitMs: 0 };
  if (rate === "realtime") {
    const untilMs = input.startMs + elapsedMs;
    if (input.nextMs <= untilMs) return { max: chunk, untilMs, waitMs: 0 };
    return { max: 0, untilMs, waitMs: Math.min(maxWaitMs, Math.ceil(input.nextMs - untilMs)) };
  }
  const allowed = Math.floor((rate * elapsedMs) / 1000) - generated;
  if (allowed > 0) return { max: Math.min(chunk, allowed), untilMs: Infinity, waitMs: 0 };
  const dueAtMs = ((generated + 1) * 1000) / rate;
  return {
    max: 0,
    untilMs: Infinity,
    waitMs: Math.max(1, Math.min(maxWaitMs, Math.ceil(dueAtMs - elapsedMs))),
  };
}
