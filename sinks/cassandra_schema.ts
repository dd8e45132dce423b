/**
 * The Cassandra tables, defined once: the CQL the writer runs at start, the file
 * `schema/cassandra.cql` and the writer's inserts are all generated here.
 *
 * - `iot_avg_temperature_windowed`: the seed's table, kept as it was
 *   (`device_id, window_start, window_end, avg_temp`, one partition per device).
 * - `sensor_aggregates`: the full window aggregate (count and temperature/humidity avg/min/max),
 *   partitioned by `(device_id, day)` so one device's day of windows is one bounded partition
 *   (1 440 one-minute windows), clustered by `window_start`.
 * - `sensor_aggregates_by_window`: every device's aggregates by the hour of their window
 *   (`window_hour`), clustered by `(window_start, device_id)`: the API's cross-device window range
 *   reads one slice per hour instead of every device's partitions.
 * - `sensor_aggregates_by_ingest`: aggregates by the hour they were stored, clustered by a
 *   timeuuid the node assigns (`now()`): the live stream's resume order (two days' TTL).
 *
 * @module
 */
import { aggregateStatValues, cassandraLayout as C } from "@iot/events";
import { dayBucket } from "./keys.ts";
import type { SinkRecordOf } from "./record.ts";

/** The seed's keyspace name. */
export const DEFAULT_KEYSPACE = "iot_data";

/** Replication of a single-node development cluster; production passes its own. */
export const DEFAULT_REPLICATION = "{'class': 'SimpleStrategy', 'replication_factor': 1}";

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]{0,47}$/;

/** Throws a TypeError unless `keyspace` is a valid unquoted Cassandra identifier. */
export function checkKeyspace(keyspace: string): string {
  if (!IDENTIFIER.test(keyspace)) {
    throw new TypeError(`Keyspace must match ${IDENTIFIER}, got "${keyspace}"`);
  }
  return keyspace;
}

/** The `CREATE ... IF NOT EXISTS` statements, in order. */
export function cassandraDdl(
  keyspace: string = DEFAULT_KEYSPACE,
  replication: string = DEFAULT_REPLICATION,
): string[] {
  const ks = checkKeyspace(keyspace);
  return [
    `CREATE KEYSPACE IF NOT EXISTS ${ks}\n  WITH replication = ${replication};`,
    `CREATE TABLE IF NOT EXISTS ${ks}.iot_avg_temperature_windowed (
  device_id text,
  window_start timestamp,
  window_end timestamp,
  avg_temp double,
  PRIMARY KEY ((device_id), window_start)
) WITH CLUSTERING ORDER BY (window_start ASC);`,
    `CREATE TABLE IF NOT EXISTS ${ks}.sensor_aggregates (
  device_id text,
  day date,
  window_start timestamp,
${AGGREGATE_COLUMNS}
  PRIMARY KEY ((device_id, day), window_start)
) WITH CLUSTERING ORDER BY (window_start ASC);`,
    `CREATE TABLE IF NOT EXISTS ${ks}.${C.windowAggregatesByWindow.table} (
  window_hour timestamp,
  window_start timestamp,
  device_id text,
${AGGREGATE_COLUMNS}
  PRIMARY KEY ((window_hour), window_start, device_id)
) WITH CLUSTERING ORDER BY (window_start ASC, device_id ASC);`,
    `CREATE TABLE IF NOT EXISTS ${ks}.${C.windowAggregatesByIngest.table} (
  ingest_hour timestamp,
  ingested_at timeuuid,
  device_id text,
  window_start timestamp,
${AGGREGATE_COLUMNS}
  PRIMARY KEY ((ingest_hour), ingested_at)
) WITH CLUSTERING ORDER BY (ingested_at ASC) AND default_time_to_live = ${INGEST_TTL_S};`,
  ];
}

const AGGREGATE_COLUMNS = `  window_end timestamp,
  count int,
  temp_avg double,
  temp_min double,
  temp_max double,
  humidity_avg double,
  humidity_min double,
  humidity_max double,`;

/** How long the ingest-ordered copy is kept: live streams only read its last hours. */
const INGEST_TTL_S = 2 * 86_400;

/** The start of the `cassandraLayout.bucketMs` bucket holding `ms`. */
export function hourBucket(ms: number): Date {
  return new Date(Math.floor(ms / C.bucketMs) * C.bucketMs);
}

/** One prepared insert (an upsert in Cassandra) and the partition it writes. */
export interface CassandraInsert {
  /** The CQL with `?` markers. */
  readonly query: string;
  /** Bound values. */
  readonly params: unknown[];
  /** Table and partition key, for grouping statements of one partition. */
  readonly partition: string;
}

/** Turns a `YYYY-MM-DD` day into the driver's `date` value; given by the writer. */
export type DateCodec = (day: string) => unknown;

/**
 * The inserts that store one window aggregate: the seed's table, the full table, and the two
 * cross-device tables (by window hour, by storage time; `now` gives the storage hour).
 */
export function aggregateInserts(
  keyspace: string,
  record: SinkRecordOf<"window-aggregate">,
  toDate: DateCodec,
  now: () => number = Date.now,
): CassandraInsert[] {
  const a = record.value;
  const start = new Date(a.windowStart);
  const end = new Date(a.windowEnd);
  const day = dayBucket(a.windowStart);
  const values = [end, ...aggregateStatValues(a)];
  const ingestHour = hourBucket(now());
  return [
    {
      query: `INSERT INTO ${keyspace}.iot_avg_temperature_windowed ` +
        "(device_id, window_start, window_end, avg_temp) VALUES (?, ?, ?, ?)",
      params: [a.deviceId, start, end, a.temperature.avg],
      partition: JSON.stringify(["seed", a.deviceId]),
    },
    {
      query: insertOf(keyspace, C.windowAggregates),
      params: [a.deviceId, toDate(day), start, ...values],
      partition: JSON.stringify(["full", a.deviceId, day]),
    },
    {
      query: insertOf(keyspace, C.windowAggregatesByWindow),
      params: [hourBucket(start.getTime()), start, a.deviceId, ...values],
      partition: JSON.stringify(["window", hourBucket(start.getTime()).getTime()]),
    },
    {
      // The hour is the writer's clock, the timeuuid the node's: readers also read the hour
      // before, so a row written at an hour's edge is found either way.
      query: insertOf(keyspace, C.windowAggregatesByIngest).replace("?, ?,", "?, now(),"),
      params: [ingestHour, a.deviceId, start, ...values],
      partition: JSON.stringify(["ingest", ingestHour.getTime()]),
    },
  ];
}

function insertOf(keyspace: string, table: { table: string; columns: readonly string[] }): string {
  return `INSERT INTO ${keyspace}.${table.table} (${table.columns.join(", ")}) VALUES (${
    table.columns.map(() => "?").join(", ")
  })`;
}
