/**
 * The sink pipelines `main.ts` runs: which topics each consumes, into which store, and which
 * pipelines run by default.
 *
 * @module
 */
import type { Topics } from "@iot/events";
import { CassandraWriter } from "./cassandra_writer.ts";
import { LakeWriter } from "./lake/writer.ts";
import { MongoWriter } from "./mongo_writer.ts";
import type { PipelineName } from "./options.ts";
import type { SinkRoute } from "./runner.ts";
import { SqliteWriter } from "./sqlite_writer.ts";
import type { SinkWriter } from "./writer.ts";

/** Which topics each pipeline consumes (by topic id) and as what. */
export function pipelineRoutes(name: PipelineName, t: Topics): SinkRoute[] {
  const readings: SinkRoute[] = [
    { topic: t.sensorReadings, kind: "climate-reading" },
    { topic: t.vehiclePressure, kind: "vehicle-pressure-reading" },
  ];
  const events: SinkRoute[] = [
    { topic: t.alerts, kind: "alert" },
    { topic: t.deviceCommands, kind: "device-command" },
    { topic: t.commandStatus, kind: "command-status" },
    { topic: t.vehiclePressureMax, kind: "vehicle-pressure-max" },
    { topic: t.deadLetter, kind: "dead-letter" },
  ];
  const aggregates: SinkRoute[] = [{ topic: t.sensorAggregates, kind: "window-aggregate" }];
  switch (name) {
    case "mongo-readings":
      return readings;
    case "mongo-events":
      return events;
    case "cassandra-aggregates":
      return aggregates;
    case "embedded":
      return [...readings, ...aggregates, ...events];
    case "lake":
      return [...readings, ...aggregates];
  }
}

/** Where the stores are. */
export interface StoreSettings {
  /** The embedded store's file. */
  readonly sqlitePath: string;
  /** MongoDB URL, if any. */
  readonly mongoUrl?: string | undefined;
  /** MongoDB database. */
  readonly mongoDatabase: string;
  /** Cassandra contact points (`host:port,...`), if any. */
  readonly cassandra?: string | undefined;
  /** Cassandra keyspace. */
  readonly cassandraKeyspace: string;
  /** Cassandra local data center. */
  readonly cassandraLocalDc: string;
  /** The Delta Lake directory, if any. */
  readonly lakeDir?: string | undefined;
  /** Lake: target Parquet MB per commit. Default 64. */
  readonly lakeFileMb?: number;
  /** Lake: longest a buffered row waits for its commit (ms). Default 300 000. */
  readonly lakeRollMs?: number;
  /** Lake: most rows buffered per table. Default 2 000 000. */
  readonly lakeMaxRows?: number;
}

/**
 * The pipelines to run: `requested` when given, else those whose database is configured, else
 * `embedded` (so a development setup needs no server).
 *
 * @throws {TypeError} naming the missing flag, when a requested pipeline's database is not given.
 */
export function choosePipelines(
  requested: readonly PipelineName[] | undefined,
  stores: StoreSettings,
): PipelineName[] {
  const configured: PipelineName[] = [];
  if (stores.mongoUrl !== undefined) configured.push("mongo-readings", "mongo-events");
  if (stores.cassandra !== undefined) configured.push("cassandra-aggregates");
  if (stores.lakeDir !== undefined) configured.push("lake");
  const names = requested ?? (configured.length > 0 ? configured : ["embedded"]);
  for (const name of names) {
    if (name.startsWith("mongo-") && stores.mongoUrl === undefined) {
      throw new TypeError(`pipeline ${name} needs --mongo-url (or SINKS_MONGO_URL)`);
    }
    if (name === "cassandra-aggregates" && stores.cassandra === undefined) {
      throw new TypeError(`pipeline ${name} needs --cassandra (or SINKS_CASSANDRA)`);
    }
    if (name === "lake" && stores.lakeDir === undefined) {
      throw new TypeError(`pipeline lake needs --lake-dir (or SINKS_LAKE_DIR)`);
    }
  }
  return [...new Set(names)];
}

/** A new writer for pipeline `name`'s store (not connected until used). */
export function pipelineWriter(name: PipelineName, stores: StoreSettings): SinkWriter {
  switch (name) {
    case "mongo-readings":
    case "mongo-events":
      return new MongoWriter({
        url: stores.mongoUrl!,
        database: stores.mongoDatabase,
        kinds: name === "mongo-readings"
          ? ["climate-reading", "vehicle-pressure-reading"]
          : ["alert", "device-command", "command-status", "vehicle-pressure-max", "dead-letter"],
      });
    case "cassandra-aggregates":
      return new CassandraWriter({
        contactPoints: stores.cassandra!.split(","),
        keyspace: stores.cassandraKeyspace,
        localDataCenter: stores.cassandraLocalDc,
      });
    case "embedded":
      return new SqliteWriter({ path: stores.sqlitePath });
    case "lake":
      return new LakeWriter({
        dir: stores.lakeDir!,
        targetFileBytes: (stores.lakeFileMb ?? 64) << 20,
        rollMs: stores.lakeRollMs ?? 300_000,
        maxBufferedRows: stores.lakeMaxRows ?? 2_000_000,
      });
  }
}

/** `url` with its password (if any) replaced by `***`, for logs. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z+]+:\/\/[^:/@]*):[^@/]*@/i, "$1:***@");
}
