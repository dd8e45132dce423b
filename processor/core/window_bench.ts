/**
 * Micro benchmark of the core alone: records through a keyed windowed aggregation.
 *
 * Each iteration pushes 100 000 records (1000 keys, roughly in order, event time advancing 1 ms per
 * record so a 60 s tumbling window holds ~60 records per key) and a watermark every 1000 records,
 * so windows fire as they would in production. records/s = 100 000 / time per iteration.
 *
 * Run: `deno bench processor/core/window_bench.ts`
 *
 * @module
 */
import { stats } from "./aggregator.ts";
import { seededRandom } from "@iot/testing";
import { session, sliding, tumbling, type WindowKind } from "./time_window.ts";
import { WindowOperator } from "./window_operator.ts";

const RECORDS = 100_000;
const KEYS = 1_000;
const random = seededRandom(1);
const keyNames = Array.from({ length: KEYS }, (_, i) => `device-${i}`);
const keys = Array.from({ length: RECORDS }, () => keyNames[Math.floor(random() * KEYS)]);
const jitter = Array.from({ length: RECORDS }, () => Math.floor(random() * 2_000));
const values = Array.from({ length: RECORDS }, () => 15 + random() * 20);

function bench(windows: WindowKind, emit: "final" | "updating" = "final") {
  const op = new WindowOperator({ windows, aggregator: stats(), emit });
  let base = 0, fired = 0;
  return () => {
    for (let i = 0; i < RECORDS; i++) {
      const t = base + i - jitter[i];
      op.process(keys[i], t, values[i]);
      if (i % 1_000 === 999) fired += op.advanceWatermark(base + i - 5_000).results.length;
    }
    base += RECORDS;
    if (fired < 0) throw new Error("unreachable: keeps the results alive");
  };
}

Deno.bench({
  name: "tumbling 60 s, stats (count/avg/min/max), 1000 keys, 100k records",
  group: "window",
  baseline: true,
  fn: bench(tumbling(60_000)),
});
Deno.bench({
  name: "sliding 5 min / 1 min, stats, 1000 keys, 100k records",
  group: "window",
  fn: bench(sliding(300_000, 60_000)),
});
Deno.bench({
  name: "sliding 10 min / 1 s (600 panes, two-stacks), stats, 1000 keys, 100k records",
  group: "window",
  fn: bench(sliding(600_000, 1_000)),
});
Deno.bench({
  name: "session gap 30 s, stats, 1000 keys, 100k records",
  group: "window",
  fn: bench(session(30_000)),
});
Deno.bench({
  name: "tumbling 60 s, stats, updating mode, 1000 keys, 100k records",
  group: "window",
  fn: bench(tumbling(60_000), "updating"),
});

const checkpointed = new WindowOperator({ windows: tumbling(60_000), aggregator: stats() });
for (let i = 0; i < RECORDS; i++) checkpointed.process(keys[i], i, values[i]);
Deno.bench({
  name: "full snapshot of 1000 keys (JSON.stringify included)",
  group: "snapshot",
  fn: () => {
    JSON.stringify(checkpointed.snapshot());
  },
});
