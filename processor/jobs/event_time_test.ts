import { assertEquals, assertThrows } from "@std/assert";
import { SnapshotError } from "../core/snapshot.ts";
import { TaskClock } from "./event_time.ts";

Deno.test("TaskClock: the watermark is the minimum over sources, each with its own bound", () => {
  const clock = new TaskClock(1_000);
  assertEquals(clock.watermarkMs(), null);
  assertEquals(clock.observe(20_000, "in:0"), 19_000);
  assertEquals(clock.observe(12_000, "in:1"), 19_000); // never decreases
  assertEquals(clock.observe(30_000, "in:0"), 19_000); // in:1 holds it at 11 000 → still 19 000
  assertEquals(clock.observe(25_000, "in:1"), 24_000);
  // Without a source, records are one source: the single bounded-out-of-orderness watermark.
  const single = new TaskClock(1_000);
  assertEquals([5_000, 3_000, 9_000].map((t) => single.observe(t)), [4_000, 4_000, 8_000]);
});

Deno.test("TaskClock: a source silent for sourceIdleMs of event time stops holding it back", () => {
  const clock = new TaskClock(0, { sourceIdleMs: 10_000 });
  clock.observe(1_000, "a");
  assertEquals(clock.observe(10_000, "b"), 1_000);
  assertEquals(clock.observe(11_000, "b"), 11_000); // a last sent at task time 1 000: idle
  assertEquals(clock.observe(5_000, "a"), 11_000); // counts again, but never goes back
  assertEquals(clock.observe(14_000, "b"), 11_000);
  assertEquals(clock.observe(13_000, "a"), 13_000);
});

Deno.test("TaskClock: expected sources hold the watermark from the first record", () => {
  const clock = new TaskClock(0, { sources: ["in:0", "in:1"], sourceIdleMs: 10_000 });
  assertEquals(clock.observe(5_000, "in:0"), -Infinity);
  assertEquals(clock.observe(8_000, "in:1"), 5_000);
  // A source that never sends stops counting once idle.
  const absent = new TaskClock(0, { sources: ["in:0", "in:1"], sourceIdleMs: 10_000 });
  assertEquals(absent.observe(5_000, "in:0"), -Infinity);
  assertEquals(absent.observe(15_000, "in:0"), 15_000);
});

Deno.test("TaskClock: per-source state survives a snapshot; idle sources are left out", () => {
  const clock = new TaskClock(1_000, { sourceIdleMs: 12_000 });
  clock.observe(2_000, "gone");
  assertEquals(clock.observe(15_000, "b"), 14_000); // "gone" is idle
  assertEquals(clock.observe(20_000, "a"), 14_000);
  const snapshot = JSON.parse(JSON.stringify(clock.snapshot()));
  assertEquals(snapshot.maxEventTimeMs, 20_000);
  assertEquals(snapshot.sources.partitions.map((p: { partition: string }) => p.partition), [
    "b",
    "a",
  ]);
  const restored = new TaskClock(1_000, { sourceIdleMs: 12_000 });
  restored.restore(snapshot);
  assertEquals(restored.watermarkMs(), clock.watermarkMs());
  // b still holds it back after the restore, exactly as in the original.
  for (const c of [clock, restored]) {
    assertEquals(c.observe(25_000, "a"), 14_000);
    assertEquals(c.observe(22_000, "b"), 21_000);
  }
});

Deno.test("TaskClock: a snapshot of one generator (before sources) restores as one source", () => {
  const clock = new TaskClock(1_000);
  clock.restore({ version: 1, maxEventTimeMs: 10_000 });
  assertEquals(clock.watermarkMs(), 9_000);
  // Records without a source continue that generator, as before the upgrade.
  assertEquals(clock.observe(9_500), 9_000);
  assertEquals(clock.observe(12_000), 11_000);
  // Stamped records are new sources; the old one holds the watermark until it goes idle.
  assertEquals(clock.observe(30_000, "in:0"), 11_000);
  assertEquals(clock.observe(71_000, "in:0"), 11_000);
  assertEquals(clock.observe(72_000, "in:0"), 71_000); // 60 s (the default) past its last one
  const empty = new TaskClock(1_000);
  empty.restore({ version: 1, maxEventTimeMs: null });
  assertEquals(empty.watermarkMs(), null);
  assertThrows(() => empty.restore({ version: 3 } as never), SnapshotError, "version 3");
});
