/** Options for {@linkcode waitFor}. */
export interface WaitForOptions {
  /** How long to keep polling before giving up, in milliseconds. Default: 10 000. */
  timeoutMs?: number;
  /** Pause between two polls, in milliseconds. Default: 50. */
  intervalMs?: number;
  /** What was awaited, used in the timeout error. Default: "condition". */
  message?: string;
  /** Stops waiting early; the promise rejects with the signal's reason. Default: none. */
  signal?: AbortSignal;
}

/**
 * Polls `condition` until it returns `true`, rejecting when `timeoutMs` passes first. An error
 * thrown by `condition` stops the wait and rejects with that error.
 *
 * @example
 * ```ts
 * import { waitFor } from "@iot/testing";
 * const received: string[] = [];
 * setTimeout(() => received.push("a"), 10);
 * await waitFor(() => received.length === 1, { timeoutMs: 1_000, message: "one record" });
 * ```
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  options: WaitForOptions = {},
): Promise<void> {
  const { timeoutMs = 10_000, intervalMs = 50, message = "condition", signal } = options;
  if (!(timeoutMs >= 0)) throw new RangeError(`timeoutMs must be >= 0, got ${timeoutMs}`);
  if (!(intervalMs > 0)) throw new RangeError(`intervalMs must be > 0, got ${intervalMs}`);
  const deadline = performance.now() + timeoutMs;
  while (true) {
    signal?.throwIfAborted();
    if (await condition()) return;
    const left = deadline - performance.now();
    if (left <= 0) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${message}`);
    await delay(Math.min(intervalMs, left), signal);
  }
}

/** Resolves after `ms`, or rejects when `signal` aborts; leaves no timer or listener behind. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
