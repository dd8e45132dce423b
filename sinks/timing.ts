/**
 * A timing helper of the runner: a race against a timeout (its abortable sleep is
 * `@iot/service`'s `sleep`).
 *
 * @module
 */

/** Resolves with `promise`'s result, or "timeout" after `ms` (never for Infinity). */
export async function raceTimeout<T>(promise: Promise<T>, ms: number): Promise<T | "timeout"> {
  if (ms === Infinity) return await promise;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), Math.max(0, ms));
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
