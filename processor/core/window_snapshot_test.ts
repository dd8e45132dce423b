import { assertEquals, assertLess, assertThrows } from "@std/assert";
import { stats } from "./aggregator.ts";
import { SnapshotError } from "./snapshot.ts";
import { session, sliding, tumbling, type WindowKind } from "./time_window.ts";
import { randomStream, runSteps } from "./core_test_util.ts";
import { type EmitMode, WindowOperator, type WindowOperatorSnapshot } from "./window_operator.ts";

const KINDS: [string, WindowKind][] = [
  ["tumbling(30)", tumbling(30)],
  ["sliding(60, 20)", sliding(60, 20)],
  ["session(25)", session(25)],
];

function make(windows: WindowKind, emit: EmitMode = "final", allowedLatenessMs = 10) {
  return new WindowOperator({ windows, aggregator: stats(), emit, allowedLatenessMs });
}

/** Snapshots travel as JSON in checkpoints. */
function viaJson(snapshot: WindowOperatorSnapshot): WindowOperatorSnapshot {
  return JSON.parse(JSON.stringify(snapshot));
}

for (const [name, windows] of KINDS) {
  for (const emit of ["final", "updating"] as const) {
    Deno.test(`${name} ${emit}: snapshot/restore mid-stream equals an uninterrupted run`, () => {
      const steps = randomStream({ seed: 7, records: 800, keys: 20 });
      const expected = runSteps(make(windows, emit), steps);
      for (const cut of [1, 137, 400, 799]) {
        const before = make(windows, emit);
        const output = runSteps(before, steps.slice(0, cut));
        const snapshot = viaJson(before.snapshot());
        const after = make(windows, emit);
        after.restore(snapshot);
        assertEquals(JSON.stringify(after.snapshot()), JSON.stringify(snapshot));
        assertEquals(after.lateCount, before.lateCount);
        runSteps(after, steps.slice(cut), output);
        assertEquals(output, expected, `cut at ${cut}`);
      }
    });

    Deno.test(`${name} ${emit}: base + incremental delta restores the same state`, () => {
      const steps = randomStream({ seed: 11, records: 800, keys: 50 });
      const expected = runSteps(make(windows, emit), steps);
      const live = make(windows, emit);
      const output = runSteps(live, steps.slice(0, 300));
      const base = viaJson(live.snapshot());
      assertEquals(live.changedKeys(), []);
      runSteps(live, steps.slice(300, 310), output);
      const changed = live.changedKeys();
      assertLess(changed.length, 20); // ∝ keys touched, not all 50
      const delta = viaJson(live.snapshotKeys(changed));
      assertEquals(delta.full, false);
      assertEquals(live.changedKeys(), []);
      const rebuilt = make(windows, emit);
      rebuilt.restore(base);
      rebuilt.restoreKeys(delta);
      assertEquals(JSON.stringify(rebuilt.snapshot()), JSON.stringify(live.snapshot()));
      runSteps(rebuilt, steps.slice(310), output);
      assertEquals(output, expected);
    });
  }

  Deno.test(`${name}: same input gives the same snapshot JSON`, () => {
    const steps = randomStream({ seed: 3, records: 300, keys: 10 });
    const a = make(windows), b = make(windows);
    runSteps(a, steps.slice(0, 200));
    runSteps(b, steps.slice(0, 200));
    const json = JSON.stringify(a.snapshot());
    assertEquals(JSON.stringify(b.snapshot()), json);
    assertEquals(JSON.parse(json).version, 1);
  });
}

Deno.test("snapshot shape: versioned plain data, keys sorted, panes with accumulators", () => {
  const op = make(tumbling(30), "final", 0);
  op.process("b", 5, 2);
  op.process("a", 35, 4);
  op.process("a", 1, 1);
  assertEquals(viaJson(op.snapshot()), {
    version: 1,
    kind: "window",
    full: true,
    meta: {
      windows: { kind: "tumbling", sizeMs: 30, offsetMs: 0 },
      allowedLatenessMs: 0,
      watermarkMs: null,
      lateCount: 0,
    },
    keys: [
      ["a", {
        panes: [[0, { count: 1, sum: 1, min: 1, max: 1 }], [30, {
          count: 1,
          sum: 4,
          min: 4,
          max: 4,
        }]],
        timer: 30,
      }],
      ["b", { panes: [[0, { count: 1, sum: 2, min: 2, max: 2 }]], timer: 30 }],
    ],
  });
});

Deno.test("a snapshot never aliases live state", () => {
  const op = make(tumbling(30));
  op.process("a", 1, 1);
  const snapshot = op.snapshot();
  const json = JSON.stringify(snapshot);
  op.process("a", 2, 5);
  assertEquals(JSON.stringify(snapshot), json);
});

Deno.test("restore rejects other versions, kinds and window settings with SnapshotError", () => {
  const snapshot = make(tumbling(30)).snapshot();
  assertThrows(
    () => make(tumbling(30)).restore({ ...snapshot, version: 2 } as never),
    SnapshotError,
    "version 2",
  );
  assertThrows(
    () => make(tumbling(30)).restore({ ...snapshot, kind: "running-max" }),
    SnapshotError,
    "running-max",
  );
  assertThrows(() => make(tumbling(60)).restore(snapshot), SnapshotError, "windows");
  assertThrows(() => make(tumbling(30), "final", 0).restore(snapshot), SnapshotError, "lateness");
});

Deno.test("a chain of deltas (one per checkpoint) rebuilds the state after any of them", () => {
  const steps = randomStream({ seed: 21, records: 900, keys: 30 });
  const windows = sliding(60, 20);
  const expected = runSteps(make(windows), steps);
  const live = make(windows);
  const output = runSteps(live, steps.slice(0, 100));
  const checkpoints = [viaJson(live.snapshot())];
  for (let at = 100; at < 600; at += 100) {
    runSteps(live, steps.slice(at, at + 100), output);
    checkpoints.push(viaJson(live.snapshotKeys(live.changedKeys())));
  }
  const rebuilt = make(windows);
  rebuilt.restore(checkpoints[0]);
  for (const delta of checkpoints.slice(1)) rebuilt.restoreKeys(delta);
  runSteps(rebuilt, steps.slice(600), output);
  assertEquals(output, expected);
});
