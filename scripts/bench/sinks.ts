/**
 * `deno task bench:sinks`: rows/s into each backend through the sinks pipeline (Kafka →
 * `SinkRunner` → writer: read_committed, decode, write, commit) against a bare-driver baseline
 * writing the same rows in the same batch sizes (no Kafka), and their ratio.
 *
 * ```sh
 * deno task bench:sinks [--readings 1000000] [--aggregates 100000] [--batch-size 1000]
 *   [--backends sqlite,mongo,cassandra]
 * ```
 *
 * Climate readings go to SQLite and MongoDB, window aggregates to SQLite and Cassandra. Kafka is
 * `IOT_TEST_KAFKA_BOOTSTRAP` or a dedicated broker; MongoDB (FerretDB) and Cassandra are the
 * shared servers of `IOT_TEST_MONGO_URL` / `IOT_TEST_CASSANDRA` or dedicated ones.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Admin, Producer } from "@iot/kafka";
import { startCassandra, startFerretDb, startKafka, uniqueName } from "@iot/testing";
import {
  CassandraWriter,
  MongoWriter,
  sinkKafkaClients,
  type SinkKind,
  type SinkRecord,
  SinkRunner,
  type SinkWriter,
  SqliteWriter,
} from "@iot/sinks";
import { cassandraBaseline, mongoBaseline, sqliteBaseline } from "./sinks_baseline.ts";

const T0 = Date.parse("2026-01-01T00:00:00.000Z");
const DEVICES = 1000;

/** Reading `n`: device `n % 1000`, one per device and second. */
function reading(n: number) {
  return {
    deviceId: `dev-${String(n % DEVICES).padStart(4, "0")}`,
    ts: new Date(T0 + Math.floor(n / DEVICES) * 1000).toISOString(),
    temperature: 15 + (n % 150) / 10,
    humidity: 30 + (n % 400) / 10,
  };
}

/** Aggregate `n`: device `n % 1000`, one per device and minute. */
function aggregate(n: number) {
  const start = T0 + Math.floor(n / DEVICES) * 60_000;
  return {
    deviceId: `dev-${String(n % DEVICES).padStart(4, "0")}`,
    windowStart: new Date(start).toISOString(),
    windowEnd: new Date(start + 60_000).toISOString(),
    count: 60,
    temperature: { avg: 21.5, min: 15, max: 30 },
    humidity: { avg: 45, min: 30, max: 70 },
  };
}

type BenchKind = "climate-reading" | "window-aggregate";
const valueOf = (kind: BenchKind, n: number) =>
  kind === "climate-reading" ? reading(n) : aggregate(n);

/** The decoded records the baseline writes, in batches of `size` (values: `value(n)`). */
export function batchesOf(
  kind: BenchKind,
  count: number,
  size: number,
  value: (n: number) => unknown = (n) => valueOf(kind, n),
): SinkRecord[][] {
  const batches: SinkRecord[][] = [];
  for (let first = 0; first < count; first += size) {
    const batch: SinkRecord[] = [];
    for (let n = first; n < Math.min(count, first + size); n++) {
      const source = {
        topic: "bench",
        partition: 0,
        offset: n,
        timestamp: -1,
        key: null,
        headers: [],
      };
      batch.push({ kind, value: value(n), source } as SinkRecord);
    }
    batches.push(batch);
  }
  return batches;
}

/**
 * Produces `count` values (`value(n)`, keyed by device) into a new topic named after `prefix`
 * with `partitions` partitions (not timed) and returns its name.
 */
export async function fillTopic(
  bootstrap: string,
  prefix: string,
  count: number,
  value: (n: number) => { deviceId: string },
  partitions = 3,
): Promise<string> {
  const topic = uniqueName(prefix);
  {
    await using admin = new Admin({ config: { "bootstrap.servers": bootstrap } });
    await admin.createTopics([{ name: topic, partitions }]);
  }
  await using producer = new Producer({
    config: { "bootstrap.servers": bootstrap, "linger.ms": 20, "enable.idempotence": true },
  });
  for (let first = 0; first < count; first += 10_000) {
    const records = [];
    for (let n = first; n < Math.min(count, first + 10_000); n++) {
      const v = value(n);
      records.push({ topic, key: v.deviceId, value: JSON.stringify(v) });
    }
    await producer.sendAll(records);
  }
  return topic;
}

