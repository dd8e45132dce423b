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

/** One SQLite table: its name and its columns in order. */
export interface TableLayout {
  /** The table name. */
  readonly table: string;
  /** The column names, in order. */
  readonly columns: readonly string[];
}

const kafka = ["kafka_partition", "kafka_offset"] as const;

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
    columns: [
      "device_id",
      "window_start",
      "window_end",
      "count",
      "temp_avg",
      "temp_min",
      "temp_max",
      "humidity_avg",
      "humidity_min",
      "humidity_max",
    ],
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
  /** The full window aggregate, partitioned by `(device_id, day)`, clustered by `window_start`. */
  windowAggregates: {
    table: "sensor_aggregates",
    columns: [
      "device_id",
      "day",
      "window_start",
      "window_end",
      "count",
      "temp_avg",
      "temp_min",
      "temp_max",
      "humidity_avg",
      "humidity_min",
      "humidity_max",
    ],
  },
  /** The seed's table: average temperature per window. */
  seedAverages: {
    table: "iot_avg_temperature_windowed",
    columns: ["device_id", "window_start", "window_end", "avg_temp"],
  },
} as const;
