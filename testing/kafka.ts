/**
 * A real Apache Kafka broker for tests: a dedicated JVM on free ports and a temp dir, or the
 * shared broker named by `IOT_TEST_KAFKA_BOOTSTRAP`.
 *
 * @module
 */
import { acceptsTcp, freePort, parseBootstrap } from "./net.ts";
import {
  defaultCacheDir,
  findKafkaRuntime,
  formatStorage,
  javaArgs,
  type KafkaRuntime,
  READY_LINE,
  serverProperties,
} from "./kafka_runtime.ts";
import { delay, waitFor } from "./wait_for.ts";

/** Options for {@linkcode startKafka}. */
export interface StartKafkaOptions {
  /**
   * Start an own broker even when `IOT_TEST_KAFKA_BOOTSTRAP` names a shared one. Needed to call
   * `stop()`/`start()`. Default: false.
   */
  dedicated?: boolean;
  /** Aborts startup; the broker is killed and its temp dir removed. Default: none. */
  signal?: AbortSignal;
  /** How long a (re)start may take before it fails, in milliseconds. Default: 90 000. */
  startTimeoutMs?: number;
}

/** A running Kafka broker; `await using` it so it is killed and cleaned up. */
export interface RealKafka extends AsyncDisposable {
  /** Bootstrap servers, `127.0.0.1:PORT` for a dedicated broker. */
  readonly bootstrap: string;
  /** Stops the broker gracefully (SIGTERM) and waits for it to exit; keeps ports and data. */
  stop(): Promise<void>;
  /** Starts a stopped broker again on the same ports and data, and waits until it is ready. */
  start(): Promise<void>;
}

/**
 * Returns a ready Kafka broker. When `IOT_TEST_KAFKA_BOOTSTRAP` is set and `dedicated` is not
 * true, that shared broker is returned and disposing it does nothing. Otherwise a single-node
 * KRaft broker is started from the jars of scripts/kafka/fetch.sh (found via `IOT_CACHE_DIR`).
 *
 * @example
 * ```ts
 * import { startKafka } from "@iot/testing";
 * await using kafka = await startKafka({ dedicated: true });
 * console.log(kafka.bootstrap); // "127.0.0.1:41234"
 * ```
 */
export async function startKafka(options: StartKafkaOptions = {}): Promise<RealKafka> {
  const shared = Deno.env.get("IOT_TEST_KAFKA_BOOTSTRAP");
  if (shared && !options.dedicated) return await sharedKafka(shared);
  const runtime = await findKafkaRuntime(defaultCacheDir());
  // A port that was free when picked can be taken before the JVM binds it (busy machines):
  // then pick new ports and try again.
  for (let attempt = 1;; attempt++) {
    try {
      return await LocalKafka.launch(runtime, options);
    } catch (e) {
      const lostPort = e instanceof Error && e.message.includes("Address already in use");
      if (!lostPort || attempt >= 3) throw e;
    }
  }
}

