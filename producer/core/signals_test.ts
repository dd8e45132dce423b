import { assert, assertEquals, assertGreater, assertLess } from "@std/assert";
import { Rng } from "./rng.ts";
import { defaultSignal, roundTo, SensorSignal } from "./signals.ts";

const HOUR = 3_600_000;

function series(seed: string, spec = defaultSignal(15, 30), periodMs = 60_000, n = 1440) {
  const signal = new SensorSignal(spec, Rng.fromSeed(seed), 0);
  return Array.from({ length: n }, (_, i) => signal.sample(i * periodMs));
}

Deno.test("SensorSignal: a day of samples stays in range, rounded, and reproduces", () => {
  const day = series("s1");
  for (const v of day) {
    assert(v >= 15 && v <= 30, `${v} out of range`);
    assertEquals(v, roundTo(v, 2));
  }
  assertEquals(day, series("s1"));
  assert(day.join() !== series("s2").join());
});

Deno.test("SensorSignal: shows a daily cycle larger than its noise", () => {
  const spec = defaultSignal(0, 100, { walk: 0, drift: 0, noise: 0.5 });
  const day = series("cycle", spec, HOUR, 24);
  const swing = Math.max(...day) - Math.min(...day);
  assertGreater(swing, 30); // 2 x 20 % of the span, minus noise
  // Consecutive samples move little: a smooth signal, not white noise.
  const steps = day.slice(1).map((v, i) => Math.abs(v - day[i]));
  assertLess(Math.max(...steps), 15);
});

Deno.test("SensorSignal: the random walk wanders but reverts to the base level", () => {
  const spec = defaultSignal(0, 100, { dailyAmplitude: 0, drift: 0, noise: 0 });
  const values = series("walk", spec, 60_000, 24 * 60);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  assert(values.some((v) => Math.abs(v - mean) > 0.5), "the walk should move");
  assert(values.every((v) => v > 0 && v < 100), "the walk should stay bounded");
});

Deno.test("roundTo rounds to the given decimals", () => {
  assertEquals(roundTo(21.456, 2), 21.46);
  assertEquals(roundTo(850_123.6, 0), 850_124);
  assertEquals(roundTo(49.95, 1), 50);
});
