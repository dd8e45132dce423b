import { assertEquals } from "@std/assert";
import { COOL, percentile, readingsIn, temperatureAt, tippingReading } from "./latency_tip.ts";

const r = (ts: number, temperature: number) => ({ ts, temperature });

Deno.test("tippingReading: a rise tips at the reading after which the average stays above", () => {
  // Averages: 22, 22, 34.67, 41.5, 45.2 (> 40 from the 4th reading on).
  const window = [r(0, 22), r(1, 22), r(2, 60), r(3, 62), r(4, 60)];
  assertEquals(tippingReading(window, "active", 40, 38), r(3, 62));
  // A dip back below the threshold moves the tip to after the dip.
  const dip = [r(0, 50), r(1, 20), r(2, 10), r(3, 60), r(4, 60), r(5, 60)];
  // Averages: 50, 35, 26.67, 35, 40, 43.33: only the last is strictly above 40.
  assertEquals(tippingReading(dip, "active", 40, 38), r(5, 60));
  assertEquals(tippingReading([r(0, 30)], "active", 40, 38), undefined);
});

Deno.test("tippingReading: a clear tips when the average stays below threshold - margin", () => {
  // Averages: 60, 60, 47.33, 41, 37.2 (< 38 from the 5th on).
  const window = [r(0, 60), r(1, 60), r(2, 22), r(3, 22), r(4, 22)];
  assertEquals(tippingReading(window, "cleared", 40, 38), r(4, 22));
});

Deno.test("temperatureAt: hot devices are hot half of each shifted cycle, the others cool", () => {
  const s = { hot: 2, cycleMs: 1000, hotC: 60 };
  assertEquals([0, 499, 500, 999, 1000].map((t) => temperatureAt(s, 0, t)), [60, 60, 22, 22, 60]);
  // Device 1 is shifted by half a cycle: cool when device 0 is hot.
  assertEquals([0, 499, 500].map((t) => temperatureAt(s, 1, t)), [22, 22, 60]);
  assertEquals(temperatureAt(s, 2, 0), COOL);
});

Deno.test("readingsIn and percentile", () => {
  const all = [r(1, 0), r(5, 0), r(5, 1), r(9, 0)];
  assertEquals(readingsIn(all, 5, 9), [r(5, 0), r(5, 1)]);
  assertEquals(readingsIn(all, 0, 100).length, 4);
  const values = Array.from({ length: 100 }, (_, i) => 100 - i);
  assertEquals([percentile(values, 50), percentile(values, 99), percentile(values, 100)], [
    50,
    99,
    100,
  ]);
  assertEquals(percentile([], 50), NaN);
});
