/**
 * The embedded store's tables, defined once: DDL, the schema file `schema/sqlite.sql` and the
 * writer's upserts are all generated from {@linkcode sqliteTables}.
 *
 * @module
 */
import { ingestSequenceColumn as SEQ } from "@iot/events";
import type { SinkKind, SinkRecordOf } from "./record.ts";

/** A value SQLite stores. */
export type SqlValue = string | number | null | Uint8Array;

/** One column: name, SQL type and how to read it from a record. */
export interface SqliteColumn<K extends SinkKind> {
  /** Column name. */
  readonly name: string;
  /** Declared type and constraints, e.g. `"REAL NOT NULL"`. */
  readonly type: string;
  /** The value to store for `record`. */
  readonly value: (record: SinkRecordOf<K>) => SqlValue;
}

/** One table and the kind of record it stores. */
export interface SqliteTable<K extends SinkKind> {
  /** The record kind. */
  readonly kind: K;
  /** Table name. */
  readonly name: string;
  /** Columns in order. */
  readonly columns: readonly SqliteColumn<K>[];
  /** The primary key: the record's natural key (see `keys.ts`). */
  readonly primaryKey: readonly string[];
  /** Secondary indexes: name and columns (per-device time-range queries). */
  readonly indexes: ReadonlyArray<readonly [string, readonly string[]]>;
  /**
   * A condition on the stored row (`stored.*`) and the new one (`excluded.*`) that must hold for
   * an upsert to replace a row; replaces always when absent.
   */
  readonly replaceWhen?: string;
  /**
   * Whether the table has the ingestion sequence column (`seq`, last): set by each upsert that
   * stores or replaces a row to one more than the table's largest, so live streams resume by it
   * (see `ingestSequenceColumn` in `@iot/events`).
   */
  readonly sequenced?: boolean;
}

const kafkaColumns = <K extends SinkKind>(): SqliteColumn<K>[] => [
  { name: "kafka_partition", type: "INTEGER NOT NULL", value: (r) => r.source.partition },
  { name: "kafka_offset", type: "INTEGER NOT NULL", value: (r) => r.source.offset },
];

