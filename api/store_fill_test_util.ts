/**
 * Fills a store the way the sinks would, for route tests: direct inserts that follow the shared
 * layout of `@iot/events` (`store_layout.ts`). The API may not import `@iot/sinks`, so the SQLite
 * tables are created from the sinks' rendered schema file, `sinks/schema/sqlite.sql`.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import {
  aggregateStatValues,
  type Alert,
  type ClimateReading,
  type CommandStatus,
  ingestSequenceColumn as SEQ,
  sqliteLayout as L,
  type VehiclePressureMax,
  type VehiclePressureReading,
  type WindowAggregate,
} from "@iot/events";

/** Where a record was read from Kafka. */
export interface At {
  /** Partition. */
  readonly partition: number;
  /** Offset. */
  readonly offset: number;
}

/** A dead-letter record as the sinks store it. */
export interface DeadLetterRow {
  /** Dead-letter topic coordinates. */
  readonly partition: number;
  /** Offset in the dead-letter topic. */
  readonly offset: number;
  /** Kafka timestamp, ms. */
  readonly timestamp: number;
  /** The rejected bytes. */
  readonly payload: string;
  /** Why. */
  readonly reason: string;
  /** Reason code. */
  readonly code: string;
  /** Where the rejected record came from. */
  readonly sourceTopic: string;
}

/** Writes rows the way a sink backend stores them. */
export interface StoreFiller extends AsyncDisposable {
  /** Climate readings with their Kafka coordinates. */
  readings(rows: ReadonlyArray<readonly [ClimateReading, At]>): Promise<void>;
  /** Window aggregates. */
  aggregates(rows: readonly WindowAggregate[]): Promise<void>;
  /** Alert events (one row per state). */
  alerts(rows: readonly Alert[]): Promise<void>;
  /** Command statuses. */
  commandStatus(rows: readonly CommandStatus[]): Promise<void>;
  /** Vehicle tyre readings. */
  vehicleReadings(rows: ReadonlyArray<readonly [VehiclePressureReading, At]>): Promise<void>;
  /** Vehicle maxima (the latest per vehicle). */
  vehicleMaxima(rows: ReadonlyArray<readonly [VehiclePressureMax, At]>): Promise<void>;
  /** Dead-letter records. */
  deadLetters(rows: readonly DeadLetterRow[]): Promise<void>;
}

const schemaFile = new URL("../sinks/schema/sqlite.sql", import.meta.url);

/** Fills an embedded store file; creates the sinks' tables from their schema file. */
export class SqliteFiller implements StoreFiller {
  readonly #db: DatabaseSync;

  /** Opens `path` and applies the sinks' schema. */
  constructor(path: string) {
    this.#db = new DatabaseSync(path);
    this.#db.exec("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;");
    this.#db.exec(Deno.readTextFileSync(schemaFile));
  }

  #insert(table: { table: string; columns: readonly string[] }, rows: unknown[][]): void {
    // Like the sinks: the ingestion sequence is one more than the table's largest.
    const values = table.columns.map((c) =>
      c === SEQ ? `(SELECT COALESCE(MAX(${SEQ}), 0) + 1 FROM ${table.table})` : "?"
    );
    const sql = `INSERT OR REPLACE INTO ${table.table} (${table.columns.join(", ")}) VALUES (${
      values.join(", ")
    })`;
    const statement = this.#db.prepare(sql);
    this.#db.exec("BEGIN");
    for (const row of rows) statement.run(...(row as (string | number | null)[]));
    this.#db.exec("COMMIT");
  }

  readings(rows: ReadonlyArray<readonly [ClimateReading, At]>): Promise<void> {
    this.#insert(
      L.climateReadings,
      rows.map(([r, at]) => [r.deviceId, r.ts, r.temperature, r.humidity, at.partition, at.offset]),
    );
    return Promise.resolve();
  }

  aggregates(rows: readonly WindowAggregate[]): Promise<void> {
    this.#insert(
      L.windowAggregates,
      rows.map((a) => [a.deviceId, a.windowStart, a.windowEnd, ...aggregateStatValues(a)]),
    );
    return Promise.resolve();
  }

  alerts(rows: readonly Alert[]): Promise<void> {
    this.#insert(
      L.alerts,
      rows.map((
        a,
      ) => [
        a.alertId,
        a.state,
        a.deviceId,
        a.type,
        a.severity,
        a.value,
        a.threshold,
        a.windowStart,
        a.windowEnd,
        a.ts,
      ]),
    );
    return Promise.resolve();
  }

  commandStatus(rows: readonly CommandStatus[]): Promise<void> {
    this.#insert(L.commandStatus, rows.map((s) => [s.commandId, s.status, s.deviceId, s.ts]));
    return Promise.resolve();
  }

  vehicleReadings(rows: ReadonlyArray<readonly [VehiclePressureReading, At]>): Promise<void> {
    this.#insert(
      L.vehiclePressure,
      rows.map((
        [v, at],
      ) => [v.vehicleId, v.sensorId, v.ts, v.pressure, v.temperature, at.partition, at.offset]),
    );
    return Promise.resolve();
  }

  vehicleMaxima(rows: ReadonlyArray<readonly [VehiclePressureMax, At]>): Promise<void> {
    this.#insert(
      L.vehiclePressureMax,
      rows.map((
        [v, at],
      ) => [v.vehicleId, v.sensorId, v.pressureMax, v.temperature, v.ts, at.partition, at.offset]),
    );
    return Promise.resolve();
  }

  deadLetters(rows: readonly DeadLetterRow[]): Promise<void> {
    this.#insert(
      L.deadLetter,
      rows.map((
        d,
      ) => [
        "dead-letter",
        d.partition,
        d.offset,
        d.timestamp,
        null,
        new TextEncoder().encode(d.payload),
        d.reason,
        d.code,
        d.sourceTopic,
        0,
        0,
        "test",
        "[]",
      ]),
    );
    return Promise.resolve();
  }

  /** Closes the connection. */
  [Symbol.asyncDispose](): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
    return Promise.resolve();
  }
}
