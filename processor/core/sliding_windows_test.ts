import { assertEquals, assertGreater } from "@std/assert";
import { type Stats, stats } from "./aggregator.ts";
import { assignWindows, sliding, type SlidingWindows, tumbling } from "./time_window.ts";
import { randomStream, runSteps, type Step } from "./core_test_util.ts";
import type { WindowResult } from "./window_engine.ts";
import { WindowOperator } from "./window_operator.ts";

/**
 * The obvious implementation: every record goes into a value list per (key, window) from
 * `assignWindows`; a window is emitted when wm >= end + lateness; a record is late when all its
 * windows have been emitted.
 */
function bruteForce(windows: SlidingWindows, latenessMs: number, steps: readonly Step[]) {
  const open = new Map<string, { key: string; start: number; end: number; values: number[] }>();
  const results: WindowResult<Stats | null>[] = [];
  const late: number[] = [];
  let wm = -Infinity;
  for (const step of steps) {
    if ("record" in step) {
      const { key, timeMs, value } = step.record;
      const assigned = assignWindows(windows, timeMs).filter((w) => w.end + latenessMs > wm);
      if (assigned.length === 0) late.push(timeMs);
      for (const w of assigned) {
        const id = `${key}@${w.start}`;
        const entry = open.get(id) ?? { key, start: w.start, end: w.end, values: [] };
        entry.values.push(value);
        open.set(id, entry);
      }
    } else if (step.watermarkMs > wm) {
      wm = step.watermarkMs;
      const due = [...open.entries()].filter(([, e]) => e.end + latenessMs <= wm);
      due.sort(([, a], [, b]) => a.end - b.end || (a.key < b.key ? -1 : 1));
      for (const [id, e] of due) {
        open.delete(id);
        const value = e.values.reduce((acc, v) => stats().add(acc, v), stats().createAccumulator());
        results.push({
          key: e.key,
          window: { start: e.start, end: e.end },
          value: stats().getResult(value),
          final: true,
        });
      }
    }
  }
  return { results, late };
}

const CASES: [string, SlidingWindows][] = [
  ["size 60 slide 20 (3 panes of 20)", sliding(60, 20)],
  ["size 50 slide 20 (panes of 10)", sliding(50, 20)],
  ["size 45 slide 45 (tumbling as sliding)", sliding(45, 45)],
  ["size 100 slide 7 offset 3 (panes of 1)", sliding(100, 7, 3)],
  // Windows of more than 16 panes fire through the two-stacks cache (two_stacks.ts).
  ["size 240 slide 2 (120 panes: two-stacks)", sliding(240, 2)],
  ["size 90 slide 3 offset 1 (30 panes: two-stacks)", sliding(90, 3, 1)],
];

for (const [name, windows] of CASES) {
  for (const latenessMs of [0, 15]) {
    Deno.test(`sliding ${name}, lateness ${latenessMs}: same results as brute force`, () => {
      for (let seed = 1; seed <= 8; seed++) {
        const steps = randomStream({ seed, records: 600 });
        const op = new WindowOperator({
          windows,
          aggregator: stats(),
          allowedLatenessMs: latenessMs,
        });
        const actual = runSteps(op, steps);
        const expected = bruteForce(windows, latenessMs, steps);
        assertEquals(actual.results, expected.results, `seed ${seed}`);
        assertEquals(actual.late.map((r) => r.eventTimeMs), expected.late, `seed ${seed}`);
        assertEquals(op.lateCount, expected.late.length);
        assertGreater(expected.results.length, 50);
      }
    });
  }
}

Deno.test("the random streams do contain late records (the comparison covers them)", () => {
  const steps = randomStream({ seed: 1, records: 600 });
  assertGreater(bruteForce(sliding(60, 20), 0, steps).late.length, 5);
});

Deno.test("sliding: t 45 in [0,60) [20,80) [40,100): each fires at its own end", () => {
  // panes of 20: |0 [20 [40 45 |60 |80 |100    wm 60 → [0,60), wm 80 → [20,80), wm 100 → [40,100)
  const op = new WindowOperator({ windows: sliding(60, 20), aggregator: stats() });
  op.process("d", 45, 1);
  op.process("d", 65, 3);
  const ends = (wm: number) =>
    op.advanceWatermark(wm).results.map((r) => [r.window.end, r.value?.count]);
  assertEquals(ends(60), [[60, 1]]);
  assertEquals(ends(80), [[80, 2]]);
  assertEquals(ends(100), [[100, 2]]);
  assertEquals(ends(1_000), [[120, 1]]);
});

Deno.test("sliding, updating mode: a record updates every open window holding it", () => {
  const op = new WindowOperator({
    windows: sliding(60, 20),
    aggregator: stats(),
    emit: "updating",
  });
  op.advanceWatermark(60); // [0,60) closed
  const updates = op.process("d", 45, 1).results;
  assertEquals(updates.map((r) => [r.window.start, r.window.end, r.final]), [
    [20, 80, false],
    [40, 100, false],
  ]);
});

Deno.test("tumbling and sliding(size, size) agree", () => {
  const steps = randomStream({ seed: 42, records: 500 });
  const a = runSteps(new WindowOperator({ windows: tumbling(30), aggregator: stats() }), steps);
  const b = runSteps(new WindowOperator({ windows: sliding(30, 30), aggregator: stats() }), steps);
  assertEquals(a, b);
});
