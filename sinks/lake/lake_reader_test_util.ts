/**
 * Reads a lake table back for tests with the writer's own log replay and `npm:hyparquet` (the
 * unit tests' reader; the integration tests read with delta-rs and DuckDB instead).
 *
 * @module
 */
import { join } from "node:path";
import { parquetReadObjects } from "hyparquet";
import type { SinkKind } from "../record.ts";
import { loadSnapshot } from "./delta_log.ts";

/** One row as stored: columns by name, plus the partition values `date` and `hour`. */
export type LakeRow = Record<string, unknown>;

/** Every row of the table at `root` (live files of its newest version). */
export async function readLakeTable(root: string): Promise<LakeRow[]> {
  const snapshot = await loadSnapshot(root);
  const rows: LakeRow[] = [];
  for (const add of snapshot.files.values()) {
    const bytes = await Deno.readFile(join(root, add.path));
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const objects = await parquetReadObjects({ file: file as ArrayBuffer });
    for (const o of objects) rows.push({ ...o, ...add.partitionValues });
  }
  return rows;
}

const iso = (t: unknown) =>
  new Date(t instanceof Date ? t.getTime() : Number(t) / (typeof t === "bigint" ? 1000 : 1))
    .toISOString();
const num = (n: unknown) => Number(n);

/** The event value a row of `kind` was written from (optional fields only when non-null). */
export function valueOfRow(kind: SinkKind, row: LakeRow): unknown {
  switch (kind) {
    case "climate-reading":
      return {
        deviceId: row.device_id,
        ts: iso(row.ts),
        temperature: row.temperature,
        humidity: row.humidity,
        ...(row.battery !== null && row.battery !== undefined ? { battery: row.battery } : {}),
      };
    case "vehicle-pressure-reading":
      return {
        vehicleId: row.vehicle_id,
        sensorId: row.sensor_id,
        ts: iso(row.ts),
        pressure: row.pressure,
        temperature: row.temperature,
      };
    case "window-aggregate":
      return {
        deviceId: row.device_id,
        windowStart: iso(row.window_start),
        windowEnd: iso(row.window_end),
        count: num(row.count),
        temperature: { avg: row.temp_avg, min: row.temp_min, max: row.temp_max },
        humidity: { avg: row.humidity_avg, min: row.humidity_min, max: row.humidity_max },
      };
    default:
      throw new TypeError(`the lake holds no ${kind} records`);
  }
}
