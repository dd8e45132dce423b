import { assertEquals, assertThrows } from "@std/assert";
import { Backpressure } from "./backpressure.ts";

Deno.test("Backpressure: pauses at the high-water mark, resumes at the low-water mark", () => {
  const bp = new Backpressure(10, 3);
  assertEquals(bp.full(9), false);
  assertEquals(bp.update(9), null);
  assertEquals(bp.full(10), true);
  assertEquals(bp.update(10), "pause");
  assertEquals(bp.update(50), null);
  assertEquals(bp.paused, true);
  assertEquals(bp.update(4), null);
  assertEquals(bp.update(3), "resume");
  assertEquals(bp.paused, false);
  assertEquals(bp.update(12), "pause");
  assertEquals(bp.pauses, 2);
  bp.reset();
  assertEquals(bp.paused, false);
  assertEquals(bp.pauses, 2);
});

Deno.test("Backpressure: rejects marks out of order", () => {
  assertThrows(() => new Backpressure(5, 5), RangeError);
  assertThrows(() => new Backpressure(0, 0), RangeError);
});
