/**
 * Pacing: how event time relates to wall time, and how many records the run loop may generate
 * now. It only decides when records are sent, never which records exist, so a seed's output
 * does not depend on the pace.
 *
 * @module
 */

/**
 * How a run relates event time to wall time:
 * - `realtime`: event time is the wall clock; a record is sent once `now()` reaches its event
 *   time. `rate` (msgs/s) is informational: the fleet's sampling periods were scaled to it.
 * - `speedup`: simulated time from the start, advancing `speedup` × wall time.
 * - `rate`: simulated time, `rate` records per wall second; event time advances as fast as
 *   the fleet's records allow.
 * - `max`: simulated time, as fast as possible; with `capAtWallClock` event time never passes
 *   `now()` (it catches up with the wall clock, then runs in real time).
 */
export type Pacing =
  | { readonly mode: "realtime"; readonly rate?: number }
  | { readonly mode: "speedup"; readonly speedup: number }
  | { readonly mode: "rate"; readonly rate: number }
  | { readonly mode: "max"; readonly capAtWallClock: boolean };

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
  /** How event time relates to wall time. */
  pacing: Pacing;
  /** Wall milliseconds since sending started. */
  elapsedMs: number;
  /** The wall clock, epoch ms. */
  nowMs: number;
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
 * pace({
 *   pacing: { mode: "rate", rate: 1000 },
 *   elapsedMs: 10, nowMs: 0, generated: 0, startMs: 0, nextMs: 0, chunk: 5000,
 * });
 * // { max: 10, untilMs: Infinity, waitMs: 0 }
 * ```
 */
export function pace(input: PaceInput): PaceStep {
  const { pacing, elapsedMs, generated, chunk } = input;
  switch (pacing.mode) {
    case "realtime":
      return release(input, input.nowMs, 1);
    case "max":
      return pacing.capAtWallClock
        ? release(input, input.nowMs, 1)
        : { max: chunk, untilMs: Infinity, waitMs: 0 };
    case "speedup":
      return release(input, input.startMs + pacing.speedup * elapsedMs, pacing.speedup);
    case "rate": {
      const allowed = Math.floor((pacing.rate * elapsedMs) / 1000) - generated;
      if (allowed > 0) return { max: Math.min(chunk, allowed), untilMs: Infinity, waitMs: 0 };
      const dueAtMs = ((generated + 1) * 1000) / pacing.rate;
      const waitMs = Math.max(1, Math.min(maxWaitMs, Math.ceil(dueAtMs - elapsedMs)));
      return { max: 0, untilMs: Infinity, waitMs };
    }
  }
}

/** Releases what is due by event time `untilMs`, which advances `speed` ms per wall ms. */
function release(input: PaceInput, untilMs: number, speed: number): PaceStep {
  if (input.nextMs <= untilMs) return { max: input.chunk, untilMs, waitMs: 0 };
  const waitMs = Math.min(maxWaitMs, Math.max(1, Math.ceil((input.nextMs - untilMs) / speed)));
  return { max: 0, untilMs, waitMs };
}
