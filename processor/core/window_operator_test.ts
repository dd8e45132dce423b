import { assertEquals, assertThrows } from "@std/assert";
import { count, stats, sum } from "./aggregator.ts";
import { tumbling } from "./time_window.ts";
import { boundedOutOfOrderness } from "./watermark.ts";
import { PartitionWatermarks } from "./partition_watermarks.ts";
import { ManualClock } from "./core_test_util.ts";
import { WindowOperator } from "./window_operator.ts";

const MIN = 60_000;

function tumblingSum(allowedLatenessMs = 0, emit: "final" | "updating" = "final") {
  return new WindowOperator({ windows: tumbling(MIN), aggregator: sum(), allowedLatenessMs, emit });
}

Deno.test("boundary: t: 0----59.999|60 ... wm 60 fires [0,60) without the record at 60", () => {
  const op = tumblingSum();
  op.process("d", 0, 1);
  op.process("d", 59_999, 2);
  op.process("d", 60_000, 4); // exactly at end: belongs to [60,120)
  assertEquals(op.advanceWatermark(59_999).results, []);
  assertEquals(op.advanceWatermark(60_000).results, [
    { key: "d", window: { start: 0, end: MIN }, value: 3, final: true },
  ]);
  assertEquals(op.advanceWatermark(120_000).results, [
    { key: "d", window: { start: MIN, end: 2 * MIN }, value: 4, final: true },
  ]);
});

Deno.test("out of order within the 30 s bound: t 90 (wm 60) fires [0,60); t 45 then 70 (wm 60)", () => {
  // t:  10  90 | wm 60 fires [0,60) = {10} ... 65 75 (in order enough) 45 arrives after wm 60: late
  const gen = boundedOutOfOrderness(30_000);
  const op = tumblingSum();
  const feed = (t: number, v: number) => {
    gen.onEvent(t);
    const out = op.process("d", t, v);
    const fired = op.advanceWatermark(gen.currentWatermark());
    return { late: out.late, results: fired.results };
  };
  assertEquals(feed(10_000, 1).results, []);
  assertEquals(feed(80_000, 2).results, []); // wm 50 s
  assertEquals(feed(55_000, 4).results, []); // 25 s behind the max: within the bound, on time
  assertEquals(feed(90_000, 8).results, [
    { key: "d", window: { start: 0, end: MIN }, value: 5, final: true },
  ]);
  const late = feed(45_000, 16); // behind wm 60 s: [0,60) already closed
  assertEquals(late.late, [{ key: "d", eventTimeMs: 45_000, value: 16, watermarkMs: 60_000 }]);
  assertEquals(op.lateCount, 1);
  assertEquals(op.advanceWatermark(Infinity).results[0].value, 10);
});

Deno.test("late beyond allowed lateness goes to the side output, counted; within it is kept", () => {
  // [0,60) with lateness 10 s: open until wm 70 s
  const op = tumblingSum(10_000);
  op.process("d", 1_000, 1);
  assertEquals(op.advanceWatermark(65_000).results, []); // past end, within lateness: not final yet
  assertEquals(op.process("d", 2_000, 2).late, []); // accepted
  const fired = op.advanceWatermark(70_000).results;
  assertEquals(fired, [{ key: "d", window: { start: 0, end: MIN }, value: 3, final: true }]);
  const out = op.process("d", 59_999, 4);
  assertEquals(out.late, [{ key: "d", eventTimeMs: 59_999, value: 4, watermarkMs: 70_000 }]);
  assertEquals(op.lateCount, 1);
  assertEquals(op.advanceWatermark(1e12).results, []); // nothing silently added afterwards
});

Deno.test("updating mode emits on every change and the final at close", () => {
  const op = tumblingSum(0, "updating");
  assertEquals(op.process("d", 1, 1).results, [
    { key: "d", window: { start: 0, end: MIN }, value: 1, final: false },
  ]);
  assertEquals(op.process("d", 2, 2).results[0].value, 3);
  assertEquals(op.advanceWatermark(MIN).results, [
    { key: "d", window: { start: 0, end: MIN }, value: 3, final: true },
  ]);
});

Deno.test("results are ordered by window end, then key, whatever the arrival order", () => {
  const op = new WindowOperator({ windows: tumbling(10), aggregator: count() });
  for (const [key, t] of [["b", 15], ["c", 3], ["a", 5], ["b", 2], ["a", 12]] as const) {
    op.process(key, t, null);
  }
  const fired = op.advanceWatermark(20).results.map((r) => `${r.window.start}:${r.key}=${r.value}`);
  assertEquals(fired, ["0:a=1", "0:b=1", "0:c=1", "10:a=1", "10:b=1"]);
});

Deno.test("a watermark jump fires every window in between, empty windows emit nothing", () => {
  const op = new WindowOperator({ windows: tumbling(10), aggregator: stats() });
  op.process("d", 5, 1);
  op.process("d", 35, 3);
  op.process("d", 36, 5);
  const fired = op.advanceWatermark(1_000).results;
  assertEquals(fired.map((r) => [r.window.start, r.value]), [
    [0, { count: 1, avg: 1, min: 1, max: 1 }],
    [30, { count: 2, avg: 4, min: 3, max: 5 }],
  ]);
  assertEquals(op.snapshot().keys, []); // fired windows free their state
});

Deno.test("watermarks never go back; bad arguments are RangeErrors", () => {
  const op = tumblingSum();
  op.advanceWatermark(100);
  op.advanceWatermark(50);
  assertEquals(op.watermarkMs, 100);
  assertThrows(() => op.process("d", NaN, 1), RangeError, "eventTimeMs");
  assertThrows(() => tumblingSum(-1), RangeError, "allowedLatenessMs");
});

Deno.test("idle partition: a quiet partition stops holding the window open after the timeout", async (t) => {
  // p0: 10s 50s 95s ...  p1: 20s then silent.  wm = min(p0, p1) - 30s bound
  // now 0..59s: held at p1's -10s; now 60s: p1 idle (60s timeout) → wm 65s fires [0,60)
  const clock = new ManualClock();
  const watermarks = new PartitionWatermarks({
    generator: () => boundedOutOfOrderness(30_000),
    idleTimeoutMs: 60_000,
  });
  const op = tumblingSum();
  const feed = (partition: number, eventTimeMs: number, value: number) => {
    watermarks.onEvent(partition, eventTimeMs, clock.nowMs);
    op.process("d", eventTimeMs, value);
    return op.advanceWatermark(watermarks.currentWatermark(clock.nowMs)).results;
  };
  await t.step("both partitions active: p1 holds the watermark back", () => {
    assertEquals(feed(0, 10_000, 1), []);
    assertEquals(feed(1, 20_000, 2), []);
    clock.advance(30_000);
    assertEquals(feed(0, 50_000, 4), []);
    clock.advance(29_999);
    assertEquals(feed(0, 95_000, 8), []);
    assertEquals(op.watermarkMs, -10_000);
  });
  await t.step("p1 silent for the idle timeout: the window closes", () => {
    clock.advance(1); // now 60 000: p1 last active at 0
    const fired = op.advanceWatermark(watermarks.currentWatermark(clock.nowMs)).results;
    assertEquals(op.watermarkMs, 65_000);
    assertEquals(fired, [{ key: "d", window: { start: 0, end: MIN }, value: 7, final: true }]);
  });
});
