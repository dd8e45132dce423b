/**
 * A real MongoDB-wire server for tests: FerretDB 1.24.2 on SQLite (built by
 * scripts/ferretdb/fetch.sh) on a free port and a temp dir, or the shared server named by
 * `IOT_TEST_MONGO_URL`.
 *
 * @module
 */
import { defaultCacheDir } from "./kafka_runtime.ts";
import { acceptsTcp, freePort } from "./net.ts";
import { isFile, launchServer, retryOnLostPort, sharedLifecycle } from "./server_process.ts";

/** The FerretDB version scripts/ferretdb/fetch.sh builds. */
export const FERRETDB_VERSION = "1.24.2";

/** Options for {@linkcode startFerretDb}. */
export interface StartFerretDbOptions {
  /**
   * Start an own server even when `IOT_TEST_MONGO_URL` names a shared one. Needed to call
   * `stop()`/`start()`. Default: false.
   */
  dedicated?: boolean;
  /** Aborts startup; the server is killed and its temp dir removed. Default: none. */
  signal?: AbortSignal;
  /** How long a (re)start may take before it fails, in milliseconds. Default: 30 000. */
  startTimeoutMs?: number;
}

/** A running MongoDB-wire server; `await using` it so it is killed and cleaned up. */
export interface RealMongo extends AsyncDisposable {
  /** Connection string, `mongodb://127.0.0.1:PORT/` for a dedicated server. */
  readonly url: string;
  /** Stops the server gracefully and waits for it to exit; keeps port and data. */
  stop(): Promise<void>;
  /** Starts a stopped server again on the same port and data, and waits until it is ready. */
  start(): Promise<void>;
}

/**
 * Returns a ready MongoDB-wire server. When `IOT_TEST_MONGO_URL` is set and `dedicated` is not
 * true, that shared server is returned and disposing it does nothing (use unique database names).
 *
 * @example
 * ```ts
 * import { startFerretDb } from "@iot/testing";
 * await using mongo = await startFerretDb({ dedicated: true });
 * console.log(mongo.url); // "mongodb://127.0.0.1:41234/"
 * ```
 */
export async function startFerretDb(options: StartFerretDbOptions = {}): Promise<RealMongo> {
  const shared = Deno.env.get("IOT_TEST_MONGO_URL");
  if (shared && !options.dedicated) return await sharedMongo(shared);
  const bin = `${defaultCacheDir()}/ferretdb-${FERRETDB_VERSION}/ferretdb`;
  if (!(await isFile(bin))) {
    throw new Error(`FerretDB ${FERRETDB_VERSION} not found at ${bin}; run scripts/setup.sh`);
  }
  return await retryOnLostPort(() => launch(bin, options));
}

async function launch(bin: string, options: StartFerretDbOptions): Promise<RealMongo> {
  const dir = await Deno.makeTempDir({ prefix: "iot-ferretdb-" });
  const port = freePort();
  // Same flags as scripts/ferretdb/start.sh (see there why each is needed).
  const lifecycle = await launchServer({
    name: "FerretDB",
    command: bin,
    args: [
      "--handler=sqlite",
      `--sqlite-url=file:${dir}/`,
      `--state-dir=${dir}`,
      `--listen-addr=127.0.0.1:${port}`,
      "--debug-addr=-",
      "--telemetry=disable",
      "--log-level=warn",
    ],
    dir,
    port,
    startTimeoutMs: options.startTimeoutMs ?? 30_000,
    stopTimeoutMs: 10_000,
  }, { signal: options.signal });
  return { url: `mongodb://127.0.0.1:${port}/`, ...lifecycle };
}

/** Wraps an externally managed server: no lifecycle control, dispose is a no-op. */
async function sharedMongo(url: string): Promise<RealMongo> {
  const match = /^mongodb:\/\/(?:[^@/]*@)?([^:/,]+)(?::(\d+))?/.exec(url);
  if (!match) throw new TypeError(`IOT_TEST_MONGO_URL must be a mongodb:// URL, got "${url}"`);
  if (!(await acceptsTcp(match[1], Number(match[2] ?? 27017)))) {
    throw new Error(
      `Shared MongoDB at IOT_TEST_MONGO_URL refuses connections; start it with ` +
        "scripts/ferretdb/start.sh or unset the variable",
    );
  }
  const subject = "the shared MongoDB (IOT_TEST_MONGO_URL)";
  return { url, ...sharedLifecycle(subject, "startFerretDb()", "server") };
}
