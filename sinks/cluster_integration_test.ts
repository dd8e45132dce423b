/**
 * Sinks scaled out on a real three-broker Kafka cluster (replication factor 3,
 * `min.insync.replicas=2`): one instance, then three in the same consumer groups (each its own
 * state dir), then one of them is killed with SIGKILL while input keeps arriving. Once the two
 * left drain the topics, MongoDB (FerretDB) and Cassandra hold exactly what the topics say:
 * same rows, same contents, no duplicates.
 */
import { assert, assertEquals } from "@std/assert";
import cassandra from "cassandra-driver";
import { MongoClient } from "mongodb";
import { topicIds, type Topics } from "@iot/events";
import { Admin, Producer } from "@iot/kafka";
import {
  delay,
  startCassandra,
  startFerretDb,
  startKafkaCluster,
  uniqueName,
  waitFor,
} from "@iot/testing";
import { type Child, spawnApp, statusUrl, stopChild } from "./child_test_util.ts";
import { chunk } from "./input_test_util.ts";
import { pipelineRoutes } from "./pipelines.ts";
import type { SinkStatus } from "./status.ts";
import { decodeAll, readTopics, storeDifferences } from "./store_check_test_util.ts";

const pipelines = ["mongo-readings", "mongo-events", "cassandra-aggregates"] as const;

/**
 * Whether every pipeline of `child` owns partitions and, with `committed`, wrote a batch (a new
 * instance may find its partitions' input already written by the previous owner).
 */
async function working(child: Child, committed: boolean): Promise<boolean> {
  const url = statusUrl(child);
  if (url === undefined) return false;
  const response = await fetch(`${url}/status`).catch(() => null);
  if (response === null || !response.ok) {
    await response?.body?.cancel();
    return false;
  }
  const statuses = (await response.json()).pipelines as SinkStatus[];
  return statuses.length === pipelines.length &&
    statuses.every((p) => p.partitions.length > 0 && (!committed || p.batches > 0));
}

Deno.test("sinks cluster: scale out 1 → 3, SIGKILL one; stores equal the topics", async () => {
  const [cluster, mongo, node] = await Promise.all([
    startKafkaCluster(),
    startFerretDb(),
    startCassandra(),
  ]);
  await using _cluster = cluster;
  await using _mongo = mongo;
  await using _node = node;
  const t = Object.fromEntries(
    topicIds.map((id) => [id, uniqueName(`sinks-cluster-${id}`)]),
  ) as unknown as Topics;
  {
    await using admin = new Admin({ config: { "bootstrap.servers": cluster.bootstrap } });
    await admin.createTopics(
      Object.values(t).map((name) => ({ name, partitions: 3, replicationFactor: -1 })),
    );
  }
  const dir = await Deno.makeTempDir({ prefix: "sinks-cluster-" });
  const database = uniqueName("cluster");
  const keyspace = uniqueName("cluster").replaceAll("-", "_");
  const args = (id: string) => [
    ...["--bootstrap", cluster.bootstrap, "--group-prefix", database],
    ...["--pipelines", pipelines.join(","), "--state-dir", `${dir}/${id}`],
    ...["--mongo-url", mongo.url, "--mongo-database", database],
    ...["--cassandra", node.contactPoint, "--cassandra-keyspace", keyspace],
    ...["--cassandra-local-dc", node.localDataCenter, "--status-port", "0"],
    // A killed instance's partitions move once its session times out.
    ...["--session-timeout-ms", "6000", "--batch-size", "200", "--linger-ms", "100"],
    ...["--retry-ms", "100", "--max-retry-ms", "1000"],
    ...topicIds.flatMap((id) => ["--topic", `${id}=${t[id]}`]),
  ];
  const children = new Map<string, Child>();
  const logs: string[] = [];
  const mongoClient = new MongoClient(mongo.url);
  const cql = new cassandra.Client({
    contactPoints: [node.contactPoint],
    localDataCenter: node.localDataCenter,
  });
  let chunks = 0;
  let feeding = true;
  // Input keeps arriving whatever the instances do (pacing, not synchronisation).
  const feeder = (async () => {
    await using producer = new Producer({
      config: { "bootstrap.servers": cluster.bootstrap, "enable.idempotence": true, acks: "all" },
    });
    for (let i = 0; feeding && i < 200; i++) {
      await producer.sendAll(chunk(t, i, 0.3));
      chunks++;
      await delay(300);
    }
  })();
  const allWorking = (committed: boolean) =>
    waitFor(async () => {
      const states = await Promise.all([...children.values()].map((c) => working(c, committed)));
      return states.every(Boolean);
    }, {
      timeoutMs: 90_000,
      intervalMs: 300,
      message: "every sinks instance to own partitions",
    });
  try {
    children.set("a", spawnApp("sinks/main.ts", args("a")));
    await allWorking(true);
    children.set("b", spawnApp("sinks/main.ts", args("b")));
    children.set("c", spawnApp("sinks/main.ts", args("c")));
    await allWorking(false);
    const killed = children.get("b")!;
    children.delete("b");
    logs.push(await stopChild(killed, "SIGKILL"));
    const after = chunks;
    await waitFor(() => chunks >= after + 4, { timeoutMs: 60_000, message: "more input" });
    feeding = false;
    await feeder;
    const routes = pipelineRoutes("embedded", t); // every kind, as the stores model them
    const stores = { mongo: mongoClient.db(database), cassandra: { client: cql, keyspace } };
    let problems: string[] = [];
    await waitFor(async () => {
      const records = decodeAll(await readTopics(cluster.bootstrap, Object.values(t)), routes);
      problems = await storeDifferences(stores, records).catch((e) => [String(e)]);
      return problems.length === 0;
    }, { timeoutMs: 120_000, intervalMs: 1_000, message: "stores equal to the topics" })
      .catch((e) => {
        throw new Error(`${e.message}: ${problems.join("; ")}`);
      });
    assert(chunks > 8, `only ${chunks} chunks fed`);
    for (const [id, child] of children) {
      child.process.kill("SIGTERM");
      assertEquals((await child.process.status).code, 0, `instance ${id}`);
      logs.push(await child.exited);
      children.delete(id);
    }
  } catch (e) {
    for (const child of children.values()) logs.push(child.lines.join("\n"));
    console.error(logs.map((l) => l.slice(-3000)).join("\n---\n"));
    throw e;
  } finally {
    feeding = false;
    await feeder.catch(() => {});
    for (const child of children.values()) await stopChild(child);
    await mongoClient.close();
    await cql.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
