/**
 * The lake pipeline on a real Kafka broker, read back by readers nobody here wrote (delta-rs and
 * DuckDB's delta extension), compared with a plain computation over what was produced.
 */
import { assert, assertEquals } from "@std/assert";
import { join } from "node:path";
import { Admin, Producer } from "@iot/kafka";
import { startKafka, uniqueName, waitFor } from "@iot/testing";
import { sinkKafkaClients } from "../kafka_clients.ts";
import { SinkRunner } from "../runner.ts";
import { type ReaderRow, readWithReaders } from "./readers_test_util.ts";
import { tableFor } from "./columns.ts";
import { LakeTable } from "./table.ts";
import { compactTable, vacuumTable } from "./vacuum.ts";
import { LakeWriter } from "./writer.ts";
import { committedTotal, endTotal } from "./kafka_test_util.ts";

const T0 = Date.parse("2026-12-02T16:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

/** N readings over three hours; from `batteryFrom` on they carry the new `battery` field. */
function readings(n: number, batteryFrom: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({
    deviceId: `climate-${i % 7}`,
    ts: iso(T0 + Math.floor(i * (3 * 3_600_000) / n)),
    temperature: 15 + (i % 50) / 4,
    humidity: 30 + (i % 40),
    ...(i >= batteryFrom ? { battery: 100 - (i % 100) / 2 } : {}),
  }));
}

function pressures(n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({
    vehicleId: `vehicle-${i % 2}`,
    sensorId: `vehicle-${i % 2}-tire-${i % 4}`,
    ts: iso(T0 + i * 7_000),
    pressure: 800_000 + i,
    temperature: 30 + (i % 10),
  }));
}

function aggregates(n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({
    deviceId: `climate-${i % 5}`,
    windowStart: iso(T0 + Math.floor(i / 5) * 60_000),
    windowEnd: iso(T0 + (Math.floor(i / 5) + 1) * 60_000),
    count: 60 + i,
    temperature: { avg: 21.5, min: 20, max: 23 + i / 10 },
    humidity: { avg: 45, min: 40, max: 50 },
  }));
}

/** The reference: each produced value as the row a reader must return (plain field mapping). */
const refReading = (v: Record<string, unknown>) => ({
  device_id: v.deviceId,
  ts: v.ts,
  temperature: v.temperature,
  humidity: v.humidity,
  battery: v.battery ?? null,
});
const refPressure = (v: Record<string, unknown>) => ({
  vehicle_id: v.vehicleId,
  sensor_id: v.sensorId,
  ts: v.ts,
  pressure: v.pressure,
  temperature: v.temperature,
});
// deno-lint-ignore no-explicit-any
const refAggregate = (v: Record<string, any>) => ({
  device_id: v.deviceId,
  window_start: v.windowStart,
  window_end: v.windowEnd,
  count: v.count,
  temp_avg: v.temperature.avg,
  temp_min: v.temperature.min,
  temp_max: v.temperature.max,
  humidity_avg: v.humidity.avg,
  humidity_min: v.humidity.min,
  humidity_max: v.humidity.max,
});

/** `rows` projected on the reference's columns, as sorted JSON lines (a multiset). */
function project(
  rows: readonly Record<string, unknown>[],
  like: Record<string, unknown>,
): string[] {
  return rows.map((r) => JSON.stringify(Object.keys(like).map((k) => r[k] ?? null))).sort();
}

function assertSameRows(
  actual: readonly ReaderRow[],
  expected: Record<string, unknown>[],
  what: string,
) {
  assertEquals(actual.length, expected.length, `${what}: row count`);
  assertEquals(project(actual, expected[0]), project(expected, expected[0]), `${what}: contents`);
}

