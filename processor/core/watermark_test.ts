import { assertEquals, assertThrows } from "@std/assert";
import { boundedOutOfOrderness, monotonous } from "./watermark.ts";
import { PartitionWatermarks } from "./partition_watermarks.ts";
import { SnapshotError } from "./snapshot.ts";
import { ManualClock } from "./core_test_util.ts";

Deno.test("boundedOutOfOrderness: wm = max event time - bound; defaults to 30 s", () => {
  const gen = boundedOutOfOrderness();
  assertEquals(gen.currentWatermark(), -Infinity);
  // events 90s, then 70s (out of order, within the bound): wm stays 60s
  gen.onEvent(90_000);
  assertEquals(gen.currentWatermark(), 60_000);
  gen.onEvent(70_000);
  assertEquals(gen.currentWatermark(), 60_000);
  gen.onEvent(95_000);
  assertEquals(gen.currentWatermark(), 65_000);
});

Deno.test("monotonous: wm = largest event time", () => {
  const gen = monotonous();
  gen.onEvent(5);
  gen.onEvent(3);
  assertEquals(gen.currentWatermark(), 5);
  assertThrows(() => boundedOutOfOrderness(-1), RangeError);
});

Deno.test("generator snapshot/restore round-trips through JSON", () => {
  const gen = boundedOutOfOrderness(10);
  assertEquals(gen.snapshot(), { version: 1, maxEventTimeMs: null });
  gen.onEvent(100);
  const copy = boundedOutOfOrderness(10);
  copy.restore(JSON.parse(JSON.stringify(gen.snapshot())));
  assertEquals(copy.currentWatermark(), 90);
  // deno-lint-ignore no-explicit-any
  assertThrows(() => copy.restore({ version: 2 } as any), SnapshotError, "version 2");
});

function partitions(idleTimeoutMs = 10_000) {
  return new PartitionWatermarks({ generator: () => boundedOutOfOrderness(0), idleTimeoutMs });
}

Deno.test("partitions: the combined watermark is the minimum over partitions", () => {
  const clock = new ManualClock();
  const wm = partitions();
  wm.onEvent(0, 100, clock.nowMs);
  assertEquals(wm.currentWatermark(clock.nowMs), 100);
  wm.onEvent(1, 40, clock.nowMs);
  // never decreases: p1 appeared late with 40, the watermark stays at 100
  assertEquals(wm.currentWatermark(clock.nowMs), 100);
  wm.onEvent(0, 200, clock.advance(1_000));
  wm.onEvent(1, 150, clock.nowMs);
  assertEquals(wm.currentWatermark(clock.nowMs), 150);
});

Deno.test("partitions: an assigned partition without records holds the watermark until idle", () => {
  // now: 0 assign p0,p1 | p0 events... | now 9 999 still held | now 10 000 p1 idle → wm = p0's
  const clock = new ManualClock();
  const wm = partitions();
  wm.assign(0, clock.nowMs);
  wm.assign(1, clock.nowMs);
  wm.onEvent(0, 500, clock.advance(5_000));
  assertEquals(wm.currentWatermark(clock.nowMs), -Infinity);
  wm.onEvent(0, 900, clock.advance(4_999)); // now 9 999: p1 silent for 9 999 ms, not idle yet
  assertEquals(wm.currentWatermark(clock.nowMs), -Infinity);
  assertEquals(wm.isIdle(1, clock.nowMs), false);
  clock.advance(1); // now 10 000: p1 idle
  assertEquals(wm.isIdle(1, clock.nowMs), true);
  assertEquals(wm.currentWatermark(clock.nowMs), 900);
});

Deno.test("partitions: an idle partition stops holding back; it holds again once active", () => {
  const clock = new ManualClock();
  const wm = partitions();
  wm.onEvent("a", 1_000, clock.nowMs);
  wm.onEvent("b", 100, clock.nowMs);
  assertEquals(wm.currentWatermark(clock.nowMs), 100);
  // b goes quiet; a keeps going
  wm.onEvent("a", 5_000, clock.advance(6_000));
  assertEquals(wm.currentWatermark(clock.nowMs), 100);
  wm.onEvent("a", 9_000, clock.advance(6_000)); // b idle since 12 000 - 0 >= 10 000
  assertEquals(wm.currentWatermark(clock.nowMs), 9_000);
  // b wakes up behind: it holds the watermark again, which never goes back
  wm.onEvent("b", 8_000, clock.advance(1));
  wm.onEvent("a", 12_000, clock.nowMs);
  assertEquals(wm.currentWatermark(clock.nowMs), 9_000);
  wm.onEvent("b", 11_000, clock.advance(1));
  assertEquals(wm.currentWatermark(clock.nowMs), 11_000);
});

Deno.test("partitions: when every partition is idle the maximum wins (windows can close)", () => {
  const clock = new ManualClock();
  const wm = partitions();
  wm.onEvent(0, 300, clock.nowMs);
  wm.onEvent(1, 200, clock.nowMs);
  assertEquals(wm.currentWatermark(clock.nowMs), 200);
  assertEquals(wm.currentWatermark(clock.advance(10_000)), 300);
});

Deno.test("partitions: revoke forgets a partition", () => {
  const wm = partitions();
  wm.onEvent(0, 300, 0);
  wm.onEvent(1, 200, 0);
  wm.revoke(1);
  assertEquals(wm.currentWatermark(0), 300);
});

Deno.test("partitions: snapshot/restore; restored partitions count as active from restore time", () => {
  const wm = partitions();
  wm.onEvent(0, 300, 0);
  wm.onEvent(1, 200, 0);
  wm.currentWatermark(0);
  const snapshot = JSON.parse(JSON.stringify(wm.snapshot()));
  assertEquals(snapshot, {
    version: 1,
    kind: "partition-watermarks",
    watermarkMs: 200,
    partitions: [
      { partition: 0, generator: { version: 1, maxEventTimeMs: 300 } },
      { partition: 1, generator: { version: 1, maxEventTimeMs: 200 } },
    ],
  });
  const restored = partitions();
  restored.restore(snapshot, 1_000_000);
  // a long restart does not make every partition idle at once
  assertEquals(restored.currentWatermark(1_000_000), 200);
  restored.onEvent(0, 400, 1_000_001);
  assertEquals(restored.currentWatermark(1_010_000), 400);
});
