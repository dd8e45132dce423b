/**
 * Serves the Schema Registry REST API on its own HTTP port (the broker's
 * `--schema-registry-port`), through the same `serveHttp` as the admin endpoint: bound to
 * 127.0.0.1 by default, a taken port is one clear line.
 *
 * @module
 */
import { type Logger, serveHttp } from "@iot/service";
import { createRegistryHandler } from "./routes.ts";
import type { SchemaStore } from "./store.ts";

/** Options of {@linkcode startSchemaRegistryServer}. */
export interface SchemaRegistryServerOptions {
  /** Interface to bind. Default: "127.0.0.1". */
  hostname?: string;
  /** Port; 0 picks a free one. */
  port: number;
  /** The registry's state. */
  store: SchemaStore;
  /** Log sink. */
  logger: Logger;
}

/** A running registry endpoint. */
export interface SchemaRegistryServer extends AsyncDisposable {
  /** Bound port. */
  readonly port: number;
  /** Stops serving; idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the REST API. Throws `PortInUseError` ("schema registry port N is in use; pass
 * --schema-registry-port 0 for a free one") when the port is taken.
 */
export function startSchemaRegistryServer(
  options: SchemaRegistryServerOptions,
): SchemaRegistryServer {
  const handler = createRegistryHandler({ store: options.store, logger: options.logger });
  const server = serveHttp({
    // Every path, /healthz aside, is the registry's (GET /subjects, POST …/versions, …).
    fallback: handler,
    hostname: options.hostname,
    port: options.port,
    what: "schema registry port",
    flag: "--schema-registry-port",
    logger: options.logger,
  });
  return { port: server.port, close: server.close, [Symbol.asyncDispose]: server.close };
}
