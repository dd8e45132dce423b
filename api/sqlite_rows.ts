/**
 * Row shapes of the embedded store and their conversion to API values.
 *
 * @module
 */
import type {
  Alert,
  ClimateReading,
  CommandStatusValue,
  DeviceCommand,
  VehiclePressureMax,
  VehiclePressureReading,
  WindowAggregate,
} from "@iot/events";
import type { AlertView, CommandView, DeadLetterView } from "./store.ts";

/** A row as node:sqlite returns it. */
export type Row = Record<string, unknown>;

const str = (v: unknown) => v as string;
const num = (v: unknown) => Number(v);
const strOrNull = (v: unknown) => (v === null || v === undefined ? null : String(v));
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** A `sensor_readings` row as a reading. */
export function readingOf(r: Row): ClimateReading {
  return {
    deviceId: str(r.device_id),
    ts: str(r.ts),
    temperature: num(r.temperature),
    humidity: num(r.humidity),
  };
}

/** A `sensor_aggregates` row as a window aggregate. */
export function aggregateOf(r: Row): WindowAggregate {
  return {
    deviceId: str(r.device_id),
    windowStart: str(r.window_start),
    windowEnd: str(r.window_end),
    count: num(r.count),
    temperature: { avg: num(r.temp_avg), min: num(r.temp_min), max: num(r.temp_max) },
    humidity: { avg: num(r.humidity_avg), min: num(r.humidity_min), max: num(r.humidity_max) },
  };
}

/** A collapsed alert row (see `SqliteStore.alerts`) as an alert view. */
export function alertViewOf(r: Row): AlertView {
  return {
    alertId: str(r.alert_id),
    deviceId: str(r.device_id),
    type: str(r.type),
    severity: str(r.severity) as Alert["severity"],
    value: num(r.value),
    threshold: num(r.threshold),
    windowStart: str(r.window_start),
    windowEnd: str(r.window_end),
    state: r.cleared_at ? "cleared" : "active",
    raisedAt: strOrNull(r.raised_at),
    clearedAt: strOrNull(r.cleared_at),
    ackedAt: strOrNull(r.acked_at),
    ackedBy: strOrNull(r.acked_by),
  } as AlertView;
}

/** A `device_commands` row and its `command_status` rows as a command view. */
export function commandViewOf(r: Row, statuses: Row[]): CommandView {
  const history = statuses.map((s) => ({
    status: str(s.status) as CommandStatusValue,
    ts: str(s.ts),
  }));
  return {
    commandId: str(r.command_id),
    deviceId: str(r.device_id),
    command: str(r.command) as DeviceCommand["command"],
    reason: str(r.reason),
    issuedAt: str(r.issued_at),
    expiresAt: str(r.expires_at),
    status: history.length ? history[history.length - 1].status : "pending",
    history,
  };
}

/** A `vehicle_pressure_max` row. */
export function vehicleMaxOf(r: Row): VehiclePressureMax {
  return {
    vehicleId: str(r.vehicle_id),
    sensorId: str(r.sensor_id),
    pressureMax: num(r.pressure_max),
    temperature: num(r.temperature),
    ts: str(r.ts),
  };
}

/** A `vehicle_pressure` row. */
export function vehicleReadingOf(r: Row): VehiclePressureReading {
  return {
    vehicleId: str(r.vehicle_id),
    sensorId: str(r.sensor_id),
    ts: str(r.ts),
    pressure: num(r.pressure),
    temperature: num(r.temperature),
  };
}

const PAYLOAD_PREVIEW = 4096;

/** The first 4 KiB of rejected bytes as text, invalid UTF-8 replaced. */
export function payloadText(payload: unknown): string {
  if (payload === null || payload === undefined) return "";
  const bytes = payload instanceof Uint8Array ? payload : new TextEncoder().encode(String(payload));
  return new TextDecoder().decode(bytes.subarray(0, PAYLOAD_PREVIEW));
}

/** A `dead_letter` row. */
export function deadLetterOf(r: Row): DeadLetterView {
  const ts = numOrNull(r.kafka_timestamp);
  return {
    topic: str(r.kafka_topic),
    partition: num(r.kafka_partition),
    offset: num(r.kafka_offset),
    timestamp: ts !== null && ts >= 0 ? new Date(ts).toISOString() : null,
    key: strOrNull(r.kafka_key),
    reason: str(r.reason),
    code: str(r.code),
    sourceTopic: strOrNull(r.source_topic),
    sourcePartition: numOrNull(r.source_partition),
    sourceOffset: numOrNull(r.source_offset),
    job: strOrNull(r.job),
    payload: payloadText(r.payload),
  };
}
