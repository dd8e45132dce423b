import { assert, assertEquals } from "@std/assert";
import type { RunLoad } from "./latency_load.ts";
import { keptUp, loadRow } from "./latency_load_table.ts";

const lag = (atS: number, byDevice: number, overheating: number) => ({
  atS,
  byDevice,
  overheating,
});

Deno.test("keptUp judges the lag at the end of the input, after the warm-up", () => {
  assert(keptUp([lag(10, 900_000, 0), lag(50, 1_000, 2_000)], 40, 10_000));
  assert(!keptUp([lag(50, 1_000, 20_000)], 40, 10_000));
  assert(!keptUp([lag(10, 0, 0)], 40, 10_000), "no sample after the warm-up");
  assert(!keptUp([lag(50, NaN, 0)], 40, 10_000), "an unanswered status is not kept up");
});

Deno.test("loadRow gives CPU shares per process and the lag", () => {
  const load: RunLoad = {
    seconds: 100,
    processorCpuSeconds: 120,
    instanceCpuSeconds: [70, 50],
    brokerCpuSeconds: 40,
    benchCpuSeconds: 20,
    lag: [lag(45, 5_000, 60_000), lag(100, 3_000, 40_000)],
    loadAverage: 3.14,
  };
  assertEquals(
    loadRow("kafka", { guarantee: "exactly-once", checkpointMs: 1_000 }, 0, load, 40, 50_000),
    "| kafka | exactly-once | 1 s | 1 | 120 (70 + 50) | 40 | 20 | 5000 / 3000 | 60000 / 40000 " +
      "| yes | 3.1 |",
  );
});
