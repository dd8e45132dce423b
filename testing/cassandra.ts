/**
 * A real Apache Cassandra 5.0 node for tests: a dedicated JVM (jars of
 * scripts/cassandra/fetch.sh) on free ports and a temp dir, or the shared node named by
 * `IOT_TEST_CASSANDRA` (`host:port`).
 *
 * @module
 */
import { defaultCacheDir } from "./kafka_runtime.ts";
import { acceptsTcp, freePort, parseBootstrap } from "./net.ts";
import { isFile, launchServer, retryOnLostPort, sharedLifecycle } from "./server_process.ts";

/** The Cassandra version scripts/cassandra/fetch.sh resolves. */
export const CASSANDRA_VERSION = "5.0.9";

/** Options for {@linkcode startCassandra}. */
export interface StartCassandraOptions {
  /**
   * Start an own node even when `IOT_TEST_CASSANDRA` names a shared one. Needed to call
   * `stop()`/`start()`. Default: false.
   */
  dedicated?: boolean;
  /** Aborts startup; the node is killed and its temp dir removed. Default: none. */
  signal?: AbortSignal;
  /** How long a (re)start may take before it fails, in milliseconds. Default: 120 000. */
  startTimeoutMs?: number;
}

/** A running Cassandra node; `await using` it so it is killed and cleaned up. */
export interface RealCassandra extends AsyncDisposable {
  /** CQL contact point, `127.0.0.1:PORT`. */
  readonly contactPoint: string;
  /** The data center name to give the driver (`localDataCenter`). */
  readonly localDataCenter: string;
  /** Stops the node gracefully (SIGTERM) and waits for it to exit; keeps ports and data. */
  stop(): Promise<void>;
  /** Starts a stopped node again on the same ports and data, and waits until it serves CQL. */
  start(): Promise<void>;
}

/** Ports of a single node. */
export interface CassandraLayout {
  /** CQL (native transport) port on 127.0.0.1. */
  port: number;
  /** Internode (storage) port on 127.0.0.1. */
  storagePort: number;
}

/**
 * The smallest cassandra.yaml the loader accepts for one node (it rejects unknown keys). Keep in
 * step with scripts/cassandra/start.sh.
 */
export function cassandraYaml({ port, storagePort }: CassandraLayout): string {
  return [
    "cluster_name: iot-test",
    "num_tokens: 1",
    "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
    "endpoint_snitch: SimpleSnitch",
    "commitlog_sync: periodic",
    "commitlog_sync_period: 10000ms",
    "seed_provider:",
    "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
    "    parameters:",
    `      - seeds: "127.0.0.1:${storagePort}"`,
    "listen_address: 127.0.0.1",
    "rpc_address: 127.0.0.1",
    `storage_port: ${storagePort}`,
    `native_transport_port: ${port}`,
    "start_native_transport: true",
    "auto_snapshot: false",
    "",
  ].join("\n");
}

/**
 * Returns a ready Cassandra node. When `IOT_TEST_CASSANDRA` is set and `dedicated` is not true,
 * that shared node is returned and disposing it does nothing (use unique keyspace names).
 *
 * @example
 * ```ts
 * import { startCassandra } from "@iot/testing";
 * await using cassandra = await startCassandra({ dedicated: true });
 * console.log(cassandra.contactPoint); // "127.0.0.1:41234"
 * ```
 */
export async function startCassandra(options: StartCassandraOptions = {}): Promise<RealCassandra> {
  const shared = Deno.env.get("IOT_TEST_CASSANDRA");
  if (shared && !options.dedicated) return await sharedCassandra(shared);
  const home = `${defaultCacheDir()}/cassandra-${CASSANDRA_VERSION}`;
  const jvmOptions = `${home}/jvm.options`;
  if (!(await isFile(`${home}/lib/.complete`)) || !(await isFile(jvmOptions))) {
    throw new Error(
      `Cassandra ${CASSANDRA_VERSION} jars not found in ${home}; run scripts/setup.sh`,
    );
  }
  // One flag per line, written by scripts/cassandra/fetch.sh (the start script reads it too).
  const flags = (await Deno.readTextFile(jvmOptions)).split("\n").filter((l) => l.trim() !== "");
  return await retryOnLostPort(() => launch(home, flags, options));
}

async function launch(
  home: string,
  flags: string[],
  options: StartCassandraOptions,
): Promise<RealCassandra> {
  const dir = await Deno.makeTempDir({ prefix: "iot-cassandra-" });
  const port = freePort();
  let storagePort = freePort();
  while (storagePort === port) storagePort = freePort();
  const lifecycle = await launchServer({
    name: "Cassandra",
    command: "java",
    args: [
      ...flags,
      `-Dcassandra.config=file://${dir}/cassandra.yaml`,
      `-Dcassandra.storagedir=${dir}`,
      `-Dlogback.configurationFile=file://${home}/logback.xml`,
      "-Dcassandra.skip_wait_for_gossip_to_settle=0",
      "-cp",
      `${home}/lib/*`,
      "org.apache.cassandra.service.CassandraDaemon",
    ],
    dir,
    port,
    startTimeoutMs: options.startTimeoutMs ?? 120_000,
    stopTimeoutMs: 30_000,
  }, {
    signal: options.signal,
    prepare: () =>
      Deno.writeTextFile(`${dir}/cassandra.yaml`, cassandraYaml({ port, storagePort })),
  });
  return { contactPoint: `127.0.0.1:${port}`, localDataCenter: "datacenter1", ...lifecycle };
}

/** Wraps an externally managed node: no lifecycle control, dispose is a no-op. */
async function sharedCassandra(contactPoint: string): Promise<RealCassandra> {
  const { hostname, port } = parseBootstrap(contactPoint);
  if (!(await acceptsTcp(hostname, port))) {
    throw new Error(
      `Shared Cassandra at IOT_TEST_CASSANDRA=${contactPoint} refuses connections; ` +
        "start it with scripts/cassandra/start.sh or unset the variable",
    );
  }
  const subject = `the shared Cassandra at ${contactPoint} (IOT_TEST_CASSANDRA)`;
  return {
    contactPoint,
    localDataCenter: "datacenter1",
    ...sharedLifecycle(subject, "startCassandra()", "node"),
  };
}
