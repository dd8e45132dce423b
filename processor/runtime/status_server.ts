/**
 * The status endpoint: `GET /status` (JSON of every job's {@linkcode JobStatus}) and
 * `GET /metrics` (Prometheus text), served with `Deno.serve` on 127.0.0.1.
 *
 * @module
 */
import { type JobStatus, renderPrometheus } from "./status.ts";

/** Something that reports a job's status (a `JobRunner`). */
export interface StatusSource {
  /** The job's current status. */
  status(): Promise<JobStatus>;
}

/** Handles one status request; exported so tests call it without a server. */
export async function handleStatusRequest(
  request: Request,
  sources: readonly StatusSource[],
): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (request.method !== "GET") return new Response("method not allowed\n", { status: 405 });
  if (pathname === "/status") {
    const jobs = await Promise.all(sources.map((s) => s.status()));
    return Response.json({ jobs });
  }
  if (pathname === "/metrics") {
    const jobs = await Promise.all(sources.map((s) => s.status()));
    return new Response(renderPrometheus(jobs), {
      headers: { "content-type": "text/plain; version=0.0.4" },
    });
  }
  if (pathname === "/healthz") return new Response("ok\n");
  return new Response("not found\n", { status: 404 });
}

/**
 * Serves status on `127.0.0.1:port` (0 picks a free port) until `signal` aborts; returns the
 * server, whose `addr.port` is the bound port and whose `finished` resolves once it stopped.
 */
export function serveStatus(
  sources: readonly StatusSource[],
  port: number,
  signal: AbortSignal,
): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve(
    { hostname: "127.0.0.1", port, signal, onListen: () => {} },
    (request) => handleStatusRequest(request, sources),
  );
}