/** Every table of the embedded store, by record kind. Timestamps are canonical ISO text. */
export const sqliteTables: { readonly [K in SinkKind]: SqliteTable<K> } = {
  "climate-reading": {
    kind: "climate-reading",
    name: "sensor_readings",
    columns: [
      { name: "device_id", type: "TEXT NOT NULL", value: (r) => r.value.deviceId },
      { name: "ts", type: "TEXT NOT NULL", value: (r) => r.value.ts },
      { name: "temperature", type: "REAL NOT NULL", value: (r) => r.value.temperature },
      { name: "humidity", type: "REAL NOT NULL", value: (r) => r.value.humidity },
      ...kafkaColumns<"climate-reading">(),
    ],
    primaryKey: ["device_id", "ts"],
    indexes: [],
  },
  "vehicle-pressure-reading": {
    kind: "vehicle-pressure-reading",
    name: "vehicle_pressure",
    columns: [
      { name: "vehicle_id", type: "TEXT NOT NULL", value: (r) => r.value.vehicleId },
      { name: "sensor_id", type: "TEXT NOT NULL", value: (r) => r.value.sensorId },
      { name: "ts", type: "TEXT NOT NULL", value: (r) => r.value.ts },
      { name: "pressure", type: "REAL NOT NULL", value: (r) => r.value.pressure },
      { name: "temperature", type: "REAL NOT NULL", value: (r) => r.value.temperature },
      ...kafkaColumns<"vehicle-pressure-reading">(),
    ],
    primaryKey: ["vehicle_id", "sensor_id", "ts"],
    indexes: [["vehicle_pressure_vehicle_ts", ["vehicle_id", "ts"]]],
  },
  "window-aggregate": {
    kind: "window-aggregate",
    name: "sensor_aggregates",
    columns: [
      { name: "device_id", type: "TEXT NOT NULL", value: (r) => r.value.deviceId },
      { name: "window_start", type: "TEXT NOT NULL", value: (r) => r.value.windowStart },
      { name: "window_end", type: "TEXT NOT NULL", value: (r) => r.value.windowEnd },
      { name: "count", type: "INTEGER NOT NULL", value: (r) => r.value.count },
      { name: "temp_avg", type: "REAL NOT NULL", value: (r) => r.value.temperature.avg },
      { name: "temp_min", type: "REAL NOT NULL", value: (r) => r.value.temperature.min },
      { name: "temp_max", type: "REAL NOT NULL", value: (r) => r.value.temperature.max },
      { name: "humidity_avg", type: "REAL NOT NULL", value: (r) => r.value.humidity.avg },
      { name: "humidity_min", type: "REAL NOT NULL", value: (r) => r.value.humidity.min },
      { name: "humidity_max", type: "REAL NOT NULL", value: (r) => r.value.humidity.max },
    ],
    primaryKey: ["device_id", "window_start"],
    indexes: [
      // The API's cross-device window range (`GET /aggregates`) reads in this order.
      ["sensor_aggregates_window", ["window_start", "device_id"]],
      ["sensor_aggregates_seq", [SEQ]],
    ],
    sequenced: true,
  },
  "alert": {
    kind: "alert",
    name: "alerts",
    columns: [
      { name: "alert_id", type: "TEXT NOT NULL", value: (r) => r.value.alertId },
      { name: "state", type: "TEXT NOT NULL", value: (r) => r.value.state },
      { name: "device_id", type: "TEXT NOT NULL", value: (r) => r.value.deviceId },
      { name: "type", type: "TEXT NOT NULL", value: (r) => r.value.type },
      { name: "severity", type: "TEXT NOT NULL", value: (r) => r.value.severity },
      { name: "value", type: "REAL NOT NULL", value: (r) => r.value.value },
      { name: "threshold", type: "REAL NOT NULL", value: (r) => r.value.threshold },
      { name: "window_start", type: "TEXT NOT NULL", value: (r) => r.value.windowStart },
      { name: "window_end", type: "TEXT NOT NULL", value: (r) => r.value.windowEnd },
      { name: "ts", type: "TEXT NOT NULL", value: (r) => r.value.ts },
    ],
    primaryKey: ["alert_id", "state"],
    indexes: [["alerts_device_ts", ["device_id", "ts"]], ["alerts_seq", [SEQ]]],
    sequenced: true,
  },
  // The API records the commands it issues in the same table before producing them; this row
  // (from the topic) is the same command, so both writers agree on every column.
  "device-command": {
    kind: "device-command",
    name: "device_commands",
    columns: [
      { name: "command_id", type: "TEXT NOT NULL", value: (r) => r.value.commandId },
      { name: "device_id", type: "TEXT NOT NULL", value: (r) => r.value.deviceId },
      { name: "command", type: "TEXT NOT NULL", value: (r) => r.value.command },
      { name: "reason", type: "TEXT NOT NULL", value: (r) => r.value.reason },
      { name: "issued_at", type: "TEXT NOT NULL", value: (r) => r.value.issuedAt },
      { name: "expires_at", type: "TEXT NOT NULL", value: (r) => r.value.expiresAt },
      { name: "event_time", type: "TEXT", value: (r) => r.value.eventTime ?? null },
    ],
    primaryKey: ["command_id"],
    indexes: [["device_commands_device", ["device_id", "issued_at"]]],
  },
  "command-status": {
    kind: "command-status",
    name: "command_status",
    columns: [
      { name: "command_id", type: "TEXT NOT NULL", value: (r) => r.value.commandId },
      { name: "status", type: "TEXT NOT NULL", value: (r) => r.value.status },
      { name: "device_id", type: "TEXT NOT NULL", value: (r) => r.value.deviceId },
      { name: "ts", type: "TEXT NOT NULL", value: (r) => r.value.ts },
    ],
    primaryKey: ["command_id", "status"],
    indexes: [["command_status_device_ts", ["device_id", "ts"]]],
  },
  "vehicle-pressure-max": {
    kind: "vehicle-pressure-max",
    name: "vehicle_pressure_max",
    columns: [
      { name: "vehicle_id", type: "TEXT NOT NULL", value: (r) => r.value.vehicleId },
      { name: "sensor_id", type: "TEXT NOT NULL", value: (r) => r.value.sensorId },
      { name: "pressure_max", type: "REAL NOT NULL", value: (r) => r.value.pressureMax },
      { name: "temperature", type: "REAL NOT NULL", value: (r) => r.value.temperature },
      { name: "ts", type: "TEXT NOT NULL", value: (r) => r.value.ts },
      ...kafkaColumns<"vehicle-pressure-max">(),
    ],
    primaryKey: ["vehicle_id"],
    indexes: [],
    // keys.ts replacesMax(): same partition and a later (or the same) offset, or another partition.
    replaceWhen: "excluded.kafka_partition <> stored.kafka_partition OR " +
      "excluded.kafka_offset >= stored.kafka_offset",
  },
  "dead-letter": {
    kind: "dead-letter",
    name: "dead_letter",
    columns: [
      { name: "kafka_topic", type: "TEXT NOT NULL", value: (r) => r.source.topic },
      ...kafkaColumns<"dead-letter">(),
      { name: "kafka_timestamp", type: "INTEGER NOT NULL", value: (r) => r.source.timestamp },
      { name: "kafka_key", type: "TEXT", value: (r) => r.source.key },
      { name: "payload", type: "BLOB NOT NULL", value: (r) => r.value.payload },
      { name: "reason", type: "TEXT NOT NULL", value: (r) => r.value.reason },
      { name: "code", type: "TEXT NOT NULL", value: (r) => r.value.code },
      { name: "source_topic", type: "TEXT", value: (r) => r.value.sourceTopic },
      { name: "source_partition", type: "INTEGER", value: (r) => r.value.sourcePartition },
      { name: "source_offset", type: "INTEGER", value: (r) => r.value.sourceOffset },
      { name: "job", type: "TEXT", value: (r) => r.value.job },
      {
        name: "headers",
        type: "TEXT NOT NULL",
        value: (r) => JSON.stringify(r.source.headers),
      },
    ],
    primaryKey: ["kafka_topic", "kafka_partition", "kafka_offset"],
    indexes: [["dead_letter_source", ["source_topic", "source_partition", "source_offset"]]],
  },
};