/** The pipeline's rows/s: over the whole run (group join included) and from its first commit on. */
async function timePipeline(
  bootstrap: string,
  topic: string,
  kind: SinkKind,
  count: number,
  writer: SinkWriter,
  batchSize: number,
): Promise<{ total: number; steady: number }> {
  const stop = new AbortController();
  let done = 0;
  let first: { at: number; records: number } | null = null;
  const runner = new SinkRunner({
    name: uniqueName("bench-sinks"),
    clients: sinkKafkaClients({ bootstrap }),
    routes: [{ topic, kind }],
    writer,
    deadLetterTopic: `${topic}-dlq`,
    batchSize,
    lingerMs: 100,
    onEvent: (e) => {
      if (e.type !== "flushed") return;
      done += e.records;
      first ??= { at: performance.now(), records: e.records };
      if (done >= count) stop.abort();
    },
  });
  const started = performance.now();
  await runner.run(stop.signal);
  const ended = performance.now();
  const { at, records } = first!;
  return {
    total: count / ((ended - started) / 1000),
    steady: (count - records) / ((ended - at) / 1000),
  };
}

async function main() {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      readings: { type: "string", default: "1000000" },
      aggregates: { type: "string", default: "100000" },
      "batch-size": { type: "string", default: "1000" },
      backends: { type: "string", default: "sqlite,mongo,cassandra" },
    },
  });
  const readings = Number(values.readings);
  const aggregates = Number(values.aggregates);
  const batchSize = Number(values["batch-size"]);
  const backends = new Set(values.backends.split(","));
  await using kafka = await startKafka();
  const rows: string[][] = [];
  const dir = await Deno.makeTempDir({ prefix: "bench-sinks-" });
  const measure = async (
    backend: string,
    kind: BenchKind,
    count: number,
    baseline: (batches: SinkRecord[][]) => Promise<void> | void,
    writer: () => SinkWriter,
  ) => {
    if (count === 0) return;
    const topic = await fillTopic(
      kafka.bootstrap,
      `bench-sinks-${kind}`,
      count,
      (n) => valueOf(kind, n),
    );
    {
      // Schema first, so neither side pays for it.
      await using w = writer();
      await w.ensureSchema();
    }
    const batches = batchesOf(kind, count, batchSize);
    const started = performance.now();
    await baseline(batches);
    const bare = count / ((performance.now() - started) / 1000);
    await using w = writer();
    const ours = await timePipeline(kafka.bootstrap, topic, kind, count, w, batchSize);
    rows.push([
      backend,
      kind,
      String(count),
      bare.toFixed(0),
      ours.total.toFixed(0),
      ours.steady.toFixed(0),
      (ours.steady / bare).toFixed(2),
    ]);
    console.error(
      `${backend} ${kind}: bare ${bare.toFixed(0)}/s, sinks ${ours.steady.toFixed(0)}/s`,
    );
  };
  try {
    if (backends.has("sqlite")) {
      const bare = `${dir}/bare.db`, ours = `${dir}/ours.db`;
      {
        // The baseline's file needs the tables too.
        await using w = new SqliteWriter({ path: bare });
        await w.ensureSchema();
      }
      for (
        const [kind, count] of [["climate-reading", readings], [
          "window-aggregate",
          aggregates,
        ]] as const
      ) {
        await measure(
          "sqlite",
          kind,
          count,
          (b) => sqliteBaseline(bare, b),
          () => new SqliteWriter({ path: ours }),
        );
      }
    }
    if (backends.has("mongo")) {
      await using mongo = await startFerretDb();
      const bare = uniqueName("bench-bare"), ours = uniqueName("bench-ours");
      {
        await using w = new MongoWriter({
          url: mongo.url,
          database: bare,
          kinds: ["climate-reading"],
        });
        await w.ensureSchema();
      }
      await measure(
        "mongodb (FerretDB)",
        "climate-reading",
        readings,
        (b) => mongoBaseline(mongo.url, bare, b),
        () => new MongoWriter({ url: mongo.url, database: ours, kinds: ["climate-reading"] }),
      );
    }
    if (backends.has("cassandra")) {
      await using node = await startCassandra();
      const bare = uniqueName("bench_bare").replaceAll("-", "_");
      const ours = uniqueName("bench_ours").replaceAll("-", "_");
      const writer = (keyspace: string) =>
        new CassandraWriter({
          contactPoints: [node.contactPoint],
          localDataCenter: node.localDataCenter,
          keyspace,
        });
      {
        await using w = writer(bare);
        await w.ensureSchema();
      }
      await measure(
        "cassandra",
        "window-aggregate",
        aggregates,
        (b) => cassandraBaseline(node.contactPoint, node.localDataCenter, bare, b),
        () => writer(ours),
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const header = [
    "backend",
    "rows",
    "N",
    "bare driver rows/s",
    "sinks rows/s (with group join)",
    "sinks rows/s (after 1st commit)",
    "ratio (after 1st commit / bare)",
  ];
  console.log(`| ${header.join(" | ")} |`);
  console.log(`|${header.map(() => " --- ").join("|")}|`);
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
}

if (import.meta.main) await main();
