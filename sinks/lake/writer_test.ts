import { assert, assertEquals, assertRejects } from "@std/assert";
import { join } from "node:path";
import { rowId } from "../keys.ts";
import type { SinkKind, SinkRecord } from "../record.ts";
import { sampleRecord, sinkWriterContract, sourceAt } from "../writer_contract_test_util.ts";
import { StoreUnavailableError } from "../writer.ts";
import { tableFor } from "./columns.ts";
import { CommitConflictError } from "./commit.ts";
import { commitName, loadSnapshot, logDir } from "./delta_log.ts";
import { readLakeTable, valueOfRow } from "./lake_reader_test_util.ts";
import { LakeTable } from "./table.ts";
import { LakeWriter, type LakeWriterOptions } from "./writer.ts";

async function tempLake(options: Partial<LakeWriterOptions> = {}) {
  const dir = await Deno.makeTempDir({ prefix: "lake-test-" });
  const writer = new LakeWriter({ dir, rollMs: 0, ...options });
  return {
    dir,
    writer,
    rows: (kind: SinkKind) => readLakeTable(join(dir, tableFor(kind)!.name)),
    async [Symbol.asyncDispose]() {
      await writer.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

sinkWriterContract("lake", async () => {
  const lake = await tempLake();
  const away = `${lake.dir}-away`;
  return {
    writer: lake.writer,
    async read(kind) {
      const rows = new Map<string, unknown>();
      for (const row of await lake.rows(kind)) {
        const value = valueOfRow(kind, row);
        const id = rowId({ kind, value } as SinkRecord);
        assert(!rows.has(id), `row ${id} stored twice`);
        rows.set(id, value);
      }
      return rows;
    },
    // An event time no Delta date can hold: no partition for it.
    rejectable: {
      ...sampleRecord("climate-reading", 99),
      value: { ...sampleRecord("climate-reading", 99).value, ts: "+275760-09-13T00:00:00.000Z" },
    },
    // The disk "goes away": the lake directory is replaced by a file.
    async makeUnavailable() {
      await Deno.rename(lake.dir, away);
      await Deno.writeTextFile(lake.dir, "not a directory");
    },
    async makeAvailable() {
      await Deno.remove(lake.dir);
      await Deno.rename(away, lake.dir);
    },
    [Symbol.asyncDispose]: () => lake[Symbol.asyncDispose](),
  };
});

const readings = (from: number, count: number, partition = 0) =>
  Array.from({ length: count }, (_, i) => {
    const r = sampleRecord("climate-reading", from + i);
    return { ...r, source: sourceAt("sensor-readings", from + i, partition) } as SinkRecord;
  });

Deno.test("lake: rows wait in the buffer until flush; their offsets are held until then", async () => {
  await using lake = await tempLake({ rollMs: 3_600_000 });
  await lake.writer.write([...readings(0, 5), ...readings(10, 3, 1)]);
  await lake.writer.write(readings(5, 2));
  assertEquals(await lake.rows("climate-reading"), []);
  const held = lake.writer.heldOffsets().sort((a, b) => a.partition - b.partition);
  assertEquals(held, [
    { topic: "sensor-readings", partition: 0, offset: 0 },
    { topic: "sensor-readings", partition: 1, offset: 10 },
  ]);
  await lake.writer.flush();
  assertEquals((await lake.rows("climate-reading")).length, 10);
  assertEquals(lake.writer.heldOffsets(), []);
});

Deno.test("lake: a new writer (after a crash) skips records the table holds, by txn offset", async () => {
  await using lake = await tempLake();
  await lake.writer.write(readings(0, 10));
  const restarted = new LakeWriter({ dir: lake.dir, rollMs: 0 });
  const replay = await restarted.write(readings(5, 10)); // 5..9 held already, 10..14 new
  assertEquals(replay.written, 10);
  const offsets = (await lake.rows("climate-reading")).map((r) => Number(r.kafka_offset));
  assertEquals(offsets.sort((a, b) => a - b), Array.from({ length: 15 }, (_, i) => i));
  const snapshot = await loadSnapshot(join(lake.dir, "sensor_readings"));
  assertEquals(snapshot.txns.get("iot-sinks-lake/sensor-readings/0")?.version, 14);
});

Deno.test("lake: a table commits when its buffer reaches the target file size", async () => {
  await using lake = await tempLake({ rollMs: 3_600_000, targetFileBytes: 2_000 });
  await lake.writer.write(readings(0, 40)); // 40 rows x 24 bytes (first estimate) < 2 000
  assertEquals(lake.writer.heldOffsets().length, 1);
  await lake.writer.write(readings(40, 60)); // 100 rows x 24 >= 2 000
  assertEquals(lake.writer.heldOffsets(), []);
  assertEquals((await lake.rows("climate-reading")).length, 100);
  const txn = (await loadSnapshot(join(lake.dir, "sensor_readings"))).txns;
  assertEquals(txn.get("iot-sinks-lake/sensor-readings/0")?.version, 99);
});

Deno.test("lake: a new optional field adds a nullable column; older files read it as null", async () => {
  await using lake = await tempLake();
  await lake.writer.write(readings(0, 3));
  const withBattery = readings(3, 2).map((r) => ({ ...r, value: { ...r.value, battery: 87.5 } }));
  await lake.writer.write(withBattery as SinkRecord[]);
  const root = join(lake.dir, "sensor_readings");
  const schema = JSON.parse((await loadSnapshot(root)).metaData!.schemaString);
  assert(schema.fields.some((f: { name: string }) => f.name === "battery"));
  const rows = (await lake.rows("climate-reading")).sort((a, b) =>
    Number(a.kafka_offset) - Number(b.kafka_offset)
  );
  assertEquals(rows.map((r) => r.battery ?? null), [null, null, null, 87.5, 87.5]);
});

Deno.test("lake: every 10th version writes a Parquet checkpoint and _last_checkpoint", async () => {
  await using lake = await tempLake();
  for (let i = 0; i < 10; i++) await lake.writer.write(readings(i * 2, 2));
  const dir = logDir(join(lake.dir, "sensor_readings"));
  const last = JSON.parse(await Deno.readTextFile(join(dir, "_last_checkpoint")));
  assertEquals(last.version, 10);
  assert((await Deno.stat(join(dir, `${"10".padStart(20, "0")}.checkpoint.parquet`))).isFile);
});

Deno.test("lake: a commit retries over another writer's unrelated commit, fails over an overlapping one", async () => {
  await using lake = await tempLake();
  await lake.writer.ensureSchema();
  const root = join(lake.dir, "sensor_readings");
  const def = tableFor("climate-reading")!;
  const a = new LakeTable(root, def);
  const b = new LakeTable(root, def);
  await a.open();
  await b.open();
  await a.commit({ adds: [], txns: new Map([["x/t/0", 5]]) });
  const version = await b.commit({ adds: [], txns: new Map([["x/t/1", 7]]) });
  assertEquals(version, 2);
  assert((await Deno.stat(join(logDir(root), commitName(2)))).isFile);
  await a.commit({ adds: [], txns: new Map([["x/t/0", 9]]) });
  await assertRejects(
    () => b.commit({ adds: [], txns: new Map([["x/t/0", 8]]) }),
    CommitConflictError,
  );
});

Deno.test("lake: an unreachable directory is StoreUnavailableError and the rows stay buffered", async () => {
  await using lake = await tempLake({ rollMs: 3_600_000 });
  await lake.writer.write(readings(0, 4));
  await Deno.rename(lake.dir, `${lake.dir}-x`);
  await Deno.writeTextFile(lake.dir, "");
  await assertRejects(() => lake.writer.flush(), StoreUnavailableError);
  await Deno.remove(lake.dir);
  await Deno.rename(`${lake.dir}-x`, lake.dir);
  await lake.writer.flush();
  assertEquals((await lake.rows("climate-reading")).length, 4);
});

Deno.test("lake: two writers creating one table at once leave one protocol and metaData", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lake-create-" });
  try {
    const root = join(dir, "sensor_readings");
    const def = tableFor("climate-reading")!;
    const tables = Array.from({ length: 4 }, () => new LakeTable(root, def));
    await Promise.all(tables.map((t) => t.open()));
    const snapshot = await loadSnapshot(root);
    assertEquals(snapshot.version, 0);
    for (const t of tables) assertEquals(t.snapshot.metaData?.id, snapshot.metaData?.id);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
