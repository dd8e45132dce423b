/**
 * Reads Cassandra's aggregate tables back as record values, for the contract suite.
 *
 * @module
 */
import type cassandra from "cassandra-driver";
import { joinKey } from "./keys.ts";

const iso = (d: unknown) => (d as Date).toISOString();

/** Every row of `sensor_aggregates` in `keyspace`, as window aggregates by row id. */
export async function readAggregates(
  client: cassandra.Client,
  keyspace: string,
): Promise<Map<string, unknown>> {
  // Every page: a result holds one page (5 000 rows by default); iterating fetches the rest.
  const rows = [];
  for await (const row of await client.execute(`SELECT * FROM ${keyspace}.sensor_aggregates`)) {
    rows.push(row);
  }
  return new Map(rows.map((r) => [joinKey([r.device_id, iso(r.window_start)]), {
    deviceId: r.device_id,
    windowStart: iso(r.window_start),
    windowEnd: iso(r.window_end),
    count: r.count,
    temperature: { avg: r.temp_avg, min: r.temp_min, max: r.temp_max },
    humidity: { avg: r.humidity_avg, min: r.humidity_min, max: r.humidity_max },
  }]));
}

/** Every row of the seed's `iot_avg_temperature_windowed`, as plain objects sorted by key. */
export async function readSeedTable(
  client: cassandra.Client,
  keyspace: string,
): Promise<Array<Record<string, unknown>>> {
  const rows = [];
  const query = `SELECT * FROM ${keyspace}.iot_avg_temperature_windowed`;
  for await (const row of await client.execute(query)) rows.push(row);
  return rows.map((r) => ({
    deviceId: r.device_id,
    windowStart: iso(r.window_start),
    windowEnd: iso(r.window_end),
    avgTemp: r.avg_temp,
  })).sort((a, b) =>
    joinKey([a.deviceId, a.windowStart]) < joinKey([b.deviceId, b.windowStart]) ? -1 : 1
  );
}
