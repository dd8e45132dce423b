/**
 * The admin HTTP endpoint: `/metrics` (Prometheus text) and `/health`, bound to 127.0.0.1.
 *
 * @module
 */
import type { Logger } from "./logger.ts";

/** Options for {@linkcode startAdminServer}. */
export interface AdminServerOptions {
  /** Interface to bind. Default: "127.0.0.1". */
  hostname?: string;
  /** Port; 0 picks a free one. */
  port: number;
  /** Renders the `/metrics` body. */
  metrics: () => string;
  /** Whether the broker is serving (`/health` answers 200, else 503). */
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

/** Starts the admin HTTP server. */
export function startAdminServer(options: AdminServerOptions): AdminServer {
  const server = Deno.serve({
    hostname: options.hostname ?? "127.0.0.1",
    port: options.port,
    onListen: () => {},
    onError: (e) => {
      options.logger.error("admin request failed", { error: String(e) });
      return new Response("internal error\n", { status: 500 });
    },
  }, (req) => {
    const path = new URL(req.url).pathname;
    if (req.method !== "GET") return new Response("method not allowed\n", { status: 405 });
    if (path === "/metrics") {
      return new Response(options.metrics(), {
        headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
      });
    }
    if (path === "/health") {
      const ok = options.healthy();
      return Response.json({ status: ok ? "ok" : "unavailable" }, { status: ok ? 200 : 503 });
    }
    return new Response("not found\n", { status: 404 });
  });
  let closing: Promise<void> | undefined;
  const close = () => closing ??= server.shutdown();
  return { port: server.addr.port, close, [Symbol.asyncDispose]: close };
}
