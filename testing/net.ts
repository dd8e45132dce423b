/**
 * Returns a TCP port that was free on 127.0.0.1 a moment ago (bind to port 0, read it, close).
 * Another process may take it before you bind it; servers started on it fail loudly if so.
 *
 * @example
 * ```ts
 * import { freePort } from "@iot/testing";
 * const port = freePort();
 * ```
 */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    return (listener.addr as Deno.NetAddr).port;
  } finally {
    listener.close();
  }
}

/** Whether something on `hostname:port` accepts a TCP connection right now. */
export async function acceptsTcp(hostname: string, port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname, port });
    conn.close();
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.ConnectionRefused) return false;
    throw e;
  }
}

/** Splits the first `host:port` entry of a Kafka bootstrap list. */
export function parseBootstrap(bootstrap: string): { hostname: string; port: number } {
  const first = bootstrap.split(",")[0].trim();
  const match = /^(.+):(\d+)$/.exec(first);
  if (!match) throw new TypeError(`Bootstrap must look like host:port, got "${bootstrap}"`);
  return { hostname: match[1].replace(/^\[(.*)\]$/, "$1"), port: Number(match[2]) };
}
