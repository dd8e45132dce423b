/**
 * The status endpoint of a long-running service: `GET /status` (JSON listing the status of each
 * of its parts: the processor's jobs, the sinks' pipelines), `GET /metrics` (Prometheus text
 * rendered from the same statuses) and `GET /healthz`, over {@linkcode serveHttp}.
 *
 * @module
 */
import { handleHttp, type HttpRoutes, type HttpServer, serveHttp } from "./http_server.ts";

/** Something that reports the status of one part of a service (a job runner, a pipeline). */
export interface StatusSource<S> {
  /** The part's current status. */
  status(): Promise<S>;
}

/** What a status endpoint shows. */
export interface StatusEndpoint<S> {
  /** The parts, in the order `/status` lists them. */
  sources: readonly StatusSource<S>[];
  /** The key of the list in the `/status` document, e.g. `"jobs"`: `{"jobs": [...]}`. */
  listKey: string;
  /** The `/metrics` text of the statuses. */
  metrics(statuses: S[]): string;
}

/** Options of {@linkcode serveStatus}: the endpoint, and where and how long to serve it. */
export interface ServeStatusOptions<S> extends StatusEndpoint<S> {
  /** Port; 0 picks a free one. */
  port: number;
  /** Interface to bind. Default "127.0.0.1" (`0.0.0.0` in a container, for Prometheus). */
  hostname?: string;
  /** Stops the server when aborted. */
  signal?: AbortSignal;
}

function statusRoutes<S>(endpoint: StatusEndpoint<S>): HttpRoutes {
  const statuses = () => Promise.all(endpoint.sources.map((s) => s.status()));
  return {
    metrics: async () => endpoint.metrics(await statuses()),
    routes: {
      "/status": async () => Response.json({ [endpoint.listKey]: await statuses() }),
    },
  };
}

/** Answers one status request; tests call it without a server. */
export function handleStatus<S>(request: Request, endpoint: StatusEndpoint<S>): Promise<Response> {
  return handleHttp(request, statusRoutes(endpoint));
}

/**
 * Serves the status endpoint until `signal` aborts; the server's `port` is the bound port and
 * `finished` resolves once it stopped. Throws `PortInUseError` ("status port 9470 is in use;
 * pass --status-port 0 for a free one") when the port is taken.
 *
 * @example
 * ```ts
 * import { serveStatus } from "@iot/service";
 * const sources = [{ status: () => Promise.resolve({ name: "a", ok: true }) }];
 * await using server = serveStatus({
 *   sources,
 *   listKey: "parts",
 *   metrics: (s) => `parts ${s.length}\n`,
 *   port: 0,
 * });
 * await (await fetch(`http://127.0.0.1:${server.port}/status`)).json(); // { parts: [...] }
 * ```
 */
export function serveStatus<S>(options: ServeStatusOptions<S>): HttpServer {
  return serveHttp({
    ...statusRoutes(options),
    port: options.port,
    ...(options.hostname !== undefined ? { hostname: options.hostname } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    what: "status port",
    flag: "--status-port",
  });
}
