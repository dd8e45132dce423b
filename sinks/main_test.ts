import { assertEquals, assertThrows } from "@std/assert";
import { handleStatus, UsageError } from "@iot/service";
import { loadConfig } from "./main.ts";
import { choosePipelines, redactUrl } from "./pipelines.ts";
import { emptyStats, renderSinkMetrics } from "./status.ts";

const bootstrap = ["--bootstrap", "127.0.0.1:9092"];

Deno.test("sinks options: defaults, and the embedded store when no database is given", () => {
  const config = loadConfig(bootstrap);
  assertEquals(config.sqlitePath, "./data/sinks/iot.db");
  assertEquals(config.statusPort, 9471);
  assertEquals(config.batchSize, 1000);
  assertEquals(config.lingerMs, 500);
  assertEquals(choosePipelines(config.pipelines, config), ["embedded"]);
});

Deno.test("sinks options: the pipelines of the configured databases by default", () => {
  const env = { SINKS_MONGO_URL: "mongodb://u:secret@127.0.0.1:27017/" };
  const mongo = loadConfig(bootstrap, env);
  assertEquals(choosePipelines(mongo.pipelines, mongo), ["mongo-readings", "mongo-events"]);
  const both = loadConfig([...bootstrap, "--cassandra", "127.0.0.1:9042"], env);
  assertEquals(choosePipelines(both.pipelines, both), [
    "mongo-readings",
    "mongo-events",
    "cassandra-aggregates",
  ]);
  const chosen = loadConfig([...bootstrap, "--pipelines", "embedded,mongo-events"], env);
  assertEquals(choosePipelines(chosen.pipelines, chosen), ["embedded", "mongo-events"]);
});

Deno.test("sinks options: one-line errors naming the flag", () => {
  const error = (args: string[]) => assertThrows(() => loadConfig(args), UsageError).message;
  assertEquals(
    error([]),
    '--bootstrap is required (or SINKS_BOOTSTRAP or "bootstrap" in --config)',
  );
  assertEquals(
    error([...bootstrap, "--linger-ms", "-1"]),
    "--linger-ms: must be at least 0, got -1",
  );
  assertEquals(
    error([...bootstrap, "--pipelines", "cassandra-aggregates"]),
    "pipeline cassandra-aggregates needs --cassandra (or SINKS_CASSANDRA)",
  );
  assertEquals(
    error([...bootstrap, "--cassandra", "a b"]),
    "--cassandra: expected HOST[:PORT][,HOST[:PORT]...]",
  );
});

Deno.test("redactUrl hides a URL's password", () => {
  assertEquals(redactUrl("mongodb://app:s3cr%40t@db:27017/iot"), "mongodb://app:***@db:27017/iot");
  assertEquals(redactUrl("mongodb+srv://app:pw@cluster/x"), "mongodb+srv://app:***@cluster/x");
  assertEquals(redactUrl("mongodb://db:27017/"), "mongodb://db:27017/");
});

Deno.test("sinks status: /status JSON and /metrics per pipeline", async () => {
  const source = {
    status: () =>
      Promise.resolve({
        ...emptyStats(),
        rowsWritten: 5,
        waitingForStore: true,
        pipeline: "sinks-embedded",
        store: "sqlite",
        lastWriteAgeMs: 1500,
        lag: 3,
        partitions: [{ topic: "t", partition: 0, committed: 2, high: 5, lag: 3 }],
      }),
  };
  const endpoint = { sources: [source], listKey: "pipelines", metrics: renderSinkMetrics };
  const status = await (await handleStatus(new Request("http://x/status"), endpoint)).json();
  assertEquals(status.pipelines[0].lag, 3);
  const metrics = await (await handleStatus(new Request("http://x/metrics"), endpoint)).text();
  for (
    const line of [
      'sinks_rows_written_total{pipeline="sinks-embedded",store="sqlite"} 5',
      'sinks_waiting_for_store{pipeline="sinks-embedded",store="sqlite"} 1',
      'sinks_last_write_age_seconds{pipeline="sinks-embedded",store="sqlite"} 1.5',
      'sinks_partition_lag{pipeline="sinks-embedded",topic="t",partition="0"} 3',
    ]
  ) assertEquals(metrics.includes(line), true, line);
});
