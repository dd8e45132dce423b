/**
 * Where the stores keep each kind of event: SQLite table and column names, MongoDB collection
 * names and Cassandra table names, shared by the apps that write them (`@iot/sinks`) and the app
 * that reads them (`@iot/api`), which may not import each other. Names only; types, keys and
 * indexes stay with the writer that creates the tables.
 *
 * `device_commands` is written by both: the sinks store the `device-commands` topic there (the
 * processor's shutdowns and the API's commands), and the API records a command it issues before
 * producing it. Alert acknowledgements (`alert_acks`) belong to the API alone.
 *
 * @module
 */
import type { WindowAggregate } from "./window_aggregate.ts";

/** One SQLite table: its name and its columns in order. */
export interface TableLayout {
  /** The table name. */
  readonly table: string;
  /** The column names, in order. */
  readonly columns: readonly string[];
}

const kafka = ["kafka_partition", "kafka_offset"] as const;

/**
 * The ingestion sequence column of the tables whose live streams resume by it (alerts, window
 * aggregates): the writer sets it to one more than the table's largest value each time it stores
 * or replaces a row, inside its write transaction, so a reader that saw sequence `n` finds every
 * later write, late event times included, above `n`.
 */
export const ingestSequenceColumn = "seq";

/** An aggregate's value columns, after its keys (every store's aggregate tables). */
const aggregateValues = [
  "window_end",
  "count",
  "temp_avg",
  "temp_min",
  "temp_max",
  "humidity_avg",
  "humidity_min",
  "humidity_max",
] as const;

/**
 * The values of an aggregate's `count`, `temp_*` and `humidity_*` columns, in order (after
 * `window_end`, whose type each store chooses).
 */
export function aggregateStatValues(a: WindowAggregate): number[] {
  const { temperature: t, humidity: h } = a;
  return [a.count, t.avg, t.min, t.max, h.avg, h.min, h.max];
}

/** The embedded store's (SQLite) tables, by what they hold. */
export const sqliteLayout = {
  /** `climate-reading` events. */
  climateReadings: {
    table: "sensor_readings",
    columns: ["device_id", "ts", "temperature", "humidity", ...kafka],
  },
  /** `vehicle-pressure-reading` events. */
  vehiclePressure: {
    table: "vehicle_pressure",
    columns: ["vehicle_id", "sensor_id", "ts", "pressure", "temperature", ...kafka],
  },
  /** `window-aggregate` events. */
  windowAggregates: {
    table: "sensor_aggregates",
    columns: ["device_id", "window_start", ...aggregateValues, ingestSequenceColumn],
  },
  /** `alert` events, one row per state an alert reached. */
  alerts: {
    table: "alerts",
    columns: [
      "alert_id",
      "state",
      "device_id",
      "type",
      "severity",
      "value",
      "threshold",
      "window_start",
      "window_end",
      "ts",
      ingestSequenceColumn,
    ],
  },
  /** `command-status` events, one row per status a command reached. */
  commandStatus: { table: "command_status", columns: ["command_id", "status", "device_id", "ts"] },
  /** `vehicle-pressure-max` events, one row per vehicle. */
  vehiclePressureMax: {
    table: "vehicle_pressure_max",
    columns: ["vehicle_id", "sensor_id", "pressure_max", "temperature", "ts", ...kafka],
  },
  /** Records of the `dead-letter` topic. */
  deadLetter: {
    table: "dead_letter",
    columns: [
      "kafka_topic",
      ...kafka,
      "kafka_timestamp",
      "kafka_key",
      "payload",
      "reason",
      "code",
      "source_topic",
      "source_partition",
      "source_offset",
      "job",
      "headers",
    ],
  },
  /** `device-command` events (sinks) and commands the API issued (API). */
  deviceCommands: {
    table: "device_commands",
    columns: [
      "command_id",
      "device_id",
      "command",
      "reason",
      "issued_at",
      "expires_at",
      "event_time",
    ],
  },
  /** Alert acknowledgements (written by the API). */
  alertAcks: { table: "alert_acks", columns: ["alert_id", "acked_at", "acked_by"] },
} as const satisfies Record<string, TableLayout>;

/**
 * The MongoDB collections, by what they hold. Documents keep the event's camelCase fields, with
 * timestamps as BSON dates and `kafkaPartition`/`kafkaOffset` where the record was read.
 */
export const mongoLayout = {
  /** `climate-reading` events. */
  climateReadings: "sensor_readings",
  /** `vehicle-pressure-reading` events. */
  vehiclePressure: "vehicle_pressure",
  /** `alert` events. */
  alerts: "alerts",
  /** `command-status` events. */
  commandStatus: "command_status",
  /** `vehicle-pressure-max` events. */
  vehiclePressureMax: "vehicle_pressure_max",
  /** Records of the `dead-letter` topic. */
  deadLetter: "dead_letter",
  /** `device-command` events (sinks) and commands the API issued (API). */
  deviceCommands: "device_commands",
  /** Alert acknowledgements (written by the API). */
  alertAcks: "alert_acks",
} as const;

/** The Cassandra tables (window aggregates), in keyspace {@linkcode cassandraLayout.keyspace}. */
export const cassandraLayout = {
  /** The default keyspace. */
  keyspace: "iot_data",
  /**
   * Width of the time buckets that partition the cross-device tables, in ms (one hour: 1,000
   * devices' one-minute windows make 60,000 rows per partition).
   */
  bucketMs: 3_600_000,
  /**
   * Every device's aggregates by window: partitioned by the hour of `window_start`
   * (`window_hour`), clustered by `(window_start, device_id)`, so a cross-device window range
   * reads the range's hour partitions in order, each one slice.
   */
  windowAggregatesByWindow: {
    table: "sensor_aggregates_by_window",
    columns: ["window_hour", "window_start", "device_id", ...aggregateValues],
  },
  /**
   * Aggregates by when they were stored (the live stream's resume order): partitioned by the
   * hour of storage (`ingest_hour`), clustered by `ingested_at`, a timeuuid the node assigns
   * (`now()`) when it stores the row; kept for two days (table TTL).
   */
  windowAggregatesByIngest: {
    table: "sensor_aggregates_by_ingest",
    columns: ["ingest_hour", "ingested_at", "device_id", "window_start", ...aggregateValues],
  },
  /** The full window aggregate, partitioned by `(device_id, day)`, clustered by `window_start`. */
  windowAggregates: {
    table: "sensor_aggregates",
    columns: ["device_id", "day", "window_start", ...aggregateValues],
  },
  /** The seed's table: average temperature per window. */
  seedAverages: {
    table: "iot_avg_temperature_windowed",
    columns: ["device_id", "window_start", "window_end", "avg_temp"],
  },
} as const;
