/**
 * Serves the API over HTTP with `Deno.serve` (the only listening socket of this member).
 *
 * @module
 */
import { bindOrExplain } from "@iot/service";

/** A running API server. */
export interface ApiServer extends AsyncDisposable {
  /** The bound port (useful with port 0). */
  readonly port: number;
  /** The bound host. */
  readonly host: string;
  /** Resolves when the server stopped. */
  readonly finished: Promise<void>;
  /** Stops accepting, closes connections (open SSE streams included). */
  shutdown(): Promise<void>;
}

/** Options of {@linkcode serveApi}. */
export interface ServeApiOptions {
  /** Answers requests (the app's `fetch`). */
  readonly fetch: (request: Request) => Response | Promise<Response>;
  /** Address to bind. Default 127.0.0.1. */
  readonly host?: string;
  /** Port; 0 for a free one. Default 8080. */
  readonly port?: number;
  /** The flag that sets the port, for the "port in use" line. Default `--port`. */
  readonly portFlag?: string;
}

/** Starts serving; a taken port rejects with `PortInUseError` (one line to print). */
export async function serveApi(options: ServeApiOptions): Promise<ApiServer> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 8080;
  const abort = new AbortController();
  const server = await bindOrExplain(
    "API port",
    port,
    options.portFlag ?? "--port",
    () =>
      Deno.serve({
        hostname: host,
        port,
        signal: abort.signal,
        onListen: () => {},
      }, options.fetch),
  );
  const shutdown = async () => {
    abort.abort();
    await server.finished;
  };
  return {
    host,
    port: server.addr.port,
    finished: server.finished,
    shutdown,
    [Symbol.asyncDispose]: shutdown,
  };
}
