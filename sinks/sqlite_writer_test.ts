import { assertEquals, assertRejects } from "@std/assert";
import { DatabaseSync } from "node:sqlite";
import { readSqlite } from "./sqlite_reader_test_util.ts";
import { SqliteWriter } from "./sqlite_writer.ts";
import { StoreUnavailableError } from "./writer.ts";
import { sampleRecord, sinkWriterContract } from "./writer_contract_test_util.ts";

sinkWriterContract("SqliteWriter", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sinks-sqlite-" });
  const path = `${dir}/iot.db`;
  const writer = new SqliteWriter({ path, busyTimeoutMs: 100 });
  let locker: DatabaseSync | null = null;
  // NaN is stored as NULL by SQLite, which the NOT NULL column refuses.
  const rejectable = sampleRecord("climate-reading", 99);
  return {
    writer,
    read: (kind) => Promise.resolve(readSqlite(path, kind)),
    rejectable: { ...rejectable, value: { ...rejectable.value, temperature: NaN } },
    makeUnavailable() {
      // Another connection holds the write lock for longer than the writer's busy timeout.
      locker = new DatabaseSync(path);
      locker.exec("BEGIN EXCLUSIVE");
      return Promise.resolve();
    },
    makeAvailable() {
      locker?.exec("ROLLBACK");
      locker?.close();
      locker = null;
      return Promise.resolve();
    },
    async [Symbol.asyncDispose]() {
      locker?.close();
      await writer.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
});

Deno.test("SqliteWriter: the seed's iot_avg_temperature_windowed view reads the aggregates", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sinks-sqlite-" });
  try {
    await using writer = new SqliteWriter({ path: `${dir}/iot.db` });
    await writer.ensureSchema();
    const record = sampleRecord("window-aggregate", 2);
    await writer.write([record]);
    const db = new DatabaseSync(`${dir}/iot.db`, { readOnly: true });
    try {
      const rows = db.prepare("SELECT * FROM iot_avg_temperature_windowed").all();
      assertEquals(rows.map((r) => ({ ...r })), [{
        device_id: record.value.deviceId,
        window_start: record.value.windowStart,
        window_end: record.value.windowEnd,
        avg_temp: record.value.temperature.avg,
      }]);
    } finally {
      db.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SqliteWriter: close is idempotent and a closed writer refuses writes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sinks-sqlite-" });
  try {
    const writer = new SqliteWriter({ path: `${dir}/iot.db` });
    await writer.ensureSchema();
    await writer.close();
    await writer.close();
    let message = "";
    try {
      await writer.write([]);
    } catch (e) {
      message = (e as Error).message;
    }
    assertEquals(message, `SqliteWriter for ${dir}/iot.db is closed`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SqliteWriter: a store made before device commands kept eventTime takes the column", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sinks-sqlite-" });
  try {
    const path = `${dir}/iot.db`;
    // The table as the API created it before `event_time` existed.
    const old = new DatabaseSync(path);
    old.exec(`CREATE TABLE device_commands (command_id TEXT PRIMARY KEY, device_id TEXT NOT NULL,
      command TEXT NOT NULL, reason TEXT NOT NULL, issued_at TEXT NOT NULL,
      expires_at TEXT NOT NULL)`);
    old.close();
    await using writer = new SqliteWriter({ path });
    await writer.ensureSchema();
    await writer.ensureSchema(); // idempotent
    const command = sampleRecord("device-command", 2);
    await writer.write([command]);
    assertEquals(readSqlite(path, "device-command").get(command.value.commandId), command.value);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SqliteWriter: each stored or replaced alert gets the next ingestion sequence; old tables get the column", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sinks-sqlite-" });
  const path = `${dir}/iot.db`;
  try {
    // A table from before the sequence existed, with one row.
    const old = new DatabaseSync(path);
    old.exec(`CREATE TABLE alerts (alert_id TEXT NOT NULL, state TEXT NOT NULL,
      device_id TEXT NOT NULL, type TEXT NOT NULL, severity TEXT NOT NULL, value REAL NOT NULL,
      threshold REAL NOT NULL, window_start TEXT NOT NULL, window_end TEXT NOT NULL,
      ts TEXT NOT NULL, PRIMARY KEY (alert_id, state)) WITHOUT ROWID;
      INSERT INTO alerts VALUES ('old', 'active', 'd0', 't', 'info', 1, 1, 'a', 'b', 'c');`);
    old.close();
    await using writer = new SqliteWriter({ path });
    await writer.ensureSchema();
    const [a, b] = [sampleRecord("alert", 1), sampleRecord("alert", 2)];
    // b is earlier in event time than a, and arrives later; then a arrives again (replaced).
    const late = { ...b, value: { ...b.value, ts: "2000-01-01T00:00:00.000Z" } };
    await writer.write([a]);
    await writer.write([late, a]);
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      const rows = db.prepare("SELECT alert_id, seq FROM alerts ORDER BY seq").all();
      assertEquals(rows.map((r) => [r.alert_id, r.seq]), [
        ["old", 0],
        [late.value.alertId, 2],
        [a.value.alertId, 3],
      ]);
    } finally {
      db.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SqliteWriter: ensureSchema on an up-to-date store needs no write lock; a missing table waits for it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sinks-sqlite-" });
  const path = `${dir}/iot.db`;
  try {
    await using first = new SqliteWriter({ path });
    await first.ensureSchema();
    const locker = new DatabaseSync(path);
    try {
      locker.exec("BEGIN EXCLUSIVE");
      await using second = new SqliteWriter({ path, busyTimeoutMs: 50 });
      await second.ensureSchema(); // nothing to create: the held lock does not matter
      locker.exec("ROLLBACK");
      locker.exec("DROP INDEX alerts_seq");
      locker.exec("BEGIN EXCLUSIVE");
      await using third = new SqliteWriter({ path, busyTimeoutMs: 50 });
      await assertRejects(async () => await third.ensureSchema(), StoreUnavailableError);
      locker.exec("ROLLBACK");
      await third.ensureSchema();
    } finally {
      locker.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
