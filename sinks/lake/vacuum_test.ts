import { assert, assertEquals } from "@std/assert";
import { join } from "node:path";
import type { SinkRecord } from "../record.ts";
import { sampleRecord, sourceAt } from "../writer_contract_test_util.ts";
import { tableFor } from "./columns.ts";
import { loadSnapshot } from "./delta_log.ts";
import { readLakeTable } from "./lake_reader_test_util.ts";
import { LakeTable } from "./table.ts";
import { compactTable, vacuumTable } from "./vacuum.ts";
import { LakeWriter } from "./writer.ts";

const readings = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => {
    const r = sampleRecord("climate-reading", from + i);
    return { ...r, source: sourceAt("sensor-readings", from + i) } as SinkRecord;
  });
const sortedRows = async (root: string) =>
  (await readLakeTable(root)).map((r) =>
    JSON.stringify(r, (_, v) => typeof v === "bigint" ? Number(v) : v)
  ).sort();

Deno.test("lake: compaction merges a partition's small files; vacuum deletes only what no version needs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lake-vacuum-" });
  try {
    const writer = new LakeWriter({ dir, rollMs: 0 });
    for (let b = 0; b < 3; b++) await writer.write(readings(b * 10, 10)); // all in one hour
    const root = join(dir, "sensor_readings");
    const before = await sortedRows(root);
    // What a killed writer leaves: a data file and a temp log entry in no commit.
    await Deno.writeFile(
      join(root, "date=2025-07-22/hour=22/part-orphan.snappy.parquet"),
      new Uint8Array(9),
    );
    await Deno.writeTextFile(join(root, "_delta_log/.tmp-orphan.json"), "{");

    const result = await compactTable(new LakeTable(root, tableFor("climate-reading")!));
    assertEquals([result.partitions, result.removed], [1, 3]);
    const snapshot = await loadSnapshot(root);
    assertEquals(snapshot.files.size, 1);
    assertEquals([...snapshot.files.values()][0].dataChange, false);
    assertEquals(await sortedRows(root), before, "the same rows after compaction");
    assertEquals(snapshot.txns.get("iot-sinks-lake/sensor-readings/0")?.version, 29);

    const fresh = await vacuumTable(root, { retentionMs: 3_600_000 });
    assertEquals(fresh.deleted, []);
    assertEquals(fresh.kept.length, 5, "3 removed files, the orphan and the temp entry are young");
    const later = () => Date.now() + 2 * 3_600_000;
    const dry = await vacuumTable(root, { retentionMs: 3_600_000, now: later, dryRun: true });
    assertEquals(dry.deleted.length, 5);
    const done = await vacuumTable(root, { retentionMs: 3_600_000, now: later });
    assertEquals(done.deleted, dry.deleted);
    assert(done.deleted.includes("_delta_log/.tmp-orphan.json"));
    assert(!done.deleted.includes([...snapshot.files.keys()][0]), "the live file stays");
    assertEquals(await sortedRows(root), before, "the table still reads the same");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
