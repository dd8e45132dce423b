/**
 * The admin HTTP endpoint: `/metrics` (Prometheus text) and `/healthz` (`/health` kept as an
 * alias), served by the shared `serveHttp` of `@iot/service`, bound to 127.0.0.1 by default.
 *
 * @module
 */
import { handleHttp, type HttpRoutes, serveHttp } from "@iot/service";
import type { Logger } from "./logger.ts";

/** Options for {@linkcode startAdminServer}. */
export interface AdminServerOptions {
  /** Interface to bind. Default: "127.0.0.1". */
  hostname?: string;
  /** Port; 0 picks a free one. */
  port: number;
  /** Renders the `/metrics` body. */
  metrics: () => string;
  /** Whether the broker is serving (`/healthz` answers 200, else 503). */
  healthy: () => boolean;
  /** Log sink. */
  logger: Logger;
}

/** A running admin endpoint. */
export interface AdminServer extends AsyncDisposable {
  /** Bound port. */
  readonly port: number;
  /** Stops serving; idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the admin HTTP server. Throws `PortInUseError` ("admin port N is in use; pass
 * --admin-port 0 for a free one") when the port is taken.
 */
export function startAdminServer(options: AdminServerOptions): AdminServer {
  const routes: HttpRoutes = {
    metrics: options.metrics,
    healthy: options.healthy,
    // `/health` was the broker's path before every executable used `/healthz`.
    routes: {
      "/health": (request) => handleHttp(new Request(new URL("/healthz", request.url)), routes),
    },
  };
  const server = serveHttp({
    ...routes,
    hostname: options.hostname,
    port: options.port,
    what: "admin port",
    flag: "--admin-port",
    logger: options.logger,
  });
  return { port: server.port, close: server.close, [Symbol.asyncDispose]: server.close };
}
