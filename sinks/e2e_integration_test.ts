/**
 * End to end on the real servers: `producer/main.ts` (a fixed seed and start, bounded, with bad
 * records and an overheating device) → `processor/main.ts` (5 s windows, exactly-once) →
 * `sinks/main.ts` (every pipeline), each a child process. The stores must end equal to what a
 * plain computation over the topics (read here, read_committed) expects: readings in MongoDB and
 * SQLite, aggregates in Cassandra and SQLite, alerts, the vehicle maximum and the dead letters.
 */
import { assert, assertEquals } from "@std/assert";
import cassandra from "cassandra-driver";
import { MongoClient } from "mongodb";
import { deadLetterHeaderNames, topicIds, type Topics } from "@iot/events";
import { Admin } from "@iot/kafka";
import { startCassandra, startFerretDb, startKafka, uniqueName, waitFor } from "@iot/testing";
import { readSeedTable } from "./cassandra_reader_test_util.ts";
import { type Child, spawnApp, statusUrl, stopChild } from "./child_test_util.ts";
import { pipelineRoutes } from "./pipelines.ts";
import { decodeAll, readTopics, storeDifferences } from "./store_check_test_util.ts";

const text = new TextDecoder();

Deno.test({
  name: "sinks e2e: producer → processor → sinks; every store equals the topics",
  fn: async () => {
    const [kafka, mongo, node] = await Promise.all([
      startKafka(),
      startFerretDb(),
      startCassandra(),
    ]);
    await using _kafka = kafka;
    await using _mongo = mongo;
    await using _node = node;
    const t = Object.fromEntries(
      topicIds.map((id) => [id, uniqueName(`sinks-e2e-${id}`)]),
    ) as unknown as Topics;
    {
      await using admin = new Admin({ config: { "bootstrap.servers": kafka.bootstrap } });
      await admin.createTopics(Object.values(t).map((name) => ({ name, partitions: 3 })));
    }
    const topicArgs = topicIds.flatMap((id) => ["--topic", `${id}=${t[id]}`]);
    const dir = await Deno.makeTempDir({ prefix: "sinks-e2e-" });
    const processorPrefix = uniqueName("e2e-processor");
    const sinksPrefix = uniqueName("e2e-sinks");
    const database = uniqueName("e2e");
    const keyspace = uniqueName("e2e").replaceAll("-", "_");
    const mongoClient = new MongoClient(mongo.url);
    const cql = new cassandra.Client({
      contactPoints: [node.contactPoint],
      localDataCenter: node.localDataCenter,
    });
    const children: Child[] = [];
    try {
      const producer = spawnApp("producer/main.ts", [
        ...["--bootstrap", kafka.bootstrap, "--devices", "4", "--vehicles", "1"],
        ...["--count", "2000", "--seed", "7", "--start", "2026-01-01T00:00:00.000Z"],
        ...["--invalid-json", "0.01", "--schema-violations", "0.01", "--no-commands"],
        ...["--overheat", "climate-0001@20s", "--partitions", "3", ...topicArgs],
      ]);
      children.push(producer);
      const processor = spawnApp("processor/main.ts", [
        ...["--bootstrap", kafka.bootstrap, "--state-dir", `${dir}/processor`],
        ...["--group-prefix", processorPrefix, "--status-port", "0", "--partitions", "3"],
        ...["--window-ms", "5000", "--max-out-of-orderness-ms", "1000"],
        ...["--checkpoint-interval-ms", "500", "--fsync", "false"],
        ...["--readings-by-device-topic", uniqueName("e2e-by-device")],
        ...["--repartition-topic", uniqueName("e2e-repartition"), ...topicArgs],
      ]);
      children.push(processor);
      const sinks = spawnApp("sinks/main.ts", [
        ...["--bootstrap", kafka.bootstrap, "--group-prefix", sinksPrefix],
        ...["--pipelines", "mongo-readings,mongo-events,cassandra-aggregates,embedded"],
        ...["--sqlite-path", `${dir}/sinks/iot.db`, "--mongo-url", mongo.url],
        ...["--mongo-database", database, "--cassandra", node.contactPoint],
        ...["--cassandra-keyspace", keyspace, "--cassandra-local-dc", node.localDataCenter],
        ...["--status-port", "0", "--linger-ms", "100", ...topicArgs],
      ]);
      children.push(sinks);
      assertEquals((await producer.process.status).code, 0, await producer.exited);

      // The processor has read everything once every task of every job has no lag for a
      // while (its /status; consumer-group lag never reaches 0 on a transactional input, whose
      // last offset is a commit marker).
      let quiet = 0;
      await waitFor(async () => {
        const url = statusUrl(processor);
        if (url === undefined) return false;
        const { jobs } = await (await fetch(`${url}/status`)).json() as {
          jobs: Array<{ tasks: Array<{ lag: number | null }> }>;
        };
        const idle = jobs.length === 4 &&
          jobs.every((j) =>
            j.tasks.length > 0 && j.tasks.every((t) => t.lag === 0 || t.lag === null)
          );
        quiet = idle ? quiet + 1 : 0;
        return quiet >= 3;
      }, { timeoutMs: 180_000, intervalMs: 500, message: "the processor caught up" });
      processor.process.kill("SIGTERM");
      assertEquals((await processor.process.status).code, 0);

      const routes = pipelineRoutes("embedded", t);
      const stores = {
        sqlitePath: `${dir}/sinks/iot.db`,
        mongo: mongoClient.db(database),
        cassandra: { client: cql, keyspace },
      };
      let problems: string[] = [];
      let raw = await readTopics(kafka.bootstrap, Object.values(t));
      await waitFor(async () => {
        raw = await readTopics(kafka.bootstrap, Object.values(t));
        problems = await storeDifferences(stores, decodeAll(raw, routes)).catch((e) => [String(e)]);
        return problems.length === 0;
      }, { timeoutMs: 120_000, intervalMs: 1_000, message: "stores equal to the topics" })
        .catch((e) => {
          throw new Error(`${e.message}: ${problems.join("; ")}`);
        });
      const count = (topic: string) => raw.filter((r) => r.topic === topic).length;
      assertEquals(count(t.sensorReadings) + count(t.vehiclePressure), 2000, "--count 2000");
      assert(count(t.sensorAggregates) > 0, "aggregates");
      assert(count(t.alerts) > 0, "an alert for the overheating device");
      assertEquals((await readSeedTable(cql, keyspace)).length, count(t.sensorAggregates));

      // A bad raw reading is dead-lettered once by each job or pipeline that reads it.
      const header = (r: (typeof raw)[number], name: string) => {
        const found = r.headers.find(([n]) => n === name)?.[1];
        return found ? text.decode(found) : null;
      };
      const byReading = new Map<string, string[]>();
      for (const r of raw.filter((r) => r.topic === t.deadLetter)) {
        if (header(r, deadLetterHeaderNames.topic) !== t.sensorReadings) continue;
        const at = `${header(r, deadLetterHeaderNames.partition)}/${
          header(r, deadLetterHeaderNames.offset)
        }`;
        byReading.set(at, [...(byReading.get(at) ?? []), header(r, deadLetterHeaderNames.job)!]);
      }
      assert(byReading.size > 0, "bad readings were dead-lettered");
      for (const [at, jobNames] of byReading) {
        assertEquals(
          jobNames.sort(),
          [
            `${sinksPrefix}-embedded`,
            `${sinksPrefix}-mongo-readings`,
            "readings-by-device",
          ].sort(),
          `dead letters of reading ${at}`,
        );
      }
      sinks.process.kill("SIGTERM");
      assertEquals((await sinks.process.status).code, 0);
    } finally {
      for (const child of children) await stopChild(child);
      await mongoClient.close();
      await cql.shutdown();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
