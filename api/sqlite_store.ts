/**
 * {@linkcode SqliteStore}: the {@linkcode ApiStore} over the embedded store (`node:sqlite`), the
 * file `@iot/sinks` writes. The API creates only its own two tables; before the sinks created
 * theirs, reads answer empty.
 *
 * @module
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import {
  type ClimateReading,
  type DeviceCommand,
  ingestSequenceColumn as SEQ,
  sqliteLayout as L,
  type VehiclePressureMax,
  type VehiclePressureReading,
  type WindowAggregate,
} from "@iot/events";
import {
  aggregateOf as aggregate,
  alertViewOf as alertView_,
  camelRow,
  commandViewOf,
  deadLetterOf as deadLetter,
  fromSnake,
  readingOf as reading,
  type Row,
  vehicleMaxOf as vehicleMax,
  vehicleReadingOf as vehicleReading,
} from "./rows.ts";

// The shared mappers over this store's snake_case rows.
const readingOf = fromSnake(reading);
const aggregateOf = fromSnake(aggregate);
const alertViewOf = fromSnake(alertView_);
const vehicleMaxOf = fromSnake(vehicleMax);
const vehicleReadingOf = fromSnake(vehicleReading);
const deadLetterOf = fromSnake(deadLetter);
import {
  type AlertFilter,
  type AlertView,
  type ApiStore,
  batchOf,
  type CommandView,
  type DeadLetterView,
  decodeCursor,
  type DeviceFacts,
  encodeCursor,
  type Page,
  pageOf,
  type PageRequest,
  type TailBatch,
  type TimeRange,
} from "./store.ts";

const iso = (ms: number) => new Date(ms).toISOString();
/** Deno's node:sqlite has `setReturnArrays` (Node 24's API); its type declarations lag. */
type ArrayStatement = StatementSync & { setReturnArrays(enabled: boolean): void };
const MMAP_BYTES = 1 << 30;
const CACHE_KIB = 64 * 1024;

/** Options of {@linkcode SqliteStore}. */
export interface SqliteStoreOptions {
  /** Database file, or `":memory:"`. */
  readonly path: string;
}

/** Collapses the rows of one alert (active, cleared) into one, with its ack. */
const alertView = (where: string) => `
  SELECT v.*, k.acked_at, k.acked_by, COALESCE(v.raised_at, v.cleared_at) AS sort_ts
  FROM (SELECT alert_id, MAX(device_id) AS device_id, MAX(type) AS type,
          MAX(severity) AS severity,
          COALESCE(MAX(CASE WHEN state = 'active' THEN value END), MAX(value)) AS value,
          MAX(threshold) AS threshold, MIN(window_start) AS window_start,
          MAX(window_end) AS window_end,
          MAX(CASE WHEN state = 'active' THEN ts END) AS raised_at,
          MAX(CASE WHEN state = 'cleared' THEN ts END) AS cleared_at
        FROM ${L.alerts.table} ${where} GROUP BY alert_id) AS v
  LEFT JOIN ${L.alertAcks.table} AS k ON k.alert_id = v.alert_id`;

/** The embedded store, read by the API. */
export class SqliteStore implements ApiStore, Disposable {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  readonly #arrayStatements = new Map<string, StatementSync>();