Deno.test("lake: delta-rs and DuckDB read the pipeline's tables equal to the topics", async () => {
  await using kafka = await startKafka();
  const t = {
    readings: uniqueName("lake-readings"),
    pressure: uniqueName("lake-pressure"),
    aggregates: uniqueName("lake-aggregates"),
    deadLetter: uniqueName("lake-dlq"),
  };
  await using admin = new Admin({ config: { "bootstrap.servers": kafka.bootstrap } });
  await admin.createTopics(Object.values(t).map((name) => ({ name, partitions: 2 })));
  const sent = {
    readings: readings(3000, 2000),
    pressure: pressures(600),
    aggregates: aggregates(200),
  };
  {
    await using producer = new Producer({ config: { "bootstrap.servers": kafka.bootstrap } });
    const records = (topic: string, values: Record<string, unknown>[]) =>
      values.map((v) => ({
        topic,
        key: String(v.deviceId ?? v.sensorId),
        value: JSON.stringify(v),
      }));
    await producer.sendBatch([
      ...records(t.readings, sent.readings),
      ...records(t.pressure, sent.pressure),
      ...records(t.aggregates, sent.aggregates),
      { topic: t.readings, key: "bad", value: "{not json" }, // dead-lettered, not in the table
    ]);
  }
  const dir = await Deno.makeTempDir({ prefix: "lake-readers-" });
  const group = uniqueName("lake-sink");
  const abort = new AbortController();
  const runner = new SinkRunner({
    name: group,
    clients: sinkKafkaClients({ bootstrap: kafka.bootstrap }),
    routes: [
      { topic: t.readings, kind: "climate-reading" },
      { topic: t.pressure, kind: "vehicle-pressure-reading" },
      { topic: t.aggregates, kind: "window-aggregate" },
    ],
    // Small commits, so the test crosses a checkpoint (every 10 versions).
    writer: new LakeWriter({ dir, rollMs: 3_600_000, targetFileBytes: 1, maxBufferedRows: 200 }),
    deadLetterTopic: t.deadLetter,
    batchSize: 200,
    lingerMs: 100,
  });
  const running = runner.run(abort.signal);
  try {
    const total = await endTotal(kafka.bootstrap, [t.readings, t.pressure, t.aggregates]);
    assertEquals(total, 3000 + 600 + 200 + 1);
    await waitFor(async () => (await committedTotal(kafka.bootstrap, group)) === total, {
      timeoutMs: 90_000,
      message: "all offsets committed after the lake commits",
    });
  } finally {
    abort.abort();
    await running;
  }
  try {
    const hour = { date: "2026-12-02", hour: 17 };
    const r = await readWithReaders(join(dir, "sensor_readings"), hour);
    const expected = sent.readings.map(refReading);
    assertSameRows(r.deltars.rows, expected, "delta-rs sensor_readings");
    assertSameRows(r.duckdb.rows, expected, "duckdb sensor_readings");
    assert(r.deltars.version >= 10, `version ${r.deltars.version} crosses a checkpoint`);
    assert((await Deno.stat(join(dir, "sensor_readings/_delta_log/_last_checkpoint"))).isFile);
    // Partitions: date and hour of the event time, and a one-hour filter returns only that hour.
    const inHour = expected.filter((row) => String(row.ts).startsWith("2026-12-02T17:"));
    assert(inHour.length > 0 && inHour.length < expected.length);
    assertSameRows(r.deltars.hour!, inHour, "delta-rs one hour");
    assertSameRows(r.duckdb.hour!, inHour, "duckdb one hour");
    for (const row of r.deltars.rows) {
      assertEquals([row.date, row.hour], [
        String(row.ts).slice(0, 10),
        Number(String(row.ts).slice(11, 13)),
      ]);
    }
    // Each Kafka record exactly once.
    const coords = new Set(
      r.deltars.rows.map((row) => `${row.kafka_partition}/${row.kafka_offset}`),
    );
    assertEquals(coords.size, 3000);
    const p = await readWithReaders(join(dir, "vehicle_pressure"));
    assertSameRows(p.deltars.rows, sent.pressure.map(refPressure), "delta-rs vehicle_pressure");
    assertSameRows(p.duckdb.rows, sent.pressure.map(refPressure), "duckdb vehicle_pressure");
    const a = await readWithReaders(join(dir, "sensor_aggregates"));
    assertSameRows(a.deltars.rows, sent.aggregates.map(refAggregate), "delta-rs sensor_aggregates");
    assertSameRows(a.duckdb.rows, sent.aggregates.map(refAggregate), "duckdb sensor_aggregates");
    // Compaction and vacuum: fewer files, the same rows for both readers.
    const table = new LakeTable(join(dir, "sensor_readings"), tableFor("climate-reading")!);
    const compacted = await compactTable(table);
    assert(compacted.removed > compacted.partitions, "small files were merged");
    const vacuumed = await vacuumTable(table.root, { retentionMs: 0 });
    assert(vacuumed.deleted.length >= compacted.removed);
    const after = await readWithReaders(table.root, hour);
    assert(
      after.deltars.files < r.deltars.files,
      `${after.deltars.files} < ${r.deltars.files} files`,
    );
    assertSameRows(after.deltars.rows, expected, "delta-rs after compaction and vacuum");
    assertSameRows(after.duckdb.rows, expected, "duckdb after compaction and vacuum");
    assertSameRows(after.duckdb.hour!, inHour, "duckdb one hour after compaction");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
