/**
 * The status endpoint: `GET /status` (JSON of every job's {@linkcode JobStatus}), `GET /metrics`
 * (Prometheus text) and `GET /healthz`, served by the shared `serveHttp` of `@iot/service` on
 * 127.0.0.1.
 *
 * @module
 */
import { handleHttp, type HttpRoutes, type HttpServer, serveHttp } from "@iot/service";
import { type JobStatus, renderPrometheus } from "./status.ts";

/** Something that reports a job's status (a `JobRunner`). */
export interface StatusSource {
  /** The job's current status. */
  status(): Promise<JobStatus>;
}

function statusRoutes(sources: readonly StatusSource[]): HttpRoutes {
  const statuses = () => Promise.all(sources.map((s) => s.status()));
  return {
    metrics: async () => renderPrometheus(await statuses()),
    routes: { "/status": async () => Response.json({ jobs: await statuses() }) },
  };
}

/** Handles one status request; exported so tests call it without a server. */
export function handleStatusRequest(
  request: Request,
  sources: readonly StatusSource[],
): Promise<Response> {
  return handleHttp(request, statusRoutes(sources));
}

/**
 * Serves status on `127.0.0.1:port` (0 picks a free port) until `signal` aborts; the server's
 * `port` is the bound port and its `finished` resolves once it stopped. Throws `PortInUseError`
 * ("status port 9470 is in use; pass --status-port 0 for a free one") when the port is taken.
 */
export function serveStatus(
  sources: readonly StatusSource[],
  port: number,
  signal: AbortSignal,
): HttpServer {
  return serveHttp({
    ...statusRoutes(sources),
    port,
    signal,
    what: "status port",
    flag: "--status-port",
  });
}