/** Wraps an externally managed broker: no lifecycle control, dispose is a no-op. */
export async function sharedKafka(bootstrap: string): Promise<RealKafka> {
  const { hostname, port } = parseBootstrap(bootstrap);
  if (!(await acceptsTcp(hostname, port))) {
    throw new Error(
      `Shared Kafka at IOT_TEST_KAFKA_BOOTSTRAP=${bootstrap} refuses connections; ` +
        "start it with scripts/kafka/start.sh or unset the variable",
    );
  }
  const refuse = (what: string) =>
    Promise.reject(
      new Error(
        `Cannot ${what} the shared Kafka at ${bootstrap} (IOT_TEST_KAFKA_BOOTSTRAP); ` +
          "pass { dedicated: true } to startKafka() to control a broker's lifecycle",
      ),
    );
  return {
    bootstrap,
    stop: () => refuse("stop"),
    start: () => refuse("start"),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
}

const STOP_TIMEOUT_MS = 30_000;
const LOG_TAIL_LINES = 40;

class LocalKafka implements RealKafka {
  readonly bootstrap: string;
  readonly #runtime: KafkaRuntime;
  readonly #dir: string;
  readonly #port: number;
  readonly #startTimeoutMs: number;
  #child: Deno.ChildProcess | null = null;
  #status: Promise<Deno.CommandStatus> | null = null;
  #disposed = false;

  private constructor(runtime: KafkaRuntime, dir: string, port: number, startTimeoutMs: number) {
    this.#runtime = runtime;
    this.#dir = dir;
    this.#port = port;
    this.#startTimeoutMs = startTimeoutMs;
    this.bootstrap = `127.0.0.1:${port}`;
  }

  static async launch(runtime: KafkaRuntime, options: StartKafkaOptions): Promise<LocalKafka> {
    const { signal, startTimeoutMs = 90_000 } = options;
    const dir = await Deno.makeTempDir({ prefix: "iot-kafka-" });
    const port = freePort();
    let controllerPort = freePort();
    while (controllerPort === port) controllerPort = freePort();
    const kafka = new LocalKafka(runtime, dir, port, startTimeoutMs);
    try {
      const layout = { port, controllerPort, logDirs: `${dir}/data` };
      await Deno.writeTextFile(kafka.#propertiesPath, serverProperties(layout));
      await formatStorage(runtime, kafka.#propertiesPath, signal);
      await kafka.#boot(signal);
      return kafka;
    } catch (e) {
      await kafka[Symbol.asyncDispose]();
      throw e;
    }
  }

  get #propertiesPath(): string {
    return `${this.#dir}/server.properties`;
  }

  get #logPath(): string {
    return `${this.#dir}/broker.log`;
  }

  start(): Promise<void> {
    return this.#boot();
  }

  async #boot(signal?: AbortSignal): Promise<void> {
    if (this.#disposed) throw new Error(`Kafka at ${this.bootstrap} was disposed`);
    if (this.#child) return;
    const logOffset = await fileSize(this.#logPath);
    // `exec` keeps one pid, so signals reach the JVM; the OS writes the log, no pipes to pump.
    const child = new Deno.Command("sh", {
      args: [
        "-c",
        'log="$1"; shift; exec "$@" >>"$log" 2>&1',
        "sh",
        this.#logPath,
        "java",
        ...javaArgs(this.#runtime, "kafka.Kafka", [this.#propertiesPath]),
      ],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    let exit: Deno.CommandStatus | null = null;
    this.#child = child;
    this.#status = child.status.then((status) => (exit = status));
    try {
      await waitFor(async () => {
        if (exit) throw new Error(`Kafka exited with code ${exit.code} during startup`);
        const log = await readFrom(this.#logPath, logOffset);
        return log.includes(READY_LINE) && await acceptsTcp("127.0.0.1", this.#port);
      }, {
        timeoutMs: this.#startTimeoutMs,
        intervalMs: 100,
        message: `Kafka on ${this.bootstrap} to start`,
        signal,
      });
    } catch (e) {
      await this.#kill("SIGKILL");
      const tail = await this.#logTail();
      const reason = e instanceof Error ? e.message : String(e);
      throw new Error(`${reason}\n--- broker log tail (${this.#logPath}) ---\n${tail}`, {
        cause: e,
      });
    }
  }

  async stop(): Promise<void> {
    if (!this.#child) return;
    const timedOut = await this.#kill("SIGTERM", STOP_TIMEOUT_MS);
    if (timedOut) await this.#kill("SIGKILL");
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.#kill("SIGKILL");
    await Deno.remove(this.#dir, { recursive: true });
  }

  /** Signals the JVM and awaits its exit; returns true if `timeoutMs` passed first. */
  async #kill(signal: Deno.Signal, timeoutMs?: number): Promise<boolean> {
    const child = this.#child;
    const status = this.#status;
    if (!child || !status) return false;
    try {
      child.kill(signal);
    } catch (e) {
      if (!(e instanceof TypeError)) throw e; // already exited
    }
    if (timeoutMs !== undefined) {
      const abort = new AbortController();
      const exited = await Promise.race([
        status.then(() => true),
        delay(timeoutMs, abort.signal).then(() => false, () => true),
      ]);
      abort.abort();
      if (!exited) return true;
    }
    await status;
    this.#child = null;
    this.#status = null;
    return false;
  }

  async #logTail(): Promise<string> {
    const text = await readFrom(this.#logPath, 0);
    return text.trimEnd().split("\n").slice(-LOG_TAIL_LINES).join("\n");
  }
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return 0;
    throw e;
  }
}

async function readFrom(path: string, offset: number): Promise<string> {
  try {
    const bytes = await Deno.readFile(path);
    return new TextDecoder().decode(bytes.subarray(offset));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "";
    throw e;
  }
}
