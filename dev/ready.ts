/**
 * Readiness probes: a service is ready when its port accepts a TCP connection.
 *
 * @module
 */

/** Options of {@linkcode waitForPort}. */
export interface WaitForPortOptions {
  /** Give up after this long. Default 60 000 ms. */
  timeoutMs?: number;
  /** Pause between attempts. Default 100 ms. */
  intervalMs?: number;
  /** Stops waiting (rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** Resolves once `hostname:port` accepts a connection; rejects after `timeoutMs`. */
export async function waitForPort(
  port: number,
  hostname = "127.0.0.1",
  options: WaitForPortOptions = {},
): Promise<void> {
  const { timeoutMs = 60_000, intervalMs = 100, signal } = options;
  const deadline = Date.now() + timeoutMs;
  while (true) {
    signal?.throwIfAborted();
    try {
      (await Deno.connect({ hostname, port })).close();
      return;
    } catch (e) {
      if (
        !(e instanceof Deno.errors.ConnectionRefused || e instanceof Deno.errors.ConnectionReset)
      ) {
        throw e;
      }
    }
    if (Date.now() >= deadline) {
      throw new Error(`nothing accepted connections on ${hostname}:${port} within ${timeoutMs} ms`);
    }
    await new Promise<void>((resolve) => {
      const id = setTimeout(done, intervalMs);
      signal?.addEventListener("abort", done, { once: true });
      function done() {
        clearTimeout(id);
        signal?.removeEventListener("abort", done);
        resolve();
      }
    });
  }
}
