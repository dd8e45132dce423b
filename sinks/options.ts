/**
 * The sinks' options, declared once: `main.ts` parses them (flags > `SINKS_*` env > `--config`
 * file > defaults), `--help` is generated from them.
 *
 * @module
 */
import { topicIds } from "@iot/events";
import { defineCli, integerOption, listOption, mapOption, stringOption } from "@iot/service";
import { z } from "zod";

/** The pipelines `main.ts` can run. */
export const pipelineNames = [
  "mongo-readings",
  "mongo-events",
  "cassandra-aggregates",
  "embedded",
  "lake",
] as const;

/** One pipeline's name. */
export type PipelineName = typeof pipelineNames[number];

const id = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "letters, digits, . _ - only");
const hostPorts = z.string().regex(
  /^[^\s,:]+(:\d{1,5})?(,[^\s,:]+(:\d{1,5})?)*$/,
  "expected HOST[:PORT][,HOST[:PORT]...]",
);
const mongoUrl = z.string().regex(/^mongodb(\+srv)?:\/\/\S+$/, "expected a mongodb:// URL");
const ms = (doc: string, value: number, min = 1) =>
  integerOption({ doc, default: value, min, value: "MS" });

/** The sinks' command line; the keys are also the `--config` file's keys. */
export const sinksCli = defineCli({
  name: "sinks",
  usage: "deno task sinks --bootstrap HOST:PORT [--mongo-url URL] [--cassandra HOST:PORT] [flags]",
  summary: "Writes the platform's topics into MongoDB, Cassandra and an embedded SQLite file, " +
    "effectively exactly-once (idempotent writes, offsets committed after the write).",
  prefix: "SINKS",
  options: {
    bootstrap: stringOption({
      doc: "Kafka bootstrap servers",
      value: "HOST:PORT",
      required: true,
      group: "Kafka",
    }),
    groupPrefix: stringOption({
      doc: "consumer groups are <P>-<pipeline>",
      value: "P",
      default: "sinks",
      schema: id,
    }),
    topics: mapOption(topicIds, { doc: "rename a topic", flag: "topic", value: "ID=NAME" }),
    kafkaProperties: stringOption({
      doc: "file of extra librdkafka properties (key=value lines) for every Kafka client, e.g. " +
        "security.protocol=SASL_SSL, sasl.mechanisms, sasl.username, sasl.password, ssl.ca.location",
      value: "FILE",
      defaultText: "none",
    }),
    kafkaWaitMs: ms("wait this long for Kafka at start before giving up", 60_000, 0),
    sessionTimeoutMs: ms(
      "consumer group session timeout: how soon a crashed instance's partitions move",
      45_000,
    ),
    pipelines: listOption(pipelineNames, {
      doc: "pipelines to run",
      defaultText: "embedded when no database is given, else those whose database is given",
      group: "Pipelines and stores",
    }),
    sqlitePath: stringOption({
      doc: "the embedded store's SQLite file",
      value: "FILE",
      default: "./data/sinks/iot.db",
    }),
    stateDir: stringOption({
      doc: "locked while running (one sinks process per embedded store)",
      value: "DIR",
      defaultText: "the directory of --sqlite-path",
    }),
    mongoUrl: stringOption({
      doc: "MongoDB URL (a password in it is never logged; prefer SINKS_MONGO_URL)",
      value: "URL",
      schema: mongoUrl,
    }),
    mongoDatabase: stringOption({ doc: "MongoDB database", value: "NAME", default: "iot" }),
    cassandra: stringOption({
      doc: "Cassandra contact points",
      value: "HOST:PORT,...",
      schema: hostPorts,
    }),
    cassandraKeyspace: stringOption({
      doc: "Cassandra keyspace",
      value: "NAME",
      default: "iot_data",
      schema: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,47}$/, "a Cassandra identifier"),
    }),
    cassandraLocalDc: stringOption({
      doc: "Cassandra local data center",
      value: "NAME",
      default: "datacenter1",
    }),
    lakeDir: stringOption({
      doc: "Delta Lake directory: tables sensor_readings, vehicle_pressure, sensor_aggregates",
      value: "DIR",
    }),
    lakeFileMb: integerOption({
      doc: "lake: commit a table once its buffered rows make about this many MB of Parquet",
      default: 64,
      min: 1,
      value: "MB",
    }),
    lakeRollMs: ms("lake: commit a table once its oldest buffered row is this old", 300_000, 0),
    lakeMaxRows: integerOption({
      doc: "lake: commit a table at this many buffered rows (bounds memory: ~100 B a row)",
      default: 2_000_000,
      min: 1,
      value: "N",
    }),
    batchSize: integerOption({
      doc: "records per write, at most",
      default: 1000,
      min: 1,
      group: "Batching and retries",
    }),
    lingerMs: ms("how long a partial batch waits for more records", 500, 0),
    retryMs: ms("first retry delay while a store is unavailable (doubles)", 500),
    maxRetryMs: ms("longest retry delay", 30_000),
    statusPort: integerOption({
      doc: "HTTP /status, /metrics, /healthz; 0 = any free port",
      default: 9471,
      min: 0,
      max: 65535,
      group: "Status",
    }),
    statusHost: stringOption({
      doc: "interface of the status port (0.0.0.0 in a container, for Prometheus)",
      value: "ADDR",
      default: "127.0.0.1",
    }),
  },
});
