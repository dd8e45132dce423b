/**
 * Port checks for the launcher. In a `server/` folder because probing opens listening sockets
 * (closed at once): the honest test of whether a service will be able to bind.
 *
 * @module
 */

/** Whether `port` on `hostname` can be bound now. */
export function isPortFree(port: number, hostname = "127.0.0.1"): boolean {
  try {
    Deno.listen({ hostname, port }).close();
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.AddrInUse || e instanceof Deno.errors.PermissionDenied) {
      return false;
    }
    throw e;
  }
}

/**
 * `count` distinct ports that are free now, chosen by the OS. Another process may take one before
 * the service binds it; the service then fails with its own one-line "port taken" error.
 */
export function freePorts(count: number, hostname = "127.0.0.1"): number[] {
  const listeners = Array.from({ length: count }, () => Deno.listen({ hostname, port: 0 }));
  const ports = listeners.map((l) => (l.addr as Deno.NetAddr).port);
  for (const l of listeners) l.close();
  return ports;
}
