-- Generated from sinks/sqlite_schema.ts; edit that file, then run
-- `deno task sinks:schema --write-files`. The writers apply it at start (idempotent).

CREATE TABLE IF NOT EXISTS sensor_readings (
  device_id TEXT NOT NULL,
  ts TEXT NOT NULL,
  temperature REAL NOT NULL,
  humidity REAL NOT NULL,
  kafka_partition INTEGER NOT NULL,
  kafka_offset INTEGER NOT NULL,
  PRIMARY KEY (device_id, ts)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS vehicle_pressure (
  vehicle_id TEXT NOT NULL,
  sensor_id TEXT NOT NULL,
  ts TEXT NOT NULL,
  pressure REAL NOT NULL,
  temperature REAL NOT NULL,
  kafka_partition INTEGER NOT NULL,
  kafka_offset INTEGER NOT NULL,
  PRIMARY KEY (vehicle_id, sensor_id, ts)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS vehicle_pressure_vehicle_ts ON vehicle_pressure (vehicle_id, ts);

CREATE TABLE IF NOT EXISTS sensor_aggregates (
  device_id TEXT NOT NULL,
  window_start TEXT NOT NULL,
  window_end TEXT NOT NULL,
  count INTEGER NOT NULL,
  temp_avg REAL NOT NULL,
  temp_min REAL NOT NULL,
  temp_max REAL NOT NULL,
  humidity_avg REAL NOT NULL,
  humidity_min REAL NOT NULL,
  humidity_max REAL NOT NULL,
  seq INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (device_id, window_start)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS sensor_aggregates_window ON sensor_aggregates (window_start, device_id);

CREATE INDEX IF NOT EXISTS sensor_aggregates_seq ON sensor_aggregates (seq);

CREATE TABLE IF NOT EXISTS alerts (
  alert_id TEXT NOT NULL,
  state TEXT NOT NULL,
  device_id TEXT NOT NULL,
  type TEXT NOT NULL,
  severity TEXT NOT NULL,
  value REAL NOT NULL,
  threshold REAL NOT NULL,
  window_start TEXT NOT NULL,
  window_end TEXT NOT NULL,
  ts TEXT NOT NULL,
  seq INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (alert_id, state)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS alerts_device_ts ON alerts (device_id, ts);

CREATE INDEX IF NOT EXISTS alerts_seq ON alerts (seq);

CREATE TABLE IF NOT EXISTS device_commands (
  command_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  command TEXT NOT NULL,
  reason TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  event_time TEXT,
  PRIMARY KEY (command_id)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS device_commands_device ON device_commands (device_id, issued_at);

CREATE TABLE IF NOT EXISTS command_status (
  command_id TEXT NOT NULL,
  status TEXT NOT NULL,
  device_id TEXT NOT NULL,
  ts TEXT NOT NULL,
  PRIMARY KEY (command_id, status)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS command_status_device_ts ON command_status (device_id, ts);

CREATE TABLE IF NOT EXISTS vehicle_pressure_max (
  vehicle_id TEXT NOT NULL,
  sensor_id TEXT NOT NULL,
  pressure_max REAL NOT NULL,
  temperature REAL NOT NULL,
  ts TEXT NOT NULL,
  kafka_partition INTEGER NOT NULL,
  kafka_offset INTEGER NOT NULL,
  PRIMARY KEY (vehicle_id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS dead_letter (
  kafka_topic TEXT NOT NULL,
  kafka_partition INTEGER NOT NULL,
  kafka_offset INTEGER NOT NULL,
  kafka_timestamp INTEGER NOT NULL,
  kafka_key TEXT,
  payload BLOB NOT NULL,
  reason TEXT NOT NULL,
  code TEXT NOT NULL,
  source_topic TEXT,
  source_partition INTEGER,
  source_offset INTEGER,
  job TEXT,
  headers TEXT NOT NULL,
  PRIMARY KEY (kafka_topic, kafka_partition, kafka_offset)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS dead_letter_source ON dead_letter (source_topic, source_partition, source_offset);

CREATE VIEW IF NOT EXISTS iot_avg_temperature_windowed AS
  SELECT device_id, window_start, window_end, temp_avg AS avg_temp FROM sensor_aggregates;