/**
 * The seed's `iot_avg_temperature_windowed` as a view of `sensor_aggregates`, so the embedded
 * store answers the seed's queries without a second copy of the data.
 */
const seedView = "CREATE VIEW IF NOT EXISTS iot_avg_temperature_windowed AS\n" +
  "  SELECT device_id, window_start, window_end, temp_avg AS avg_temp FROM sensor_aggregates;";

/** The ingestion sequence's declaration (0 for rows stored before the column existed). */
const SEQUENCE_COLUMN = `${SEQ} INTEGER NOT NULL DEFAULT 0`;

/** The `CREATE ... IF NOT EXISTS` statements of the embedded store, in order. */
export function sqliteDdl(): string[] {
  const statements: string[] = [];
  for (const table of Object.values(sqliteTables) as SqliteTable<SinkKind>[]) {
    const columns = table.columns.map((c) => `  ${c.name} ${c.type}`);
    if (table.sequenced) columns.push(`  ${SEQUENCE_COLUMN}`);
    columns.push(`  PRIMARY KEY (${table.primaryKey.join(", ")})`);
    statements.push(
      `CREATE TABLE IF NOT EXISTS ${table.name} (\n${columns.join(",\n")}\n) WITHOUT ROWID;`,
    );
    for (const [name, cols] of table.indexes) {
      statements.push(`CREATE INDEX IF NOT EXISTS ${name} ON ${table.name} (${cols.join(", ")});`);
    }
  }
  statements.push(seedView);
  return statements;
}

/**
 * The `ALTER TABLE ... ADD COLUMN` statements that bring a table made by an older version up to
 * date, given the names of its current columns (none when it does not exist; SQLite has no
 * `ADD COLUMN IF NOT EXISTS`): each nullable column it lacks, and the ingestion sequence. A kept
 * store (a second `deno task dev`) so takes the new columns.
 */
export function sqliteMigrations(
  table: SqliteTable<SinkKind>,
  existing: ReadonlySet<string>,
): string[] {
  if (existing.size === 0) return [];
  const statements: string[] = [];
  for (const c of table.columns) {
    if (existing.has(c.name) || c.type.includes("NOT NULL")) continue;
    statements.push(`ALTER TABLE ${table.name} ADD COLUMN ${c.name} ${c.type};`);
  }
  if (table.sequenced && !existing.has(SEQ)) {
    statements.push(`ALTER TABLE ${table.name} ADD COLUMN ${SEQUENCE_COLUMN};`);
  }
  return statements;
}

/** The idempotent upsert of one row of `table`; `changes` is 0 when the row was superseded. */
export function sqliteUpsert(table: SqliteTable<SinkKind>): string {
  const names = table.columns.map((c) => c.name);
  const values = names.map(() => "?");
  if (table.sequenced) {
    // Evaluated per row inside the writer's transaction (which holds the write lock): one more
    // than any committed or earlier row, found by the index on the column.
    names.push(SEQ);
    values.push(`(SELECT COALESCE(MAX(${SEQ}), 0) + 1 FROM ${table.name})`);
  }
  const insert = `INSERT INTO ${table.name} AS stored (${names.join(", ")}) VALUES (${
    values.join(", ")
  })`;
  const keys = new Set(table.primaryKey);
  const updates = names.filter((n) => !keys.has(n)).map((n) => `${n} = excluded.${n}`);
  const where = table.replaceWhen ? ` WHERE ${table.replaceWhen}` : "";
  return `${insert} ON CONFLICT (${table.primaryKey.join(", ")}) DO UPDATE SET ${
    updates.join(", ")
  }${where}`;
}
