import { assertEquals, assertThrows } from "@std/assert";
import { randomStream, runSteps } from "../core/core_test_util.ts";
import {
  avg,
  count,
  fields,
  KeyedState,
  RunningMax,
  session,
  sliding,
  stats,
  ThresholdAlert,
  tumbling,
  type WindowKind,
  WindowOperator,
} from "../mod.ts";
import { BINARY_DATA_VERSION, decodeBinaryData, encodeBinaryData } from "./binary_format.ts";
import { type AnySnapshot, CheckpointError } from "./format.ts";

/** A snapshot through a binary data file and back, as a restore after a checkpoint sees it. */
function viaFile(snapshot: AnySnapshot, kind: "base" | "delta" = "base"): AnySnapshot {
  const bytes = encodeBinaryData({ version: 1, kind, operators: { op: snapshot } });
  const data = decodeBinaryData(bytes, "test.bin");
  assertEquals(data.kind, kind);
  return data.operators.op;
}

const WINDOWS: [string, WindowKind][] = [
  ["tumbling", tumbling(30)],
  ["sliding", sliding(60, 20)],
  ["session", session(25)],
];
const window = (windows: WindowKind) =>
  new WindowOperator({
    windows,
    aggregator: fields({ n: count(), v: stats(), a: avg() }),
    allowedLatenessMs: 10,
  });
const asFields = (op: ReturnType<typeof window>) => ({
  process: (key: string, t: number, value: number) =>
    op.process(key, t, { n: 1, v: value, a: value }),
  advanceWatermark: (w: number) => op.advanceWatermark(w),
});

for (const [name, windows] of WINDOWS) {
  for (const seed of [1, 2, 3]) {
    Deno.test(`binary file: ${name} window state (seed ${seed}) restores to an uninterrupted run`, () => {
      const steps = randomStream({ seed, records: 600, keys: 40 });
      // The reference: the same stream without a checkpoint in between.
      const expected = runSteps(asFields(window(windows)), steps);
      const cut = 150 + seed * 97;
      const live = window(windows);
      const output = runSteps(asFields(live), steps.slice(0, cut));
      const base = viaFile(live.snapshot());
      runSteps(asFields(live), steps.slice(cut, cut + 20), output);
      const delta = viaFile(live.snapshotKeys(live.changedKeys()), "delta");
      const rebuilt = window(windows);
      rebuilt.restore(base, { owned: true });
      rebuilt.restoreKeys(delta, { owned: true });
      assertEquals(JSON.stringify(rebuilt.snapshot()), JSON.stringify(live.snapshot()));
      runSteps(asFields(rebuilt), steps.slice(cut + 20), output);
      assertEquals(output, expected);
    });
  }
}

Deno.test("binary file: keyed state, threshold alerts and running maxima round-trip", () => {
  const keyed = new KeyedState<{ hits: number[]; last: string | null }>({ ttlMs: 50 });
  const alerts = new ThresholdAlert({ threshold: 30, margin: 2, ttl: { ttlMs: 1_000 } });
  const maxima = new RunningMax();
  for (let i = 0; i < 200; i++) {
    const key = `k${i % 23}`;
    keyed.advanceClock({ nowMs: i });
    keyed.set(key, { hits: [i, i * 0.5], last: i % 3 === 0 ? null : `v${i}` });
    alerts.process(key, 25 + (i % 11), i * 10, i);
    maxima.process(key, Math.sin(i), i, i);
  }
  keyed.delete("k5");
  for (const op of [keyed, alerts, maxima]) {
    const original = op.snapshot();
    const fresh = op === keyed
      ? new KeyedState({ ttlMs: 50 })
      : op === alerts
      ? new ThresholdAlert({ threshold: 30, margin: 2, ttl: { ttlMs: 1_000 } })
      : new RunningMax();
    fresh.restore(viaFile(original) as never);
    assertEquals(fresh.snapshot(), original);
  }
});

Deno.test("binary file: a torn, truncated, corrupt or foreign file fails with a clear error", () => {
  const op = window(tumbling(30));
  for (let i = 0; i < 50; i++) op.process(`d${i}`, i, { n: 1, v: i, a: i });
  const bytes = encodeBinaryData({ version: 1, kind: "base", operators: { op: op.snapshot() } });
  const fails = (b: Uint8Array, message: string) =>
    assertThrows(() => decodeBinaryData(b, "data-7.bin"), CheckpointError, message);
  fails(bytes.subarray(0, bytes.length - 100), "truncated or torn");
  fails(bytes.subarray(0, 20), "truncated (20 bytes)");
  const flipped = bytes.slice();
  flipped[bytes.length >> 1] ^= 0x10;
  fails(flipped, "data-7.bin: corrupt: checksum");
  const newer = bytes.slice();
  new DataView(newer.buffer).setUint32(8, BINARY_DATA_VERSION + 1, true);
  fails(newer, `format version ${BINARY_DATA_VERSION + 1} is not supported`);
  fails(new TextEncoder().encode('{"version":1}'), "bad magic");
  // An intact file decodes.
  assertEquals(decodeBinaryData(bytes, "data-7.bin").operators.op.keys.length, 50);
});

Deno.test("a lazily restored window operator's snapshot is written from its columns and reads back the same", () => {
  const make = () => new WindowOperator({ windows: sliding(60, 20), aggregator: stats() });
  const steps = randomStream({ seed: 11, records: 500, keys: 40 });
  const original = make();
  runSteps(original, steps.slice(0, 300));
  const base = viaFile(original.snapshot());
  const [eager, lazy] = [make(), make()];
  eager.restore(base, { eager: true });
  lazy.restore(base);
  const rest = steps.slice(300, 310); // touches some keys, fires some restored windows
  assertEquals(runSteps(lazy, rest), runSteps(eager, rest));
  const written = lazy.snapshot();
  assertEquals(written.columns !== undefined, true); // untaken rows copied as columns
  const again = viaFile(written);
  assertEquals(JSON.stringify(again.keys), JSON.stringify(eager.snapshot().keys));
});
