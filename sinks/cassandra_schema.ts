/**
 * The Cassandra tables, defined once: the CQL the writer runs at start, the file
 * `schema/cassandra.cql` and the writer's inserts are all generated here.
 *
 * - `iot_avg_temperature_windowed`: the seed's table, kept as it was
 *   (`device_id, window_start, window_end, avg_temp`, one partition per device).
 * - `sensor_aggregates`: the full window aggregate (count and temperature/humidity avg/min/max),
 *   partitioned by `(device_id, day)` so one device's day of windows is one bounded partition
 *   (1 440 one-minute windows), clustered by `window_start`.
 *
 * @module
 */
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
  window_end timestamp,
  count int,
  temp_avg double,
  temp_min double,
  temp_max double,
  humidity_avg double,
  humidity_min double,
  humidity_max double,
  PRIMARY KEY ((device_id, day), window_start)
) WITH CLUSTERING ORDER BY (window_start ASC);`,
  ];
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

/** The inserts that store one window aggregate: the seed's table and the full table. */
export function aggregateInserts(
  keyspace: string,
  record: SinkRecordOf<"window-aggregate">,
  toDate: DateCodec,
): CassandraInsert[] {
  const a = record.value;
  const start = new Date(a.windowStart);
  const end = new Date(a.windowEnd);
  const day = dayBucket(a.windowStart);
  return [
    {
      query: `INSERT INTO ${keyspace}.iot_avg_temperature_windowed ` +
        "(device_id, window_start, window_end, avg_temp) VALUES (?, ?, ?, ?)",
      params: [a.deviceId, start, end, a.temperature.avg],
      partition: JSON.stringify(["seed", a.deviceId]),
    },
    {
      query: `INSERT INTO ${keyspace}.sensor_aggregates (device_id, day, window_start, ` +
        "window_end, count, temp_avg, temp_min, temp_max, humidity_avg, humidity_min, " +
        "humidity_max) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      params: [
        a.deviceId,
        toDate(day),
        start,
        end,
        a.count,
        a.temperature.avg,
        a.temperature.min,
        a.temperature.max,
        a.humidity.avg,
        a.humidity.min,
        a.humidity.max,
      ],
      partition: JSON.stringify(["full", a.deviceId, day]),
    },
  ];
}
