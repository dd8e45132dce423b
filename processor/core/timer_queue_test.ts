import { assertEquals } from "@std/assert";
import { TimerQueue } from "./timer_queue.ts";
import { seededRandom } from "@iot/testing";

Deno.test("timers come out in time order, keys sorted and deduplicated per time", () => {
  const q = new TimerQueue();
  q.add(30, "b");
  q.add(10, "z");
  q.add(30, "a");
  q.add(30, "b");
  q.add(20, "c");
  assertEquals(q.pollDue(5), undefined);
  assertEquals(q.pollDue(100), { timeMs: 10, keys: ["z"] });
  assertEquals(q.pollDue(100), { timeMs: 20, keys: ["c"] });
  assertEquals(q.pollDue(29), undefined);
  assertEquals(q.pollDue(30), { timeMs: 30, keys: ["a", "b"] });
  assertEquals(q.size, 0);
});

Deno.test("random insertions poll back sorted", () => {
  const random = seededRandom(5);
  const q = new TimerQueue();
  const times = Array.from({ length: 500 }, () => Math.floor(random() * 300));
  times.forEach((t, i) => q.add(t, `k${i % 3}`));
  const polled: number[] = [];
  for (let due; (due = q.pollDue(Infinity)) !== undefined;) polled.push(due.timeMs);
  assertEquals(polled, [...new Set(times)].sort((a, b) => a - b));
});
