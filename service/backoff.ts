/**
 * Waiting between retries: an abortable {@linkcode sleep} and the doubling
 * {@linkcode backoffDelay}. Several long-running loops (the sinks' store outages and dead-letter
 * sends, the processor's restarts after a fatal client error) wait the same way, and a stop must
 * end each wait at once rather than after the delay.
 *
 * @module
 */

/**
 * Waits `ms`; resolves true when the time is up, false when `signal` aborts first (at once when
 * it already has). The timer and the abort listener are released either way.
 *
 * @example
 * ```ts
 * import { sleep } from "@iot/service";
 * const stop = new AbortController();
 * if (!(await sleep(10, stop.signal))) console.log("stopped while waiting");
 * ```
 */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (elapsed: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      resolve(elapsed);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Options of {@linkcode backoffDelay}. */
export interface BackoffOptions {
  /** The first delay (attempt 0), in ms. */
  readonly initialMs: number;
  /** The longest delay, in ms. Default: no limit. */
  readonly maxMs?: number;
}

/**
 * The delay before retry number `attempt` (0 for the first) of a doubling backoff:
 * `initialMs * 2^attempt`, capped at `maxMs`.
 *
 * @example
 * ```ts
 * import { backoffDelay } from "@iot/service";
 * [0, 1, 2, 3].map((n) => backoffDelay(n, { initialMs: 500, maxMs: 1_500 })); // [500, 1000, 1500, 1500]
 * ```
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const { initialMs, maxMs = Infinity } = options;
  if (!Number.isInteger(attempt) || attempt < 0) {
    throw new RangeError(`attempt must be an integer >= 0, got ${attempt}`);
  }
  if (!(initialMs >= 0) || !(maxMs >= 0)) {
    throw new RangeError(`delays must be >= 0, got initialMs ${initialMs} and maxMs ${maxMs}`);
  }
  // Past 2^52 the product only overflows to Infinity (or NaN for 0): the cap is reached anyway.
  return Math.min(initialMs * 2 ** Math.min(attempt, 52), maxMs);
}
