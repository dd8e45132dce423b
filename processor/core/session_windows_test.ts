import { assertEquals } from "@std/assert";
import { count, stats } from "./aggregator.ts";
import { session } from "./time_window.ts";
import { randomStream, runSteps, type Step } from "./core_test_util.ts";
import { WindowOperator } from "./window_operator.ts";

function sessions(gapMs = 30, allowedLatenessMs = 0, emit: "final" | "updating" = "final") {
  return new WindowOperator({
    windows: session(gapMs),
    aggregator: count(),
    allowedLatenessMs,
    emit,
  });
}

const summary = (op: WindowOperator<unknown, number, number>, wm: number) =>
  op.advanceWatermark(wm).results.map((r) =>
    `${r.key}[${r.window.start},${r.window.end})=${r.value}`
  );

Deno.test("session: records less than a gap apart share a session; it closes at last + gap", () => {
  // t: 0 10 25 | gap 30 → session [0,55); 55 would start a new one
  const op = sessions();
  op.process("d", 0, null);
  op.process("d", 10, null);
  op.process("d", 25, null);
  assertEquals(summary(op, 54), []);
  assertEquals(summary(op, 55), ["d[0,55)=3"]);
});

Deno.test("session: a record exactly one gap after the last starts a new session", () => {
  // t: 0 |30 → [0,30) and [30,60)
  const op = sessions();
  op.process("d", 0, null);
  op.process("d", 30, null);
  assertEquals(summary(op, 100), ["d[0,30)=1", "d[30,60)=1"]);
});

Deno.test("session merge: a record bridging two sessions merges them", () => {
  // t: 0 ... 50 ... then 25 arrives: [0,30) + [25,55) + [50,80) → one session [0,80) of 3
  const op = sessions();
  op.process("d", 0, null);
  op.process("d", 50, null);
  op.process("d", 25, null);
  assertEquals(summary(op, 1_000), ["d[0,80)=3"]);
});

Deno.test("session merge keeps the earlier start and the later end; keys are independent", () => {
  const op = sessions();
  op.process("a", 100, null);
  op.process("b", 105, null);
  op.process("a", 80, null); // extends a's session backwards
  assertEquals(summary(op, 1_000), ["a[80,130)=2", "b[105,135)=1"]);
});

Deno.test("session lateness: a record late for a closed session goes to the side output", () => {
  // [0,30) closes at wm 30; t 5 at wm 40 is late; t 20 at wm 40 makes [20,50): still open, kept
  const op = sessions();
  op.process("d", 0, null);
  assertEquals(summary(op, 40), ["d[0,30)=1"]);
  assertEquals(op.process("d", 5, null).late.length, 1);
  assertEquals(op.process("d", 20, null).late.length, 0);
  assertEquals(summary(op, 50), ["d[20,50)=1"]);
  assertEquals(op.lateCount, 1);
});

Deno.test("session with allowed lateness still merges after its end", () => {
  const op = sessions(30, 20);
  op.process("d", 0, null); // [0,30), final at wm 50
  assertEquals(summary(op, 45), []);
  op.process("d", 29, null); // merges: [0,59)
  assertEquals(summary(op, 78), []);
  assertEquals(summary(op, 79), ["d[0,59)=2"]);
});

Deno.test("session updating mode emits the merged session", () => {
  const op = sessions(30, 0, "updating");
  op.process("d", 0, null);
  op.process("d", 50, null);
  const update = op.process("d", 25, null).results;
  assertEquals(update, [{ key: "d", window: { start: 0, end: 80 }, value: 3, final: false }]);
});

/** Reference: with no watermarks until the end, sessions are the runs of sorted times < gap apart. */
function referenceSessions(steps: readonly Step[], gap: number): string[] {
  const times = new Map<string, number[]>();
  for (const step of steps) {
    if ("record" in step) {
      const list = times.get(step.record.key) ?? [];
      list.push(step.record.timeMs);
      times.set(step.record.key, list);
    }
  }
  const out: { key: string; start: number; end: number; n: number }[] = [];
  for (const [key, list] of times) {
    list.sort((a, b) => a - b);
    let cur = { key, start: list[0], end: list[0] + gap, n: 0 };
    for (const t of list) {
      if (t >= cur.end) {
        out.push(cur);
        cur = { key, start: t, end: t + gap, n: 0 };
      }
      cur.end = t + gap;
      cur.n++;
    }
    out.push(cur);
  }
  out.sort((a, b) => a.end - b.end || (a.key < b.key ? -1 : 1));
  return out.map((s) => `${s.key}[${s.start},${s.end})=${s.n}`);
}

Deno.test("sessions over random out-of-order data equal the sorted-runs reference", () => {
  for (let seed = 1; seed <= 5; seed++) {
    const steps = randomStream({ seed, records: 400, keys: 3, maxStepMs: 20 })
      .filter((s) => "record" in s);
    const op = sessions(25);
    runSteps(op, steps);
    assertEquals(summary(op, Infinity), referenceSessions(steps, 25), `seed ${seed}`);
  }
});

Deno.test("session stats over merges equal one pass", () => {
  const op = new WindowOperator({ windows: session(10), aggregator: stats() });
  for (const t of [0, 30, 8, 22, 15]) op.process("d", t, t);
  const [result] = op.advanceWatermark(100).results;
  assertEquals(result.window, { start: 0, end: 40 });
  assertEquals(result.value, { count: 5, avg: 15, min: 0, max: 30 });
});