  /** Opens (or creates) the database file and the API's own tables. */
  constructor(options: SqliteStoreOptions) {
    // The busy timeout first: the sinks may be creating their tables in the same file right now,
    // and switching to WAL waits for their lock only with a timeout already set.
    this.#db = new DatabaseSync(options.path, { timeout: 5_000 });
    // Reads map the file and keep more pages cached: a point query on a multi-GB store is a few
    // page reads, and copying them through read() costs more than the seek itself.
    this.#db.exec(`PRAGMA journal_mode = WAL;
      PRAGMA mmap_size = ${MMAP_BYTES}; PRAGMA cache_size = -${CACHE_KIB};`);
    this.#db.exec(`CREATE TABLE IF NOT EXISTS ${L.deviceCommands.table} (
      command_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, command TEXT NOT NULL,
      reason TEXT NOT NULL, issued_at TEXT NOT NULL, expires_at TEXT NOT NULL, event_time TEXT);
    CREATE INDEX IF NOT EXISTS device_commands_device ON ${L.deviceCommands.table}
      (device_id, issued_at);
    CREATE TABLE IF NOT EXISTS ${L.alertAcks.table} (
      alert_id TEXT PRIMARY KEY, acked_at TEXT NOT NULL, acked_by TEXT NOT NULL);`);
  }

  /** The prepared statement of `sql`, prepared once (planning costs more than most queries). */
  #prepare(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) this.#statements.set(sql, statement = this.#db.prepare(sql));
    return statement;
  }

  /** Rows of `sql`; none when a sink's table does not exist yet. */
  #all(sql: string, ...params: SQLInputValue[]): Row[] {
    try {
      return this.#prepare(sql).all(...params) as Row[];
    } catch (e) {
      if (e instanceof Error && /no such table/.test(e.message)) return [];
      throw e;
    }
  }

  /**
   * Rows of `sql` as arrays in column order: node:sqlite builds no object per row, which is most
   * of the cost of a 100-row page.
   */
  #arrays(sql: string, ...params: SQLInputValue[]): unknown[][] {
    let statement = this.#arrayStatements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      (statement as ArrayStatement).setReturnArrays(true);
      this.#arrayStatements.set(sql, statement);
    }
    try {
      return statement.all(...params) as unknown as unknown[][];
    } catch (e) {
      if (e instanceof Error && /no such table/.test(e.message)) return [];
      throw e;
    }
  }

  #first(sql: string, ...params: SQLInputValue[]): Row | undefined {
    return this.#all(sql, ...params)[0];
  }

  #facts(deviceId: string): DeviceFacts {
    const last = this.#first(
      `SELECT * FROM ${L.climateReadings.table} WHERE device_id = ? ORDER BY ts DESC LIMIT 1`,
      deviceId,
    );
    const cmd = this.#first(
      `SELECT c.command FROM ${L.commandStatus.table} s JOIN ${L.deviceCommands.table} c
       ON c.command_id = s.command_id WHERE s.device_id = ? AND s.status = 'succeeded'
       ORDER BY s.ts DESC LIMIT 1`,
      deviceId,
    );
    const alerts = this.#first(
      `SELECT COUNT(*) AS n FROM ${L.alerts.table} a WHERE a.device_id = ? AND a.state = 'active'
       AND NOT EXISTS (SELECT 1 FROM ${L.alerts.table} b
                       WHERE b.alert_id = a.alert_id AND b.state = 'cleared')`,
      deviceId,
    );
    return {
      deviceId,
      lastReading: last ? readingOf(last) : null,
      lastSucceededCommand: (cmd?.command as DeviceCommand["command"]) ?? null,
      activeAlerts: Number(alerts?.n ?? 0),
    };
  }

  listDevices(page: PageRequest): Promise<Page<DeviceFacts>> {
    // One index seek per device: no scan of the readings, however many there are.
    let after = page.cursor ? String(decodeCursor(page.cursor, 1)[0]) : "";
    const ids: string[] = [];
    while (ids.length <= page.limit) {
      const row = this.#first(
        `SELECT device_id FROM ${L.climateReadings.table} WHERE device_id > ?
         ORDER BY device_id LIMIT 1`,
        after,
      );
      if (!row) break;
      after = String(row.device_id);
      ids.push(after);
    }
    const facts = ids.map((id, i) => i < page.limit ? this.#facts(id) : { deviceId: id });
    return Promise.resolve(pageOf(facts as DeviceFacts[], page.limit, (d) => [d.deviceId]));
  }

  device(deviceId: string): Promise<DeviceFacts | null> {
    const facts = this.#facts(deviceId);
    const known = facts.lastReading ?? this.#first(
      `SELECT 1 FROM ${L.deviceCommands.table} WHERE device_id = ? LIMIT 1`,
      deviceId,
    );
    return Promise.resolve(known ? facts : null);
  }

  readings(deviceId: string, range: TimeRange, page: PageRequest): Promise<Page<ClimateReading>> {
    const after = page.cursor ? String(decodeCursor(page.cursor, 1)[0]) : undefined;
    const from = range.from === undefined ? "" : iso(range.from);
    // One lower bound only: given two, SQLite seeks by the first and scans to the second.
    const [op, lower] = after !== undefined && after >= from ? [">", after] : [">=", from];
    const rows = this.#arrays(
      `SELECT ts, temperature, humidity FROM ${L.climateReadings.table}
       WHERE device_id = ? AND ts ${op} ? AND ts < ? ORDER BY ts LIMIT ?`,
      deviceId,
      lower,
      range.to === undefined ? "~" : iso(range.to),
      page.limit + 1,
    );
    const items = rows.map(([ts, temperature, humidity]) => ({
      deviceId,
      ts: ts as string,
      temperature: temperature as number,
      humidity: humidity as number,
    }));
    return Promise.resolve(pageOf(items, page.limit, (r) => [r.ts]));
  }

  aggregates(
    range: TimeRange,
    page: PageRequest,
    deviceId?: string,
  ): Promise<Page<WindowAggregate>> {
    const [start, device] = page.cursor ? decodeCursor(page.cursor, 2).map(String) : ["", ""];
    const from = range.from === undefined ? "" : iso(range.from);
    // One lower bound, as for readings: the cursor's when it is past `from`, else `from`'s.
    const [lower, bound] = start >= from
      ? ["(window_start, device_id) > (?, ?)", [start, device]]
      : ["window_start >= ?", [from]];
    const rows = this.#all(
      `SELECT * FROM ${L.windowAggregates.table} WHERE ${lower} AND window_start < ?
       ${deviceId === undefined ? "" : "AND device_id = ?"}
       ORDER BY window_start, device_id LIMIT ?`,
      ...bound,
      range.to === undefined ? "~" : iso(range.to),
      ...(deviceId === undefined ? [] : [deviceId]),
      page.limit + 1,
    );
    return Promise.resolve(
      pageOf(rows.map(aggregateOf), page.limit, (a) => [a.windowStart, a.deviceId]),
    );
  }

  alerts(filter: AlertFilter, page: PageRequest): Promise<Page<AlertView>> {
    const conds: string[] = [];
    const params: SQLInputValue[] = [];
    if (page.cursor) {
      const [ts, id] = decodeCursor(page.cursor, 2);
      conds.push("(sort_ts, v.alert_id) < (?, ?)");
      params.push(String(ts), String(id));
    }
    if (filter.state) conds.push(`v.cleared_at IS ${filter.state === "active" ? "" : "NOT "}NULL`);
    if (filter.severity) conds.push("v.severity = ?"), params.push(filter.severity);
    if (filter.from !== undefined) conds.push("sort_ts >= ?"), params.push(iso(filter.from));
    if (filter.to !== undefined) conds.push("sort_ts < ?"), params.push(iso(filter.to));
    const inner = filter.deviceId === undefined ? "" : "WHERE device_id = ?";
    const rows = this.#all(
      `${alertView(inner)} ${conds.length ? "WHERE " + conds.join(" AND ") : ""}
       ORDER BY sort_ts DESC, v.alert_id DESC LIMIT ?`,
      ...(filter.deviceId === undefined ? [] : [filter.deviceId]),
      ...params,
      page.limit + 1,
    );
    return Promise.resolve(
      pageOf(rows, page.limit, (r) => [String(r.sort_ts), String(r.alert_id)]),
    ).then((p) => ({ items: p.items.map(alertViewOf), nextCursor: p.nextCursor }));
  }

  alert(alertId: string): Promise<AlertView | null> {
    const row = this.#first(alertView("WHERE alert_id = ?"), alertId);
    return Promise.resolve(row ? alertViewOf(row) : null);
  }

  ackAlert(alertId: string, at: string, by: string): Promise<boolean> {
    if (!this.#first(`SELECT 1 FROM ${L.alerts.table} WHERE alert_id = ? LIMIT 1`, alertId)) {
      return Promise.resolve(false);
    }
    this.#prepare(
      `INSERT INTO ${L.alertAcks.table} (alert_id, acked_at, acked_by) VALUES (?, ?, ?)
       ON CONFLICT (alert_id) DO NOTHING`,
    ).run(alertId, at, by);
    return Promise.resolve(true);
  }

  recordCommand(c: DeviceCommand): Promise<void> {
    this.#prepare(
      `INSERT INTO ${L.deviceCommands.table} (${L.deviceCommands.columns.join(", ")})
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      c.commandId,
      c.deviceId,
      c.command,
      c.reason,
      c.issuedAt,
      c.expiresAt,
      c.eventTime ?? null,
    );
    return Promise.resolve();
  }

  forgetCommand(commandId: string): Promise<void> {
    this.#prepare(`DELETE FROM ${L.deviceCommands.table} WHERE command_id = ?`).run(commandId);
    return Promise.resolve();
  }

  #commandView(row: Row) {
    const statuses = this.#all(
      `SELECT status, ts FROM ${L.commandStatus.table} WHERE command_id = ? ORDER BY ts, status`,
      String(row.command_id),
    );
    return commandViewOf(camelRow(row), statuses);
  }

  commands(deviceId: string, page: PageRequest): Promise<Page<CommandView>> {
    const [at, id] = page.cursor ? decodeCursor(page.cursor, 2) : ["~", ""];
    const rows = this.#all(
      `SELECT * FROM ${L.deviceCommands.table} WHERE device_id = ?
       AND (issued_at, command_id) < (?, ?) ORDER BY issued_at DESC, command_id DESC LIMIT ?`,
      deviceId,
      String(at),
      String(id),
      page.limit + 1,
    );
    const p = pageOf(rows, page.limit, (r) => [String(r.issued_at), String(r.command_id)]);
    return Promise.resolve({
      items: p.items.map((r) => this.#commandView(r)),
      nextCursor: p.nextCursor,
    });
  }

  command(commandId: string): Promise<CommandView | null> {
    const row = this.#first(
      `SELECT * FROM ${L.deviceCommands.table} WHERE command_id = ?`,
      commandId,
    );
    return Promise.resolve(row ? this.#commandView(row) : null);
  }

  vehicleMaxima(page: PageRequest): Promise<Page<VehiclePressureMax>> {
    const [after] = page.cursor ? decodeCursor(page.cursor, 1) : [""];
    const rows = this.#all(
      `SELECT * FROM ${L.vehiclePressureMax.table} WHERE vehicle_id > ?
       ORDER BY vehicle_id LIMIT ?`,
      String(after),
      page.limit + 1,
    );
    return Promise.resolve(pageOf(rows.map(vehicleMaxOf), page.limit, (v) => [v.vehicleId]));
  }

  vehicleMax(vehicleId: string): Promise<VehiclePressureMax | null> {
    const row = this.#first(
      `SELECT * FROM ${L.vehiclePressureMax.table} WHERE vehicle_id = ?`,
      vehicleId,
    );
    return Promise.resolve(row ? vehicleMaxOf(row) : null);
  }

  vehicleMaxHistory(
    vehicleId: string,
    range: TimeRange,
    page: PageRequest,
  ): Promise<Page<VehiclePressureReading>> {
    const [ts, sensor] = page.cursor ? decodeCursor(page.cursor, 2) : ["", ""];
    // A new maximum is a reading above every earlier one of the vehicle (all time, not the range).
    const rows = this.#all(
      `SELECT * FROM (SELECT *, MAX(pressure) OVER (ORDER BY ts, sensor_id
          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
        FROM ${L.vehiclePressure.table} WHERE vehicle_id = ?)
       WHERE (before IS NULL OR pressure > before) AND (ts, sensor_id) > (?, ?)
       AND ts >= ? AND ts < ? ORDER BY ts, sensor_id LIMIT ?`,
      vehicleId,
      String(ts),
      String(sensor),
      range.from === undefined ? "" : iso(range.from),
      range.to === undefined ? "~" : iso(range.to),
      page.limit + 1,
    );
    return Promise.resolve(
      pageOf(rows.map(vehicleReadingOf), page.limit, (r) => [r.ts, r.sensorId]),
    );
  }

  deadLetters(page: PageRequest): Promise<Page<DeadLetterView>> {
    const [ts, part, off] = page.cursor
      ? decodeCursor(page.cursor, 3)
      : [Number.MAX_SAFE_INTEGER, 0, 0];
    const rows = this.#all(
      `SELECT * FROM ${L.deadLetter.table}
       WHERE (kafka_timestamp, kafka_partition, kafka_offset) < (?, ?, ?)
       ORDER BY kafka_timestamp DESC, kafka_partition DESC, kafka_offset DESC LIMIT ?`,
      Number(ts),
      Number(part),
      Number(off),
      page.limit + 1,
    );
    const p = pageOf(rows, page.limit, (r) => [
      Number(r.kafka_timestamp),
      Number(r.kafka_partition),
      Number(r.kafka_offset),
    ]);
    return Promise.resolve({ items: p.items.map(deadLetterOf), nextCursor: p.nextCursor });
  }

  tailReadings(
    deviceId: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<TailBatch<ClimateReading>> {
    // A device's readings share a partition (its id is the key), so the offset orders arrivals,
    // late readings included.
    const table = L.climateReadings.table;
    const pos = cursor ? decodeCursor(cursor, 2, "Last-Event-ID") : this.#first(
      `SELECT kafka_partition AS p, kafka_offset AS o FROM ${table} WHERE device_id = ?
       ORDER BY kafka_partition DESC, kafka_offset DESC LIMIT 1`,
      deviceId,
    );
    const [p, o] = Array.isArray(pos) ? pos : pos ? [pos.p, pos.o] : [-1, -1];
    const rows = this.#all(
      `SELECT * FROM ${table} WHERE device_id = ? AND (kafka_partition, kafka_offset) > (?, ?)
       ORDER BY kafka_partition, kafka_offset LIMIT ?`,
      deviceId,
      Number(p),
      Number(o),
      limit,
    );
    const events = rows.map((r) => ({
      cursor: encodeCursor([Number(r.kafka_partition), Number(r.kafka_offset)]),
      value: readingOf(r),
    }));
    return Promise.resolve(batchOf(events, [Number(p), Number(o)]));
  }

  tailAggregates(cursor: string | undefined, limit: number): Promise<TailBatch<WindowAggregate>> {
    const table = L.windowAggregates.table;
    return Promise.resolve(
      this.#tail(table, `SELECT a.* FROM ${table} a`, cursor, limit, aggregateOf),
    );
  }

  tailAlerts(cursor: string | undefined, limit: number): Promise<TailBatch<AlertView>> {
    const table = L.alerts.table;
    const select = `SELECT a.*, k.acked_at, k.acked_by,
        CASE WHEN a.state = 'active' THEN a.ts END AS raised_at,
        CASE WHEN a.state = 'cleared' THEN a.ts END AS cleared_at
      FROM ${table} a LEFT JOIN ${L.alertAcks.table} k ON k.alert_id = a.alert_id`;
    return Promise.resolve(this.#tail(table, select, cursor, limit, alertViewOf));
  }

  /**
   * Rows of a sequenced table (`select` names it `a`) stored after `cursor`, an ingestion
   * sequence, in storage order: a row that arrives late in event time still gets a larger
   * sequence than every row a client saw, so a resume misses nothing (`ingestSequenceColumn`).
   */
  #tail<T>(
    table: string,
    select: string,
    cursor: string | undefined,
    limit: number,
    valueOf: (row: Row) => T,
  ): TailBatch<T> {
    const after = cursor
      ? Number(decodeCursor(cursor, 1, "Last-Event-ID")[0])
      : Number(this.#first(`SELECT MAX(${SEQ}) AS s FROM ${table}`)?.s ?? 0);
    const rows = this.#all(`${select} WHERE a.${SEQ} > ? ORDER BY a.${SEQ} LIMIT ?`, after, limit);
    const events = rows.map((r) => ({ cursor: encodeCursor([Number(r[SEQ])]), value: valueOf(r) }));
    return batchOf(events, [after]);
  }

  ping(): Promise<boolean> {
    return Promise.resolve(this.#first("SELECT 1 AS ok")?.ok === 1);
  }

  /** Closes the database (idempotent). */
  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  /** Closes the database. */
  [Symbol.dispose](): void {
    this.close();
  }
}
