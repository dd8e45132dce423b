/**
 * Stored rows as API values, for every backend: the mappers take camelCase fields (MongoDB's
 * documents as they are; SQLite's and Cassandra's snake_case rows through {@linkcode camelRow} or
 * {@linkcode fromSnake}) with times as `Date` or ISO text, so each shape is mapped in one place.
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

/** A row or document as a driver returns it. */
export type Row = Record<string, unknown>;

const camelCache = new Map<string, string>();

/** `row` with its snake_case keys in camelCase (`temp_avg` → `tempAvg`). */
export function camelRow(row: Row): Row {
  const out: Row = {};
  for (const key in row) {
    let name = camelCache.get(key);
    if (name === undefined) {
      camelCache.set(key, name = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()));
    }
    out[name] = row[key];
  }
  return out;
}

/** `map` over a snake_case row. */
export function fromSnake<T>(map: (row: Row) => T): (row: Row) => T {
  return (row) => map(camelRow(row));
}

/** A stored time (a `Date` or ISO text) as ISO text. */
export const isoOf = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));
const isoOrNull = (v: unknown) => (v === null || v === undefined ? null : isoOf(v));
const str = (v: unknown) => String(v);
const num = (v: unknown) => Number(v);
const strOrNull = (v: unknown) => (v === null || v === undefined ? null : String(v));
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** A climate reading. */
export function readingOf(r: Row): ClimateReading {
  return {
    deviceId: str(r.deviceId),
    ts: isoOf(r.ts),
    temperature: num(r.temperature),
    humidity: num(r.humidity),
  };
}

/** A window aggregate (`tempAvg`… columns). */
export function aggregateOf(r: Row): WindowAggregate {
  return {
    deviceId: str(r.deviceId),
    windowStart: isoOf(r.windowStart),
    windowEnd: isoOf(r.windowEnd),
    count: num(r.count),
    temperature: { avg: num(r.tempAvg), min: num(r.tempMin), max: num(r.tempMax) },
    humidity: { avg: num(r.humidityAvg), min: num(r.humidityMin), max: num(r.humidityMax) },
  };
}

/**
 * An alert with `raisedAt`/`clearedAt` (the `ts` of its active and cleared events, either may
 * be null) and its acknowledgement (`ackedAt`, `ackedBy`).
 */
export function alertViewOf(r: Row): AlertView {
  return {
    alertId: str(r.alertId),
    deviceId: str(r.deviceId),
    type: str(r.type),
    severity: str(r.severity) as Alert["severity"],
    value: num(r.value),
    threshold: num(r.threshold),
    windowStart: isoOf(r.windowStart),
    windowEnd: isoOf(r.windowEnd),
    state: r.clearedAt ? "cleared" : "active",
    raisedAt: isoOrNull(r.raisedAt),
    clearedAt: isoOrNull(r.clearedAt),
    ackedAt: isoOrNull(r.ackedAt),
    ackedBy: strOrNull(r.ackedBy),
  };
}

/** A command the API issued and its status rows (`status`, `ts`), oldest first. */
export function commandViewOf(r: Row, statuses: Row[]): CommandView {
  const history = statuses.map((s) => ({
    status: str(s.status) as CommandStatusValue,
    ts: isoOf(s.ts),
  }));
  return {
    commandId: str(r.commandId),
    deviceId: str(r.deviceId),
    command: str(r.command) as DeviceCommand["command"],
    reason: str(r.reason),
    issuedAt: isoOf(r.issuedAt),
    expiresAt: isoOf(r.expiresAt),
    status: history.length ? history[history.length - 1].status : "pending",
    history,
  };
}

/** A vehicle's maximum pressure. */
export function vehicleMaxOf(r: Row): VehiclePressureMax {
  return {
    vehicleId: str(r.vehicleId),
    sensorId: str(r.sensorId),
    pressureMax: num(r.pressureMax),
    temperature: num(r.temperature),
    ts: isoOf(r.ts),
  };
}

/** A vehicle tyre reading. */
export function vehicleReadingOf(r: Row): VehiclePressureReading {
  return {
    vehicleId: str(r.vehicleId),
    sensorId: str(r.sensorId),
    ts: isoOf(r.ts),
    pressure: num(r.pressure),
    temperature: num(r.temperature),
  };
}

const PAYLOAD_PREVIEW = 4096;

/** The first 4 KiB of rejected bytes as text, invalid UTF-8 replaced. */
export function payloadText(payload: unknown): string {
  if (payload === null || payload === undefined) return "";
  // MongoDB returns a BSON Binary holding the bytes.
  const inner = (payload as { buffer?: unknown }).buffer;
  const bytes = payload instanceof Uint8Array
    ? payload
    : inner instanceof Uint8Array
    ? inner
    : new TextEncoder().encode(String(payload));
  return new TextDecoder().decode(bytes.subarray(0, PAYLOAD_PREVIEW));
}

/** A dead-letter record; `kafkaTimestamp` is a `Date` or epoch ms (negative: none). */
export function deadLetterOf(r: Row): DeadLetterView {
  const ts = r.kafkaTimestamp instanceof Date
    ? r.kafkaTimestamp.getTime()
    : numOrNull(r.kafkaTimestamp);
  return {
    topic: str(r.kafkaTopic),
    partition: num(r.kafkaPartition),
    offset: num(r.kafkaOffset),
    timestamp: ts !== null && ts >= 0 ? new Date(ts).toISOString() : null,
    key: strOrNull(r.kafkaKey),
    reason: str(r.reason),
    code: str(r.code),
    sourceTopic: strOrNull(r.sourceTopic),
    sourcePartition: numOrNull(r.sourcePartition),
    sourceOffset: numOrNull(r.sourceOffset),
    job: strOrNull(r.job),
    payload: payloadText(r.payload),
  };
}
