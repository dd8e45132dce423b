import { assertEquals } from "@std/assert";
import { type SeededRandom, seededRandom } from "@iot/testing";
import { stats } from "./aggregator.ts";
import { fromColumns, toColumns } from "./columnar_snapshot.ts";
import { session, sliding, tumbling, type WindowKind } from "./time_window.ts";
import { type EmitMode, WindowOperator, type WindowOperatorSnapshot } from "./window_operator.ts";

/**
 * The same random operations through an eagerly and a lazily restored operator must give the
 * same outputs and the same snapshots: records for restored, new and already touched keys
 * (some late), watermark advances firing restored and live windows, deltas and full snapshots
 * taken after partial materialisation, and restores of those snapshots (and of a chain) again.
 */
const CASES: Array<[string, WindowKind, EmitMode, number]> = [
  ["tumbling(100)", tumbling(100), "final", 0],
  ["tumbling(100) lateness 40", tumbling(100), "final", 40],
  ["sliding(100, 20) updating", sliding(100, 20), "updating", 10],
  ["sliding(400, 20)", sliding(400, 20), "final", 0], // 20 panes: the two-stacks cache
  ["session(50)", session(50), "final", 5], // stays eager: both paths must still agree
];

type Op = WindowOperator<number, unknown, unknown>;
type Pair = { eager: Op; lazy: Op };

// Non-ASCII keys exercise the byte index and the UTF-16 key order of merged columns.
const NAMES = ["d", "dé", "d😀", "d\uE000", "d\uFFFF", "é", "😀", "\uE000", "a"];

function keyOf(random: SeededRandom, pool: number): string {
  return `${random.pick(NAMES)}-${random.int(0, pool)}`;
}

function make(windows: WindowKind, emit: EmitMode, lateness: number): Op {
  return new WindowOperator({ windows, aggregator: stats(), emit, allowedLatenessMs: lateness });
}

/** A binary checkpoint's view of a snapshot: its columns (as written) read back. */
function viaColumns(snapshot: WindowOperatorSnapshot): WindowOperatorSnapshot {
  return fromColumns(snapshot.columns ?? toColumns(snapshot)) as WindowOperatorSnapshot;
}

/** An eager and a lazy operator restored from `base` and then `deltas` (a checkpoint chain). */
function restorePair(
  make: () => Op,
  base: WindowOperatorSnapshot,
  deltas: WindowOperatorSnapshot[],
): Pair {
  const pair = { eager: make(), lazy: make() };
  pair.eager.restore(viaColumns(base), { eager: true });
  pair.lazy.restore(viaColumns(base));
  for (const delta of deltas) {
    pair.eager.restoreKeys(viaColumns(delta));
    pair.lazy.restoreKeys(viaColumns(delta));
  }
  return pair;
}

const text = (value: unknown) => JSON.stringify(value);

function run(seed: number, windows: WindowKind, emit: EmitMode, lateness: number): void {
  const random = seededRandom(seed);
  const fresh = () => make(windows, emit, lateness);
  let wm = 1_000;
  const original = fresh();
  for (let i = 0; i < 600; i++) original.process(keyOf(random, 40), wm + random.int(0, 400), i);
  original.advanceWatermark(wm += 150);
  let base = original.snapshot();
  let chain: WindowOperatorSnapshot[] = [];
  let pair = restorePair(fresh, base, chain);
  for (let step = 0; step < 1_500; step++) {
    const r = random();
    let outputs: [unknown, unknown];
    if (r < 0.7) {
      // Restored keys, touched ones and new ones (a larger pool), some late.
      const key = keyOf(random, random() < 0.7 ? 40 : 80);
      const time = wm + random.int(-200, 400);
      const value = random.int(-50, 50);
      outputs = [pair.eager.process(key, time, value), pair.lazy.process(key, time, value)];
    } else if (r < 0.9) {
      wm += random.int(0, 60);
      outputs = [pair.eager.advanceWatermark(wm), pair.lazy.advanceWatermark(wm)];
    } else if (r < 0.95) {
      const d = [pair.eager, pair.lazy].map((op) => op.snapshotKeys(op.changedKeys()));
      assertEquals(text(d[1]), text(d[0]), `delta at step ${step}`);
      chain.push(d[1]);
      continue;
    } else if (r < 0.98) {
      const full = [pair.eager.snapshot(), pair.lazy.snapshot()];
      assertEquals(text(full[1]), text(full[0]), `full snapshot at step ${step}`);
      [base, chain] = [full[1], []];
      continue;
    } else {
      // As after a crash: the last base and its deltas, restored both ways.
      pair = restorePair(fresh, base, chain);
      continue;
    }
    assertEquals(text(outputs[1]), text(outputs[0]), `outputs at step ${step}`);
  }
  // Everything restored eventually fires.
  const last = [pair.eager.advanceWatermark(1e9), pair.lazy.advanceWatermark(1e9)];
  assertEquals(text(last[1]), text(last[0]));
  assertEquals(text(pair.lazy.snapshot()), text(pair.eager.snapshot()));
}

for (const [name, windows, emit, lateness] of CASES) {
  Deno.test(`lazy restore ${name}: same outputs and snapshots as an eager restore`, () => {
    for (const seed of [1, 2]) run(seed, windows, emit, lateness);
  });
}

Deno.test("a lazy restore's untaken rows are in its next full snapshot, from the columns", () => {
  const op = make(tumbling(100), "final", 0);
  for (let i = 0; i < 50; i++) op.process(`k${i}`, 10 + i, i);
  const snapshot = op.snapshot();
  const lazy = make(tumbling(100), "final", 0);
  lazy.restore(viaColumns(snapshot));
  lazy.process("k7", 20, 1); // one taken
  const next = lazy.snapshot();
  assertEquals(next.columns !== undefined, true);
  assertEquals(next.keys.length, 50);
  assertEquals(lazy.advanceWatermark(100).results.length, 50);
});

Deno.test("a taken key's restored timer fires from the restored rows, then a new one live", () => {
  const op = make(tumbling(100), "final", 0);
  for (let i = 0; i < 10; i++) op.process(`k${i}`, 10 + i, i);
  const pair = restorePair(() => make(tumbling(100), "final", 0), op.snapshot(), []);
  const both = (f: (op: Op) => unknown) => {
    const [eager, lazy] = [f(pair.eager), f(pair.lazy)];
    assertEquals(text(lazy), text(eager));
    return lazy as ReturnType<Op["advanceWatermark"]>;
  };
  both((op) => op.process("k3", 20, 100)); // taken: its timer (100) stays with the restored rows
  const first = both((op) => op.advanceWatermark(100)).results;
  assertEquals(first.length, 10);
  assertEquals(first.find((r) => r.key === "k3")?.value, { count: 2, avg: 51.5, min: 3, max: 100 });
  both((op) => op.process("k3", 150, 7)); // a new timer (200), in the live queue
  const second = both((op) => op.advanceWatermark(200)).results;
  assertEquals(second.map((r) => [r.key, r.value]), [["k3", { count: 1, avg: 7, min: 7, max: 7 }]]);
  assertEquals(both((op) => op.advanceWatermark(1e9)).results, []);
});
