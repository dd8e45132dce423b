import { assertEquals } from "@std/assert";
import { maxWaitMs, pace } from "./pacer.ts";

const base = { elapsedMs: 0, generated: 0, startMs: 1000, nextMs: 1000, chunk: 100 };

Deno.test("pace: max sends full chunks without waiting", () => {
  assertEquals(pace({ ...base, rate: "max" }), { max: 100, untilMs: Infinity, waitMs: 0 });
});

Deno.test("pace: a numeric rate allows what the elapsed time earned", () => {
  assertEquals(pace({ ...base, rate: 1000, elapsedMs: 50 }).max, 50);
  assertEquals(pace({ ...base, rate: 1000, elapsedMs: 500, generated: 450 }).max, 50);
  assertEquals(pace({ ...base, rate: 1e6, elapsedMs: 500 }).max, 100);
  const wait = pace({ ...base, rate: 10, elapsedMs: 150, generated: 1 });
  assertEquals([wait.max, wait.waitMs], [0, 50]);
  assertEquals(pace({ ...base, rate: 1, elapsedMs: 0, generated: 0 }).waitMs, maxWaitMs);
});

Deno.test("pace: realtime releases records whose event time the wall clock reached", () => {
  assertEquals(pace({ ...base, rate: "realtime", elapsedMs: 500, nextMs: 1200 }), {
    max: 100,
    untilMs: 1500,
    waitMs: 0,
  });
  assertEquals(pace({ ...base, rate: "realtime", elapsedMs: 500, nextMs: 1520 }), {
    max: 0,
    untilMs: 1500,
    waitMs: 20,
  });
  assertEquals(pace({ ...base, rate: "realtime", elapsedMs: 0, nextMs: 9000 }).waitMs, maxWaitMs);
});
