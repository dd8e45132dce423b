import { assertEquals } from "@std/assert";
import { expectedAlerts, figuresOf } from "./latency_figures.ts";
import type { RunRecord } from "./latency_run.ts";

const job = { windowMs: 30_000, slideMs: 5_000, threshold: 40, margin: 2, outOfOrdernessMs: 5_000 };
// One reading a second; hot (60 °C) from 20 s to 60 s, 22 °C otherwise.
const readings = Array.from({ length: 100 }, (_, k) => ({
  ts: k * 1000,
  temperature: k >= 20 && k < 60 ? 60 : 22,
}));

Deno.test("expectedAlerts: raise at the first window averaging above, clear below the margin", () => {
  // [5 s, 35 s): 15 cool + 15 hot = 41 °C; [50 s, 80 s): 10 hot + 20 cool = 34.7 °C.
  assertEquals(expectedAlerts(readings, job, 100_000), [
    { windowEnd: 35_000, state: "active" },
    { windowEnd: 80_000, state: "cleared" },
  ]);
});

Deno.test("figuresOf: latencies from the tipping reading and from the earliest firing", () => {
  const record: RunRecord = {
    hotReadings: [readings],
    observed: [
      {
        kind: "alert",
        alertId: "a",
        deviceId: "device-0",
        state: "active",
        windowStart: 5_000,
        windowEnd: 35_000,
        readableAt: 40_250,
      },
      {
        ...{ kind: "command", alertId: "a", deviceId: "device-0", state: "active" } as const,
        windowStart: NaN,
        windowEnd: 35_000,
        readableAt: 40_300,
      },
    ],
    startMs: 0,
    stopMs: 100_000,
    sent: 100,
    processorCpuSeconds: 50,
    lateReadings: 0,
    load: {
      seconds: 100,
      processorCpuSeconds: 50,
      instanceCpuSeconds: [50],
      brokerCpuSeconds: 20,
      benchCpuSeconds: 10,
      lag: [],
      loadAverage: 1,
    },
  };
  const f = figuresOf(record, {
    rate: 1,
    devices: 1,
    partitions: 1,
    hot: 1,
    cycleMs: 80_000,
    hotC: 60,
    warmupS: 0,
    seconds: 100,
    partitioner: "murmur2_random",
    instances: 1,
  }, job);
  // The running average of [5 s, 35 s) passes 40 °C with the 14th hot reading, at 33 s.
  assertEquals(f.raw, { p50: 40_250 - 33_000, p99: 40_250 - 33_000 });
  assertEquals(f.beyond, { p50: 250, p99: 250 });
  assertEquals(f.commandBeyond, { p50: 300, p99: 300 });
  // The clear at 80 s was never read back.
  assertEquals([f.alerts, f.missing, f.extra, f.inputRate, f.cpuPercent], [1, 1, 0, 1, 50]);
});
