/**
 * Waiting for Kafka at start-up, so services can start in any order: probe the bootstrap
 * servers (a TCP connect, then a metadata request) with short timeouts and backoff until one
 * answers or the time is up.
 *
 * @module
 */
import { Admin } from "./admin.ts";
import type { KafkaConfig } from "./config.ts";
import { ErrorCode, KafkaError } from "./errors.ts";

/** Options of {@linkcode waitForKafka}. */
export interface WaitForKafkaOptions {
  /** Bootstrap servers, `host:port[,host:port…]`. */
  bootstrap: string;
  /** Extra librdkafka properties of the probe client (e.g. SASL/TLS). Default: none. */
  config?: KafkaConfig;
  /** Give up after this long (ms). Default 60 000. */
  timeoutMs?: number;
  /** Stops waiting (rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Receives the progress lines. Default: none. */
  log?: (message: string) => void;
  /** How long one probe may take (ms). Default 2 000. */
  probeTimeoutMs?: number;
  /** Log a "still waiting" line this often (ms). Default 10 000. */
  logIntervalMs?: number;
}

/**
 * Resolves once a broker of `bootstrap` answers a metadata request. Logs
 * `waiting for Kafka at <bootstrap>…` once when the first probe fails, then a line with the
 * elapsed time and last error every `logIntervalMs`.
 *
 * @example
 * ```ts ignore
 * await waitForKafka({ bootstrap: "127.0.0.1:9092", timeoutMs: 60_000, log: console.error });
 * ```
 *
 * @throws {KafkaError} (`TIMED_OUT`) naming the address when no broker answered in time.
 */
export async function waitForKafka(options: WaitForKafkaOptions): Promise<void> {
  const { bootstrap, signal, log = () => {} } = options;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const probeMs = options.probeTimeoutMs ?? 2_000;
  const started = Date.now();
  let lastLog = started;
  let backoff = 100;
  for (let attempt = 0;; attempt++) {
    signal?.throwIfAborted();
    const reason = await probe(bootstrap, probeMs, options.config ?? {});
    if (reason === null) {
      if (attempt > 0) log(`Kafka at ${bootstrap} is up after ${elapsed(started)}`);
      return;
    }
    const now = Date.now();
    if (now - started >= timeoutMs) {
      throw new KafkaError(
        `Kafka at ${bootstrap} did not answer within ${timeoutMs} ms (last error: ${reason})`,
        { code: ErrorCode.TIMED_OUT, retriable: false },
      );
    }
    if (attempt === 0) log(`waiting for Kafka at ${bootstrap}…`);
    else if (now - lastLog >= (options.logIntervalMs ?? 10_000)) {
      log(`still waiting for Kafka at ${bootstrap} (${elapsed(started)}): ${reason}`);
      lastLog = now;
    }
    await pause(Math.min(backoff, timeoutMs - (now - started)), signal);
    backoff = Math.min(backoff * 2, 2_000);
  }
}

/** `null` when a broker answered, else why not. */
async function probe(
  bootstrap: string,
  timeoutMs: number,
  config: KafkaConfig,
): Promise<string | null> {
  const reachable = await connectAny(bootstrap, timeoutMs);
  if (reachable !== null) return reachable;
  try {
    // A listening port is not yet a broker: it must answer metadata.
    await using admin = new Admin({
      config: { ...config, "bootstrap.servers": bootstrap },
      onLog: () => {},
    });
    await admin.listTopics({ timeoutMs });
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** `null` once a TCP connection to one of the servers succeeded, else the last error. */
async function connectAny(bootstrap: string, timeoutMs: number): Promise<string | null> {
  let last = `no address in "${bootstrap}"`;
  for (const server of bootstrap.split(",").map((s) => s.trim().replace(/^\w+:\/\//, ""))) {
    const cut = server.lastIndexOf(":");
    const hostname = server.slice(0, cut).replace(/^\[|\]$/g, "");
    const port = Number(server.slice(cut + 1));
    if (cut <= 0 || !Number.isInteger(port)) {
      last = `bad address "${server}"`;
      continue;
    }
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const conn = await Deno.connect({ hostname, port, signal: timeout });
      conn.close();
      return null;
    } catch (e) {
      last = `${server}: ${(e as Error).message}`;
    }
  }
  return last;
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", abort);
    };
    const abort = () => {
      done();
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", abort, { once: true });
  });
}

function elapsed(started: number): string {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}
