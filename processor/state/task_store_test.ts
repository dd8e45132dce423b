import { assert, assertEquals, assertRejects } from "@std/assert";
import { fields, stats, tumbling, WindowOperator, type WindowOperatorSnapshot } from "../mod.ts";
import { decodeBinaryData } from "./binary_format.ts";
import { type CheckpointData, CheckpointError, foldChain } from "./format.ts";
import { TaskStore } from "./task_store.ts";

const makeOp = () =>
  new WindowOperator({
    windows: tumbling(60_000),
    aggregator: fields({ t: stats() }),
  });

async function checkpoint(store: TaskStore, op: ReturnType<typeof makeOp>, offset: number) {
  const kind = store.needsBase ? "base" : "delta";
  const snap = kind === "base" ? op.snapshot() : op.snapshotKeys(op.changedKeys());
  return await store.write({ offset, task: { n: offset }, kind, operators: { window: snap } });
}

function rebuild(chain: readonly CheckpointData[]) {
  const op = makeOp();
  chain.forEach((d, i) => {
    const snapshot = d.operators.window as WindowOperatorSnapshot;
    if (i === 0) op.restore(snapshot);
    else op.restoreKeys(snapshot);
  });
  return op;
}

Deno.test("TaskStore: base + deltas restore the same state, compaction folds, old files pruned", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const op = makeOp();
    let store = await TaskStore.open(dir, { keep: 2, maxChain: 3, sync: false });
    assertEquals(await store.restore(null), null);
    for (let i = 0; i < 12; i++) {
      op.process(`d${i % 5}`, i * 7_000, { t: i });
      if (i % 4 === 0) op.advanceWatermark(i * 7_000 - 10_000);
      const m = await checkpoint(store, op, i + 1);
      await store.markCommitted(m);
      await store.close(); // let compaction finish so the test is deterministic
    }
    assert(store.manifests.at(-1)!.files.length <= 4, "compaction keeps the chain short");
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assertEquals(names.filter((n) => n.startsWith("manifest-")).length, 2);
    store = await TaskStore.open(dir, { keep: 2, maxChain: 3, sync: false });
    const restored = await store.restore(12);
    assertEquals(restored!.manifest.task, { n: 12 });
    const copy = rebuild(restored!.chain);
    assertEquals(copy.snapshot(), op.snapshot());
    assertEquals(store.keyCounts().window, op.snapshot().keys.length);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("TaskStore: restore picks the checkpoint of the committed offset and drops newer ones", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const op = makeOp();
    const store = await TaskStore.open(dir, { sync: false });
    await store.restore(null);
    op.process("a", 1, { t: 1 });
    await store.markCommitted(await checkpoint(store, op, 10));
    op.process("a", 2, { t: 5 });
    await checkpoint(store, op, 20); // its transaction "aborted"
    const reopened = await TaskStore.open(dir, { sync: false });
    const restored = await reopened.restore(10);
    assertEquals(restored!.manifest.offset, 10);
    assertEquals(reopened.manifests.map((m) => m.offset), [10]);
    await assertRejects(() => reopened.restore(99), CheckpointError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("foldChain keeps the latest state of each key and drops deleted keys", () => {
  const meta = { clockMs: null };
  const folded = foldChain([
    {
      version: 1,
      kind: "base",
      operators: { s: { version: 1, kind: "k", full: true, meta, keys: [["a", 1], ["b", 2]] } },
    },
    {
      version: 1,
      kind: "delta",
      operators: { s: { version: 1, kind: "k", full: false, meta, keys: [["a", null], ["c", 3]] } },
    },
  ]);
  assertEquals(folded.operators.s.keys, [["b", 2], ["c", 3]]);
  assertEquals(folded.operators.s.full, true);
});

Deno.test("TaskStore: a delta holds only the keys changed since the last checkpoint", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const op = makeOp();
    const store = await TaskStore.open(dir, { sync: false });
    await store.restore(null);
    for (let i = 0; i < 1000; i++) op.process(`d${i}`, 1_000, { t: i });
    const base = await checkpoint(store, op, 1000);
    op.process("d7", 2_000, { t: 1 });
    const delta = await checkpoint(store, op, 1001);
    const file = `${dir}/${delta.files.at(-1)}`;
    const data = decodeBinaryData(await Deno.readFile(file), file);
    assertEquals(data.kind, "delta");
    assertEquals(data.operators.window.keys.map(([k]) => k), ["d7"]);
    assert(delta.bytes > base.bytes && (delta.bytes - base.bytes) < base.bytes / 100);
    assertEquals(delta.keys.window, 1000);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("TaskStore: a crash mid-checkpoint leaves the previous checkpoint valid", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const op = makeOp();
    const store = await TaskStore.open(dir, { sync: false });
    await store.restore(null);
    op.process("a", 1, { t: 1 });
    await checkpoint(store, op, 5);
    // What a crash can leave: a half-written temp file and a data file without a manifest.
    await Deno.writeTextFile(`${dir}/manifest-2.json.tmp`, '{"version":1,"seq":2,');
    await Deno.writeTextFile(`${dir}/data-2.bin`, "IOTSTATE torn");
    const reopened = await TaskStore.open(dir, { sync: false });
    const restored = await reopened.restore(5);
    assertEquals(restored!.manifest.seq, 1);
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assertEquals(names, ["data-1.bin", "manifest-1.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("TaskStore: a JSON checkpoint of the previous version restores; binary deltas chain on", async () => {
  // Captured from the previous version (JSON data files): a base at offset 12 of readings
  // i = 0..11 of d{i % 4} at i * 9 s with t = i, watermark 60 s, then a delta at offset 14.
  const dir = await Deno.makeTempDir();
  try {
    const fixture = new URL("./testdata/v1_checkpoint/", import.meta.url);
    for (const entry of Deno.readDirSync(fixture)) {
      await Deno.copyFile(new URL(entry.name, fixture), `${dir}/${entry.name}`);
    }
    let store = await TaskStore.open(dir, { sync: false });
    const restored = await store.restore(14);
    assertEquals(restored!.manifest.files, ["data-1.json", "data-2.json"]);
    const op = rebuild(restored!.chain);
    // Only the 60-120 s window is open; by hand: d0 {8}, d1 {9, 40}, d2 {10}, d3 {7, 11}, é {-0.5}.
    const acc = (count: number, sum: number, min: number, max: number) => ({
      panes: [[60_000, { t: { count, sum, min, max } }]],
      timer: 120_000,
    });
    const expected: [string, unknown][] = [
      ["d0", acc(1, 8, 8, 8)],
      ["d1", acc(2, 49, 9, 40)],
      ["d2", acc(1, 10, 10, 10)],
      ["d3", acc(2, 18, 7, 11)],
      ["é", acc(1, -0.5, -0.5, -0.5)],
    ];
    assertEquals(op.snapshot().keys, expected);
    assertEquals(store.keyCounts().window, 5);
    // The next checkpoint is a binary delta on top of the JSON chain; both restore together.
    op.process("d2", 61_000, { t: 1 });
    const m = await checkpoint(store, op, 15);
    assertEquals(m.files, ["data-1.json", "data-2.json", "data-3.bin"]);
    await store.markCommitted(m);
    store = await TaskStore.open(dir, { sync: false });
    const again = rebuild((await store.restore(15))!.chain);
    assertEquals(again.snapshot(), op.snapshot());
    assertEquals(again.snapshot().keys[2], ["d2", acc(2, 11, 1, 10)]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("TaskStore: a corrupt binary data file fails the restore with a CheckpointError", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const op = makeOp();
    const store = await TaskStore.open(dir, { sync: false });
    await store.restore(null);
    for (let i = 0; i < 100; i++) op.process(`d${i}`, 1_000, { t: i });
    const m = await checkpoint(store, op, 100);
    const path = `${dir}/${m.files[0]}`;
    const bytes = await Deno.readFile(path);
    bytes[200] ^= 1; // one flipped bit, e.g. a bad sector
    await Deno.writeFile(path, bytes);
    const reopened = await TaskStore.open(dir, { sync: false });
    await assertRejects(() => reopened.restore(100), CheckpointError, "corrupt: checksum");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
