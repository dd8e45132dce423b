/**
 * The sinks' status endpoint: `GET /status` (JSON of every pipeline's {@linkcode SinkStatus}),
 * `GET /metrics` (Prometheus text) and `GET /healthz`, served by `@iot/service`'s `serveHttp` on
 * 127.0.0.1.
 *
 * @module
 */
import { handleHttp, type HttpRoutes, type HttpServer, serveHttp } from "@iot/service";
import { renderSinkMetrics, type SinkStatus } from "./status.ts";

/** Something that reports a pipeline's status (a `SinkRunner`). */
export interface SinkStatusSource {
  /** The pipeline's current status. */
  status(): Promise<SinkStatus>;
}

function statusRoutes(sources: readonly SinkStatusSource[]): HttpRoutes {
  const statuses = () => Promise.all(sources.map((s) => s.status()));
  return {
    metrics: async () => renderSinkMetrics(await statuses()),
    routes: { "/status": async () => Response.json({ pipelines: await statuses() }) },
  };
}

/** Handles one status request; exported so tests call it without a server. */
export function handleSinkStatusRequest(
  request: Request,
  sources: readonly SinkStatusSource[],
): Promise<Response> {
  return handleHttp(request, statusRoutes(sources));
}

/**
 * Serves status on `127.0.0.1:port` (0 picks a free port) until `signal` aborts. Throws
 * `PortInUseError` when the port is taken.
 */
export function serveSinkStatus(
  sources: readonly SinkStatusSource[],
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
