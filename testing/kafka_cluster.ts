/**
 * A real three-node Apache Kafka cluster for tests: three combined KRaft broker+controller JVMs on
 * loopback, replication factor 3 and `min.insync.replicas=2`, with a way to kill (SIGKILL) and
 * restart one node. Mirrors scripts/kafka/cluster.sh; keep the two in step.
 *
 * @module
 */

import {
  defaultCacheDir,
  findKafkaRuntime,
  formatStorage,
  javaArgs,
  type KafkaRuntime,
  randomClusterId,
  READY_LINE,
} from "./kafka_runtime.ts";
import { retryOnLostPort, ServerProcess } from "./server_process.ts";

/** Options for {@linkcode startKafkaCluster}. */
export interface StartKafkaClusterOptions {
  /** Number of nodes (each a broker and a controller voter). Default 3. */
  nodes?: number;
  /** `-Xms`/`-Xmx` flags of each JVM. Default `["-Xms128m", "-Xmx384m"]`. */
  heap?: readonly string[];
  /** Aborts startup; every node is killed and the temp dir removed. Default: none. */
  signal?: AbortSignal;
  /** How long a (re)start may take, in milliseconds. Default 120 000. */
  startTimeoutMs?: number;
}

/** One node of a {@linkcode RealKafkaCluster}. */
export interface KafkaClusterNode {
  /** Its `node.id` (1-based). */
  readonly id: number;
  /** Its client address, `127.0.0.1:PORT`. */
  readonly address: string;
  /** Whether it runs. */
  readonly running: boolean;
  /** Its log file (stdout and stderr of every start); gone once the cluster is disposed. */
  readonly logPath: string;
  /** Kills it with SIGKILL (a crash: no controlled shutdown); keeps ports and data. */
  kill(): Promise<void>;
  /** Stops it gracefully (SIGTERM: controlled shutdown moves its leaderships first). */
  stop(): Promise<void>;
  /** Starts it again on the same ports and data; resolves once it serves clients. */
  start(): Promise<void>;
}

/** A running cluster; `await using` it so every node is killed and its data removed. */
export interface RealKafkaCluster extends AsyncDisposable {
  /** Bootstrap servers: every node's address, comma-separated. */
  readonly bootstrap: string;
  /** The nodes, index 0 is `node.id` 1. */
  readonly nodes: readonly KafkaClusterNode[];
}

/** Ports and folders of one node of a cluster. */
export interface ClusterNodeLayout {
  /** `node.id`, 1-based. */
  id: number;
  /** Client port. */
  port: number;
  /** Controller port. */
  controllerPort: number;
  /** `log.dirs`. */
  logDirs: string;
}

/**
 * `server.properties` of one combined node of a cluster of `all` nodes: the broker defaults a
 * production cluster of three would have (replication factor 3, `min.insync.replicas` 2, also
 * for the offsets and transaction state topics), with fewer internal partitions so a loaded
 * machine starts it quickly.
 */
