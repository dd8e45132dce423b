/**
 * Reads the embedded store back as record values, for the contract suite.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { joinKey } from "./keys.ts";
import type { SinkKind } from "./record.ts";
import { sqliteTables } from "./sqlite_schema.ts";

type Row = Record<string, unknown>;

const toValue: { [K in SinkKind]: (r: Row) => [string[], unknown] } = {
  "climate-reading": (r) => [[r.device_id, r.ts] as string[], {
    deviceId: r.device_id,
    ts: r.ts,
    temperature: r.temperature,
    humidity: r.humidity,
  }],
  "vehicle-pressure-reading": (r) => [[r.vehicle_id, r.sensor_id, r.ts] as string[], {
    vehicleId: r.vehicle_id,
    sensorId: r.sensor_id,
    ts: r.ts,
    pressure: r.pressure,
    temperature: r.temperature,
  }],
  "window-aggregate": (r) => [[r.device_id, r.window_start] as string[], {
    deviceId: r.device_id,
    windowStart: r.window_start,
    windowEnd: r.window_end,
    count: r.count,
    temperature: { avg: r.temp_avg, min: r.temp_min, max: r.temp_max },
    humidity: { avg: r.humidity_avg, min: r.humidity_min, max: r.humidity_max },
  }],
  "alert": (r) => [[r.alert_id, r.state] as string[], {
    alertId: r.alert_id,
    deviceId: r.device_id,
    type: r.type,
    severity: r.severity,
    state: r.state,
    value: r.value,
    threshold: r.threshold,
    windowStart: r.window_start,
    windowEnd: r.window_end,
    ts: r.ts,
  }],
  "device-command": (r) => [[r.command_id] as string[], {
    commandId: r.command_id,
    deviceId: r.device_id,
    command: r.command,
    reason: r.reason,
    issuedAt: r.issued_at,
    expiresAt: r.expires_at,
    ...(r.event_time !== null ? { eventTime: r.event_time } : {}),
  }],
  "command-status": (r) => [[r.command_id, r.status] as string[], {
    commandId: r.command_id,
    deviceId: r.device_id,
    status: r.status,
    ts: r.ts,
  }],
  "vehicle-pressure-max": (r) => [[r.vehicle_id] as string[], {
    vehicleId: r.vehicle_id,
    sensorId: r.sensor_id,
    pressureMax: r.pressure_max,
    temperature: r.temperature,
    ts: r.ts,
  }],
  "dead-letter": (r) => [[r.kafka_topic, r.kafka_partition, r.kafka_offset] as string[], {
    payload: new Uint8Array(r.payload as Uint8Array),
    reason: r.reason,
    code: r.code,
    sourceTopic: r.source_topic,
    sourcePartition: r.source_partition,
    sourceOffset: r.source_offset,
    job: r.job,
  }],
};

/** Every row of `kind` in the file at `path`, as record values by row id. */
export function readSqlite(path: string, kind: SinkKind): Map<string, unknown> {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const rows = db.prepare(`SELECT * FROM ${sqliteTables[kind].name}`).all() as Row[];
    const vehicleMax = kind === "vehicle-pressure-max";
    return new Map(rows.map((row) => {
      const [key, value] = toValue[kind](row);
      return [vehicleMax ? key[0] : joinKey(key), value];
    }));
  } finally {
    db.close();
  }
}
