import { assertEquals } from "@std/assert";
import { RunningMax } from "./running_max.ts";
import { ManualClock } from "./core_test_util.ts";

Deno.test("RunningMax emits only when a new maximum appears, per key", () => {
  const op = new RunningMax();
  const seen = [
    ["v1", 2.0],
    ["v1", 1.5],
    ["v2", 1.0],
    ["v1", 2.0], // equal is not new
    ["v1", 2.4],
    ["v2", 0.9],
  ].map(([key, value], i) => op.process(key as string, value as number, i * 1_000, 0));
  assertEquals(seen, [
    { key: "v1", max: 2.0, previous: null, eventTimeMs: 0 },
    undefined,
    { key: "v2", max: 1.0, previous: null, eventTimeMs: 2_000 },
    undefined,
    { key: "v1", max: 2.4, previous: 2.0, eventTimeMs: 4_000 },
    undefined,
  ]);
  assertEquals(op.get("v1"), { max: 2.4, eventTimeMs: 4_000 });
});

Deno.test("RunningMax TTL: a retired vehicle's state is dropped; it restarts from scratch", () => {
  // now: 0 v1 3.0 | 30 min v2 keeps reporting | 60 min v1 expired (1 h TTL) | v1 back: 1.0 is new
  const clock = new ManualClock();
  const hour = 3_600_000;
  const op = new RunningMax({ ttl: { ttlMs: hour } });
  op.process("v1", 3.0, 0, clock.nowMs);
  op.process("v2", 1.0, 0, clock.advance(hour / 2));
  assertEquals(op.expire({ nowMs: clock.advance(hour / 2 - 1) }), []);
  op.process("v2", 1.1, 0, clock.nowMs); // reporting keeps v2 alive
  assertEquals(op.expire({ nowMs: clock.advance(1) }), [
    { key: "v1", value: { max: 3.0, eventTimeMs: 0 } },
  ]);
  assertEquals(op.get("v1"), undefined);
  assertEquals(op.process("v1", 1.0, 5, clock.nowMs)?.previous, null);
  assertEquals(op.expire({ nowMs: clock.advance(hour) }).map((e) => e.key), ["v1", "v2"]);
});

Deno.test("RunningMax snapshot/restore mid-stream gives identical outputs", () => {
  const inputs = Array.from({ length: 200 }, (_, i) => [`v${i % 7}`, (i * 37) % 101, i] as const);
  const run = (op: RunningMax, slice: readonly (readonly [string, number, number])[]) =>
    slice.map(([k, v, t]) => op.process(k, v, t, t));
  const expected = run(new RunningMax({ ttl: { ttlMs: 50 } }), inputs);
  const first = new RunningMax({ ttl: { ttlMs: 50 } });
  const out = run(first, inputs.slice(0, 120));
  const restored = new RunningMax({ ttl: { ttlMs: 50 } });
  restored.restore(JSON.parse(JSON.stringify(first.snapshot())));
  out.push(...run(restored, inputs.slice(120)));
  assertEquals(out, expected);
  assertEquals(
    JSON.stringify(restored.snapshot()),
    JSON.stringify(
      (() => {
        const op = new RunningMax({ ttl: { ttlMs: 50 } });
        run(op, inputs);
        return op.snapshot();
      })(),
    ),
  );
});