export function clusterServerProperties(node: ClusterNodeLayout, all: ClusterNodeLayout[]): string {
  const rf = Math.min(3, all.length);
  const isr = Math.max(1, rf - 1);
  const voters = all.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`).join(",");
  return [
    "process.roles=broker,controller",
    `node.id=${node.id}`,
    `controller.quorum.voters=${voters}`,
    `listeners=PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${node.port}`,
    "controller.listener.names=CONTROLLER",
    "inter.broker.listener.name=PLAINTEXT",
    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    `log.dirs=${node.logDirs}`,
    `default.replication.factor=${rf}`,
    `min.insync.replicas=${isr}`,
    `offsets.topic.replication.factor=${rf}`,
    "offsets.topic.num.partitions=6",
    `transaction.state.log.replication.factor=${rf}`,
    `transaction.state.log.min.isr=${isr}`,
    "transaction.state.log.num.partitions=6",
    `share.coordinator.state.topic.replication.factor=${rf}`,
    `share.coordinator.state.topic.min.isr=${isr}`,
    "unclean.leader.election.enable=false",
    // A killed broker is noticed after this long, and its partitions (group and transaction
    // coordinators too) move; well below the workers' session timeouts, so their group
    // membership survives the coordinator moving (Kafka's default is 9 s).
    "broker.session.timeout.ms=3000",
    "broker.heartbeat.interval.ms=500",
    "group.initial.rebalance.delay.ms=0",
    "num.partitions=3",
    "auto.create.topics.enable=true",
    "",
  ].join("\n");
}

/**
 * Starts a KRaft cluster of three combined broker+controller nodes on free 127.0.0.1 ports in a
 * temp dir, from the jars of scripts/kafka/fetch.sh, and resolves once every node serves clients.
 * Topics get replication factor 3 and `min.insync.replicas=2` by default, so one node may be
 * down without stopping `acks=all` producers.
 *
 * @example
 * ```ts
 * import { startKafkaCluster } from "@iot/testing";
 * await using cluster = await startKafkaCluster();
 * await cluster.nodes[1].kill(); // SIGKILL broker 2
 * await cluster.nodes[1].start();
 * ```
 */
export async function startKafkaCluster(
  options: StartKafkaClusterOptions = {},
): Promise<RealKafkaCluster> {
  const runtime = await findKafkaRuntime(defaultCacheDir());
  return await retryOnLostPort(() => launchCluster(runtime, options));
}

async function launchCluster(
  runtime: KafkaRuntime,
  options: StartKafkaClusterOptions,
): Promise<RealKafkaCluster> {
  const count = options.nodes ?? 3;
  const heap = options.heap ?? ["-Xms128m", "-Xmx384m"];
  const root = await Deno.makeTempDir({ prefix: "iot-kafka-cluster-" });
  const ports = new Set<number>();
  const port = () => {
    let p = portBelowEphemeral();
    while (ports.has(p)) p = portBelowEphemeral();
    ports.add(p);
    return p;
  };
  const layouts = Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    port: port(),
    controllerPort: port(),
    logDirs: `${root}/node-${i + 1}/data`,
  }));
  const servers = layouts.map((layout) =>
    new ServerProcess({
      name: `Kafka node ${layout.id}`,
      command: "java",
      args: javaArgs(runtime, "kafka.Kafka", [`${root}/node-${layout.id}/server.properties`], heap),
      dir: `${root}/node-${layout.id}`,
      port: layout.port,
      logFile: "broker.log",
      readyLine: READY_LINE,
      startTimeoutMs: options.startTimeoutMs ?? 120_000,
      stopTimeoutMs: 30_000,
    })
  );
  const dispose = async () => {
    await Promise.all(servers.map((s) => s[Symbol.asyncDispose]().catch(() => {})));
    await Deno.remove(root, { recursive: true }).catch(() => {});
  };
  try {
    const clusterId = randomClusterId();
    await Promise.all(layouts.map(async (layout) => {
      const dir = `${root}/node-${layout.id}`;
      await Deno.mkdir(dir, { recursive: true });
      await Deno.writeTextFile(
        `${dir}/server.properties`,
        clusterServerProperties(layout, layouts),
      );
      await formatStorage(runtime, `${dir}/server.properties`, options.signal, clusterId);
    }));
    // The controllers need a quorum before any of them is ready: start all at once.
    await Promise.all(servers.map((s) => s.start(options.signal)));
  } catch (e) {
    await dispose();
    throw e;
  }
  const nodes = servers.map((server, i): KafkaClusterNode => ({
    id: layouts[i].id,
    address: `127.0.0.1:${layouts[i].port}`,
    get running() {
      return server.running;
    },
    logPath: server.logPath,
    kill: () => server.kill(),
    stop: () => server.stop(),
    start: () => server.start(),
  }));
  return {
    bootstrap: nodes.map((n) => n.address).join(","),
    nodes,
    [Symbol.asyncDispose]: dispose,
  };
}

/**
 * A port free a moment ago, below the kernel's ephemeral range: the JVMs take tens of seconds to
 * bind on a loaded machine, and meanwhile any outgoing connection may take a port of that range
 * (as scripts/lib/server.sh, for the same reason).
 */
function portBelowEphemeral(): number {
  let low = 32768;
  try {
    low = Number(Deno.readTextFileSync("/proc/sys/net/ipv4/ip_local_port_range").split(/\s+/)[0]);
  } catch { /* not Linux: the usual default */ }
  if (!(low > 12_000)) low = 32768;
  for (let i = 0; i < 100; i++) {
    const port = 10_000 + Math.floor(Math.random() * (low - 10_000));
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
      return port;
    } catch (e) {
      if (!(e instanceof Deno.errors.AddrInUse)) throw e;
    }
  }
  throw new Error("No free port found below the ephemeral range");
}
