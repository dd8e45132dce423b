import { assert, assertEquals, assertThrows } from "@std/assert";
import { backoffDelay, sleep } from "./backoff.ts";

Deno.test("sleep: resolves true once the time is up", async () => {
  const started = performance.now();
  assertEquals(await sleep(20, new AbortController().signal), true);
  assert(performance.now() - started >= 15, "waited about the time asked");
});

Deno.test("sleep: an abort ends the wait at once with false (the timer is released)", async () => {
  const stop = new AbortController();
  const started = performance.now();
  const waiting = sleep(60_000, stop.signal);
  stop.abort();
  assertEquals(await waiting, false);
  assert(performance.now() - started < 5_000, "did not wait for the timer");
});

Deno.test("sleep: an already aborted signal resolves false without a timer", async () => {
  const stop = new AbortController();
  stop.abort();
  assertEquals(await sleep(60_000, stop.signal), false);
});

Deno.test("backoffDelay: doubles from initialMs up to maxMs", () => {
  const delays = Array.from({ length: 8 }, (_, n) => backoffDelay(n, { initialMs: 5, maxMs: 100 }));
  // Reference written out by hand: 5 * 2^n, capped.
  assertEquals(delays, [5, 10, 20, 40, 80, 100, 100, 100]);
  assertEquals(backoffDelay(3, { initialMs: 1_000 }), 8_000, "no cap by default");
  assertEquals(backoffDelay(5_000, { initialMs: 1, maxMs: 30_000 }), 30_000, "no overflow");
  assertEquals(backoffDelay(5_000, { initialMs: 0 }), 0, "zero stays zero (not NaN)");
});

Deno.test("backoffDelay: bad arguments are RangeErrors", () => {
  assertThrows(() => backoffDelay(-1, { initialMs: 1 }), RangeError, "attempt");
  assertThrows(() => backoffDelay(1.5, { initialMs: 1 }), RangeError, "attempt");
  assertThrows(() => backoffDelay(0, { initialMs: -1 }), RangeError, "initialMs");
  assertThrows(() => backoffDelay(0, { initialMs: NaN }), RangeError, "initialMs");
});
