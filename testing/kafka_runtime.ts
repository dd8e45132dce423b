/**
 * Where the Kafka jars live and how to launch the JVM: the pieces of a local broker that are not
 * its lifecycle. Mirrors scripts/kafka/start.sh; keep the two in step.
 *
 * @module
 */

/** The Apache Kafka version scripts/kafka/fetch.sh resolves. */
export const KAFKA_VERSION = "4.3.1";

/** The log line Kafka 4.x prints once the combined broker+controller serves clients. */
export const READY_LINE = "Kafka Server started";

/** Jar folder and Log4j 2 config written by scripts/kafka/fetch.sh. */
export interface KafkaRuntime {
  /** Folder of jars for `java -cp`. */
  lib: string;
  /** Log4j 2 properties file (warnings, plus the server's startup lines). */
  log4jConfig: string;
}

/** The cache root shared with the scripts: `$IOT_CACHE_DIR`, else `$HOME/.cache/iot-platform`. */
export function defaultCacheDir(): string {
  const fromEnv = Deno.env.get("IOT_CACHE_DIR");
  if (fromEnv) return fromEnv;
  const home = Deno.env.get("HOME");
  if (!home) throw new Error("Neither IOT_CACHE_DIR nor HOME is set; cannot find the Kafka jars");
  return `${home}/.cache/iot-platform`;
}

/** Finds the jars under `cacheDir`, or throws an error telling how to fetch them. */
export async function findKafkaRuntime(cacheDir: string): Promise<KafkaRuntime> {
  const home = `${cacheDir}/kafka-${KAFKA_VERSION}`;
  const runtime = { lib: `${home}/lib`, log4jConfig: `${home}/log4j2.properties` };
  for (const path of [`${runtime.lib}/.complete`, runtime.log4jConfig]) {
    if (!(await isFile(path))) {
      throw new Error(
        `Kafka ${KAFKA_VERSION} jars not found (missing ${path}); run scripts/setup.sh`,
      );
    }
  }
  return runtime;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/**
 * The `java` arguments that run `mainClass` from the Kafka jars with a modest heap (`heap`:
 * `-Xms`/`-Xmx` flags, default 256 MB initial and 1 GB at most).
 */
export function javaArgs(
  runtime: KafkaRuntime,
  mainClass: string,
  args: string[],
  heap: readonly string[] = ["-Xms256m", "-Xmx1G"],
): string[] {
  return [
    ...heap,
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-Djava.awt.headless=true",
    `-Dlog4j2.configurationFile=${runtime.log4jConfig}`,
    "-cp",
    `${runtime.lib}/*`,
    mainClass,
    ...args,
  ];
}

/** Listener ports and storage folder of a single-node broker. */
export interface ServerLayout {
  /** Client (PLAINTEXT) port on 127.0.0.1. */
  port: number;
  /** KRaft controller port on 127.0.0.1. */
  controllerPort: number;
  /** Kafka's `log.dirs`. */
  logDirs: string;
}

/** `server.properties` for a combined broker+controller with single-node replication settings. */
export function serverProperties({ port, controllerPort, logDirs }: ServerLayout): string {
  return [
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    "controller.listener.names=CONTROLLER",
    "inter.broker.listener.name=PLAINTEXT",
    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    `log.dirs=${logDirs}`,
    "offsets.topic.replication.factor=1",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "share.coordinator.state.topic.replication.factor=1",
    "share.coordinator.state.topic.min.isr=1",
    "group.initial.rebalance.delay.ms=0",
    "num.partitions=1",
    "auto.create.topics.enable=true",
    "",
  ].join("\n");
}

/** A Kafka cluster id: 16 random bytes in unpadded base64url, never starting with "-". */
export function randomClusterId(): string {
  while (true) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    const id = btoa(String.fromCharCode(...bytes))
      .replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
    if (!id.startsWith("-")) return id;
  }
}

/**
 * Formats KRaft storage for `propertiesPath` (static quorum voters, so no `--standalone`) with
 * `clusterId` (default: a new random one; the nodes of one cluster share theirs).
 */
export async function formatStorage(
  runtime: KafkaRuntime,
  propertiesPath: string,
  signal?: AbortSignal,
  clusterId: string = randomClusterId(),
): Promise<void> {
  const args = ["format", "-t", clusterId, "-c", propertiesPath];
  const { code, stdout, stderr } = await new Deno.Command("java", {
    args: javaArgs(runtime, "kafka.tools.StorageTool", args),
    stdin: "null",
    signal,
  }).output();
  if (code !== 0) {
    const output = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    throw new Error(`Kafka storage format failed with exit code ${code}:\n${output}`);
  }
}
