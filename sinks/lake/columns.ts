/**
 * The lake's tables, declared once: which kind of record each holds, its columns (named like the
 * embedded store's, `@iot/events` `sqliteLayout`), their Delta types, and the event time that
 * picks the Hive-style `date=YYYY-MM-DD/hour=H/` partition.
 *
 * @module
 */
import type { SinkKind, SinkRecord } from "../record.ts";

/** A Delta primitive type used by the lake's columns. */
export type DeltaType = "string" | "timestamp" | "double" | "long" | "integer" | "date";

/** A cell before encoding: timestamps are ms since the epoch. */
export type Cell = string | number | null;

/** One column of a lake table. */
export interface LakeColumn {
  /** Column name (snake_case). */
  readonly name: string;
  /** Its Delta type. */
  readonly type: DeltaType;
  /**
   * Added to the table only when a record first carries it (schema evolution: a metaData update
   * adds it as a nullable column; files written before read it as null).
   */
  readonly optional?: boolean;
  /** The cell of `record` (a value of the table's kind); null when absent. */
  readonly get: (record: SinkRecord) => Cell;
}

/** One lake table. */
export interface LakeTableDef {
  /** Folder under the lake directory and table name. */
  readonly name: string;
  /** The kind of record it holds. */
  readonly kind: SinkKind;
  /** Columns in order; `optional` ones only once seen. */
  readonly columns: readonly LakeColumn[];
  /** The record's event time (ISO-8601 UTC), which picks its partition. */
  readonly eventTime: (record: SinkRecord) => string;
}

/** The partition columns of every lake table, in order. */
export const partitionColumns = ["date", "hour"] as const;

// deno-lint-ignore no-explicit-any
type Any = any;
const v = (record: SinkRecord): Any => record.value;
const ms = (iso: string): number => Date.parse(iso);
const kafka: LakeColumn[] = [
  { name: "kafka_partition", type: "integer", get: (r) => r.source.partition },
  { name: "kafka_offset", type: "long", get: (r) => r.source.offset },
];

/** The lake's tables: raw readings of both fleets and the window aggregates. */
export const lakeTables: readonly LakeTableDef[] = Object.freeze([
  {
    name: "sensor_readings",
    kind: "climate-reading",
    columns: [
      { name: "device_id", type: "string", get: (r) => v(r).deviceId },
      { name: "ts", type: "timestamp", get: (r) => ms(v(r).ts) },
      { name: "temperature", type: "double", get: (r) => v(r).temperature },
      { name: "humidity", type: "double", get: (r) => v(r).humidity },
      ...kafka,
      { name: "battery", type: "double", optional: true, get: (r) => v(r).battery ?? null },
    ],
    eventTime: (r) => v(r).ts,
  },
  {
    name: "vehicle_pressure",
    kind: "vehicle-pressure-reading",
    columns: [
      { name: "vehicle_id", type: "string", get: (r) => v(r).vehicleId },
      { name: "sensor_id", type: "string", get: (r) => v(r).sensorId },
      { name: "ts", type: "timestamp", get: (r) => ms(v(r).ts) },
      { name: "pressure", type: "double", get: (r) => v(r).pressure },
      { name: "temperature", type: "double", get: (r) => v(r).temperature },
      ...kafka,
    ],
    eventTime: (r) => v(r).ts,
  },
  {
    name: "sensor_aggregates",
    kind: "window-aggregate",
    columns: [
      { name: "device_id", type: "string", get: (r) => v(r).deviceId },
      { name: "window_start", type: "timestamp", get: (r) => ms(v(r).windowStart) },
      { name: "window_end", type: "timestamp", get: (r) => ms(v(r).windowEnd) },
      { name: "count", type: "long", get: (r) => v(r).count },
      { name: "temp_avg", type: "double", get: (r) => v(r).temperature.avg },
      { name: "temp_min", type: "double", get: (r) => v(r).temperature.min },
      { name: "temp_max", type: "double", get: (r) => v(r).temperature.max },
      { name: "humidity_avg", type: "double", get: (r) => v(r).humidity.avg },
      { name: "humidity_min", type: "double", get: (r) => v(r).humidity.min },
      { name: "humidity_max", type: "double", get: (r) => v(r).humidity.max },
      ...kafka,
    ],
    eventTime: (r) => v(r).windowStart,
  },
]);

/** The table definition holding `kind`, if any. */
export function tableFor(kind: SinkKind): LakeTableDef | undefined {
  return lakeTables.find((t) => t.kind === kind);
}

/**
 * The partition (`date`, `hour`) of an event time, or a one-line reason when it has none: Delta
 * dates hold years 0001 to 9999 only.
 */
export function partitionOf(iso: string): { date: string; hour: number } | string {
  // Fast path for canonical event times (all of them, after decoding): one lookup per hour.
  if (canonical.test(iso)) {
    const key = iso.slice(0, 13);
    let hit = hours.get(key);
    if (hit === undefined) {
      if (hours.size > 10_000) hours.clear();
      hours.set(key, hit = { date: iso.slice(0, 10), hour: Number(iso.slice(11, 13)) });
    }
    return hit;
  }
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return `event time ${JSON.stringify(iso)} is not a timestamp`;
  const d = new Date(t);
  const year = d.getUTCFullYear();
  if (year < 1 || year > 9999) return `event time ${iso} is outside years 0001-9999`;
  return { date: d.toISOString().slice(0, 10), hour: d.getUTCHours() };
}

const canonical =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;
const hours = new Map<string, { date: string; hour: number }>();

/** The Delta `schemaString` of `columns` plus the partition columns. */
export function schemaString(columns: readonly LakeColumn[]): string {
  // Every column nullable, as Spark writes them: old files lack columns added later.
  const field = (name: string, type: DeltaType) => ({ name, type, nullable: true, metadata: {} });
  return JSON.stringify({
    type: "struct",
    fields: [
      ...columns.map((c) => field(c.name, c.type)),
      field("date", "date"),
      field("hour", "integer"),
    ],
  });
}

/** The column names in a Delta `schemaString` (partition columns excluded). */
export function columnsIn(schema: string): string[] {
  const parsed = JSON.parse(schema) as { fields: { name: string }[] };
  const partitions: readonly string[] = partitionColumns;
  return parsed.fields.map((f) => f.name).filter((n) => !partitions.includes(n));
}
