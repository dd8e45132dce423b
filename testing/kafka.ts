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
import { launchServer, retryOnLostPort, sharedLifecycle } from "./server_process.ts";

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
  return await retryOnLostPort(() => launch(runtime, options));
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
  const subject = `the shared Kafka at ${bootstrap} (IOT_TEST_KAFKA_BOOTSTRAP)`;
  return { bootstrap, ...sharedLifecycle(subject, "startKafka()", "broker") };
}

/** A KRaft broker on free ports in a temp dir, formatted before its first start. */
async function launch(runtime: KafkaRuntime, options: StartKafkaOptions): Promise<RealKafka> {
  const dir = await Deno.makeTempDir({ prefix: "iot-kafka-" });
  const port = freePort();
  let controllerPort = freePort();
  while (controllerPort === port) controllerPort = freePort();
  const properties = `${dir}/server.properties`;
  const lifecycle = await launchServer({
    name: "Kafka",
    command: "java",
    args: javaArgs(runtime, "kafka.Kafka", [properties]),
    dir,
    port,
    logFile: "broker.log",
    readyLine: READY_LINE,
    startTimeoutMs: options.startTimeoutMs ?? 90_000,
    stopTimeoutMs: 30_000,
  }, {
    signal: options.signal,
    prepare: async () => {
      const layout = { port, controllerPort, logDirs: `${dir}/data` };
      await Deno.writeTextFile(properties, serverProperties(layout));
      await formatStorage(runtime, properties, options.signal);
    },
  });
  return { bootstrap: `127.0.0.1:${port}`, ...lifecycle };
}
