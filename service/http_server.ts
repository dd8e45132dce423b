/**
 * The one HTTP server of the status and admin endpoints: `/healthz`, `/metrics` (Prometheus
 * text) and extra JSON routes such as `/status`; binds 127.0.0.1 by default; a taken port is one
 * clear line ({@linkcode PortInUseError}), not a stack trace.
 *
 * @module
 */
import { errorField, type Logger, silentLogger } from "./logger.ts";
import { PROMETHEUS_CONTENT_TYPE } from "./prometheus.ts";

/** A port that another process holds; the message is the line to print. */
export class PortInUseError extends Error {
  /** The port asked for. */
  readonly port: number;
  /** @param what e.g. "status port"; @param flag the flag that sets it, e.g. "--status-port". */
  constructor(what: string, port: number, flag: string, options?: ErrorOptions) {
    super(`${what} ${port} is in use; pass ${flag} 0 for a free one`, options);
    this.name = "PortInUseError";
    this.port = port;
  }
}

/**
 * Runs `bind` and turns `Deno.errors.AddrInUse` into a {@linkcode PortInUseError} (for listeners
 * not served by {@linkcode serveHttp}, such as the broker's Kafka port).
 */
export async function bindOrExplain<T>(
  what: string,
  port: number,
  flag: string,
  bind: () => T | Promise<T>,
): Promise<T> {
  try {
    return await bind();
  } catch (e) {
    if (e instanceof Deno.errors.AddrInUse) {
      throw new PortInUseError(what, port, flag, { cause: e });
    }
    throw e;
  }
}

/** A GET route answering with any response (e.g. `Response.json`). */
export type Route = (request: Request) => Response | Promise<Response>;

/** What an endpoint serves; {@linkcode handleHttp} and {@linkcode serveHttp} take it. */
export interface HttpRoutes {
  /** The `/metrics` body. Default: no `/metrics`. */
  metrics?: () => string | Promise<string>;
  /** Whether `/healthz` answers 200 `{"status":"ok"}` (else 503). Default: always healthy. */
  healthy?: () => boolean;
  /** More GET routes by path, e.g. `{ "/status": … }`. */
  routes?: Readonly<Record<string, Route>>;
  /**
   * Answers every request the routes above do not take, of any method (a REST API such as the
   * broker's Schema Registry). Default: none (404, or 405 for other methods than GET).
   */
  fallback?: Route;
}

/** Answers one request (exported so tests call it without a server). */
export async function handleHttp(request: Request, routes: HttpRoutes): Promise<Response> {
  if (request.method !== "GET") {
    if (routes.fallback) return await routes.fallback(request);
    return new Response("method not allowed\n", { status: 405 });
  }
  const path = new URL(request.url).pathname;
  if (path === "/healthz") {
    const ok = routes.healthy?.() ?? true;
    return Response.json({ status: ok ? "ok" : "unavailable" }, { status: ok ? 200 : 503 });
  }
  if (path === "/metrics" && routes.metrics) {
    return new Response(await routes.metrics(), {
      headers: { "content-type": PROMETHEUS_CONTENT_TYPE },
    });
  }
  const route = routes.routes?.[path];
  if (route) return await route(request);
  if (routes.fallback) return await routes.fallback(request);
  return new Response("not found\n", { status: 404 });
}

/** Options of {@linkcode serveHttp}. */
export interface HttpServerOptions extends HttpRoutes {
  /** Interface to bind. Default: "127.0.0.1". */
  hostname?: string;
  /** Port; 0 picks a free one. */
  port: number;
  /** Names the port in the in-use line, e.g. "status port". */
  what: string;
  /** The flag that sets the port, e.g. "--status-port". */
  flag: string;
  /** Stops the server when aborted. */
  signal?: AbortSignal;
  /** Log sink for failed requests. Default: silent. */
  logger?: Logger;
}

/** A running endpoint. */
export interface HttpServer extends AsyncDisposable {
  /** Bound port. */
  readonly port: number;
  /** Resolves once the server stopped. */
  readonly finished: Promise<void>;
  /** Stops serving; idempotent. */
  close(): Promise<void>;
}

/**
 * Serves {@linkcode handleHttp}. Throws {@linkcode PortInUseError} when the port is taken.
 *
 * @example
 * ```ts
 * import { serveHttp } from "@iot/service";
 * await using server = serveHttp({ port: 0, what: "status port", flag: "--status-port" });
 * await (await fetch(`http://127.0.0.1:${server.port}/healthz`)).json(); // { status: "ok" }
 * ```
 */
export function serveHttp(options: HttpServerOptions): HttpServer {
  const logger = options.logger ?? silentLogger;
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname: options.hostname ?? "127.0.0.1",
      port: options.port,
      signal: options.signal,
      onListen: () => {},
      onError: (e) => {
        logger.error("http request failed", { error: errorField(e) });
        return new Response("internal error\n", { status: 500 });
      },
    }, (request) => handleHttp(request, options));
  } catch (e) {
    if (e instanceof Deno.errors.AddrInUse) {
      throw new PortInUseError(options.what, options.port, options.flag, { cause: e });
    }
    throw e;
  }
  let closing: Promise<void> | undefined;
  const close = () => closing ??= options.signal?.aborted ? server.finished : server.shutdown();
  return { port: server.addr.port, finished: server.finished, close, [Symbol.asyncDispose]: close };
}
