/**
 * Crash test: `sinks/main.ts` runs every pipeline (MongoDB on FerretDB, Cassandra, embedded
 * SQLite) as a child process and is killed with SIGKILL at random moments while input keeps
 * arriving; FerretDB is restarted once meanwhile. After a last run drains the topics, every
 * store holds exactly the topics' records: same rows, same contents, no duplicates.
 */
import { assertEquals } from "@std/assert";
import cassandra from "cassandra-driver";
import { MongoClient } from "mongodb";
import { topicIds, type Topics } from "@iot/events";
import { Admin, Producer } from "@iot/kafka";
import {
  delay,
  seededRandom,
  startCassandra,
  startFerretDb,
  startKafka,
  uniqueName,
  waitFor,
} from "@iot/testing";
import { type Child, spawnApp, statusUrl, stopChild } from "./child_test_util.ts";
import type { SinkStatus } from "./status.ts";
import { pipelineRoutes } from "./pipelines.ts";
import { decodeAll, readTopics, storeDifferences } from "./store_check_test_util.ts";
import { chunk } from "./input_test_util.ts";

Deno.test({
  name: "sinks crash: kill -9 at random moments and a database restart lose and duplicate nothing",
  fn: async () => {
    const [kafka, mongo, node] = await Promise.all([
      startKafka(),
      startFerretDb({ dedicated: true }),
      startCassandra(),
    ]);
    await using _kafka = kafka;
    await using _mongo = mongo;
    await using _node = node;
    const t = Object.fromEntries(
      topicIds.map((id) => [id, uniqueName(`sinks-crash-${id}`)]),
    ) as unknown as Topics;
    {
      await using admin = new Admin({ config: { "bootstrap.servers": kafka.bootstrap } });
      await admin.createTopics(Object.values(t).map((name) => ({ name, partitions: 3 })));
    }
    const dir = await Deno.makeTempDir({ prefix: "sinks-crash-" });
    const database = uniqueName("crash");
    const keyspace = uniqueName("crash").replaceAll("-", "_");
    const args = [
      ...["--bootstrap", kafka.bootstrap, "--group-prefix", uniqueName("sinks-crash")],
      ...["--pipelines", "mongo-readings,mongo-events,cassandra-aggregates,embedded"],
      ...["--sqlite-path", `${dir}/iot.db`, "--mongo-url", mongo.url, "--mongo-database", database],
      ...["--cassandra", node.contactPoint, "--cassandra-keyspace", keyspace],
      ...["--cassandra-local-dc", node.localDataCenter, "--status-port", "0"],
      ...[
        "--batch-size",
        "200",
        "--linger-ms",
        "100",
        "--retry-ms",
        "100",
        "--max-retry-ms",
        "1000",
      ],
      ...topicIds.flatMap((id) => ["--topic", `${id}=${t[id]}`]),
    ];
    const seed = Date.now() % 100_000;
    const random = seededRandom(seed);
    const logs: string[] = [];
    const mongoClient = new MongoClient(mongo.url);
    const cql = new cassandra.Client({
      contactPoints: [node.contactPoint],
      localDataCenter: node.localDataCenter,
    });
    let child: Child | null = null;
    try {
      // Input keeps arriving while the sinks are killed and restarted (pacing, not sync).
      let killing = true;
      const feeding = (async () => {
        await using producer = new Producer({
          config: { "bootstrap.servers": kafka.bootstrap, "enable.idempotence": true },
        });
        for (let i = 0; i < 300 && (killing || i < 12); i++) {
          await producer.sendAll(chunk(t, i));
          await delay(400);
        }
      })();
      const status = async (c: Child) => {
        const url = statusUrl(c);
        if (url === undefined) return [];
        return ((await (await fetch(`${url}/status`)).json()).pipelines as SinkStatus[]);
      };
      const batches = async (c: Child) => (await status(c)).reduce((n, p) => n + p.batches, 0);
      for (let kill = 0; kill < 4; kill++) {
        child = spawnApp("sinks/main.ts", args);
        const running = child;
        // Kill an instance that is writing: after its own first commits.
        await waitFor(async () => (await batches(running)) >= 3, {
          timeoutMs: 60_000,
          message: `run ${kill} commits`,
        });
        if (kill === 2) {
          // The database goes away under the running sink and comes back.
          await mongo.stop();
          const mongoWaits = async () =>
            (await status(running)).some((p) => p.store === "mongodb" && p.waitingForStore);
          await waitFor(mongoWaits, { timeoutMs: 30_000, message: "the sink waits for MongoDB" });
          await mongo.start();
          await waitFor(async () => !(await mongoWaits()), {
            timeoutMs: 60_000,
            message: "the sink resumes",
          });
        }
        // Killing at a random moment is the point of the test.
        await delay(random() * 1500);
        logs.push(await stopChild(child));
        child = null;
      }
      killing = false;
      await feeding;
      child = spawnApp("sinks/main.ts", args);
      const routes = (["embedded"] as const).flatMap((name) => pipelineRoutes(name, t));
      const stores = {
        sqlitePath: `${dir}/iot.db`,
        mongo: mongoClient.db(database),
        cassandra: { client: cql, keyspace },
      };
      let problems: string[] = [];
      await waitFor(async () => {
        const records = decodeAll(await readTopics(kafka.bootstrap, Object.values(t)), routes);
        problems = await storeDifferences(stores, records).catch((e) => [String(e)]);
        return problems.length === 0;
      }, { timeoutMs: 120_000, intervalMs: 1_000, message: "stores equal to the topics" })
        .catch((e) => {
          throw new Error(`${e.message} (seed ${seed}): ${problems.join("; ")}`);
        });
      child.process.kill("SIGTERM");
      assertEquals((await child.process.status).code, 0);
      logs.push(await child.exited);
      child = null;
    } catch (e) {
      console.error(logs.join("\n---\n").slice(-4000));
      throw e;
    } finally {
      if (child !== null) await stopChild(child);
      await mongoClient.close();
      await cql.shutdown();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
