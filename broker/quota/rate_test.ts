import { assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { SampledRate, throttleTimeMs } from "./rate.ts";

Deno.test("the rate is measured over at least samples - 1 windows", () => {
  const rate = new SampledRate({ samples: 11, windowMs: 1000 });
  rate.record(10_000, 0);
  assertEquals(rate.windowSize(0), 10_000);
  assertEquals(rate.rate(0), 1000);
  // 10.5 s later the first sample (kept for 11 windows) still counts.
  rate.record(5_000, 10_500);
  assertEquals(rate.windowSize(10_500), 10_500);
  assertAlmostEquals(rate.rate(10_500), 15_000 / 10.5);
});

Deno.test("samples older than the whole span stop counting", () => {
  const rate = new SampledRate({ samples: 3, windowMs: 100 });
  rate.record(300, 0);
  rate.record(300, 150);
  // 150 ms elapsed is one full window: padded to two (250 ms).
  assertAlmostEquals(rate.rate(150), 600 / 0.25);
  // At 300 the sample started at 0 is 3 windows old: only the second one counts.
  assertAlmostEquals(rate.rate(300), 300 / 0.25);
  assertEquals(rate.rate(1000), 0);
});

Deno.test("throttle time brings the rate back to the bound, as Kafka computes it", () => {
  const rate = new SampledRate();
  rate.record(5_000, 0);
  assertEquals(throttleTimeMs(rate, 1000, 0, 11_000), 0);
  rate.record(15_000, 500);
  // 20 000 bytes over 10.5 s = 1904.76 B/s; (1904.76 - 1000) / 1000 × 10 500 ms = 9500 ms.
  assertEquals(throttleTimeMs(rate, 1000, 500, 11_000), 9500);
  // Reference: waiting that long with nothing sent gives exactly the bound.
  assertAlmostEquals(20_000 / ((10_500 + 9500) / 1000), 1000);
  assertEquals(throttleTimeMs(rate, 1000, 500, 2000), 2000);
});

Deno.test("bad rate settings are RangeErrors", () => {
  assertThrows(() => new SampledRate({ samples: 1 }), RangeError);
  assertThrows(() => new SampledRate({ windowMs: 0 }), RangeError);
});
