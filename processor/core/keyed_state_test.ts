import { assertEquals, assertThrows } from "@std/assert";
import { KeyedState } from "./keyed_state.ts";
import { SnapshotError } from "./snapshot.ts";
import { ManualClock } from "./core_test_util.ts";

Deno.test("processing-time TTL: a key expires ttl after its last write", () => {
  // now: 0 set a | 500 set b | 999 both live | 1000 a expired | 1500 b expired
  const clock = new ManualClock();
  const state = new KeyedState<number>({ ttlMs: 1_000 });
  state.advanceClock({ nowMs: clock.nowMs });
  state.set("a", 1);
  state.advanceClock({ nowMs: clock.advance(500) });
  state.set("b", 2);
  state.advanceClock({ nowMs: clock.advance(499) });
  assertEquals([state.get("a"), state.get("b")], [1, 2]);
  assertEquals(state.expire(), []);
  state.advanceClock({ nowMs: clock.advance(1) });
  assertEquals(state.get("a"), undefined); // never returns an expired value
  assertEquals(state.expire(), [{ key: "a", value: 1 }]);
  assertEquals(state.size, 1);
  state.advanceClock({ nowMs: clock.advance(500) });
  assertEquals(state.expire(), [{ key: "b", value: 2 }]);
  assertEquals(state.size, 0);
});

Deno.test("a write restarts the TTL; event-time TTL follows the largest event time", () => {
  const state = new KeyedState<string>({ ttlMs: 100, time: "event" });
  state.advanceClock({ eventTimeMs: 0, nowMs: 999_999 });
  state.set("a", "x");
  state.advanceClock({ eventTimeMs: 90 });
  state.set("a", "y"); // refreshed at 90
  state.advanceClock({ eventTimeMs: 50 }); // out of order: the clock does not go back
  state.advanceClock({ eventTimeMs: 150, nowMs: 5_000_000 });
  assertEquals(state.expire(), []);
  state.advanceClock({ eventTimeMs: 190 });
  assertEquals(state.expire(), [{ key: "a", value: "y" }]);
});

Deno.test("without a TTL nothing expires", () => {
  const state = new KeyedState<number>();
  state.set("a", 1);
  state.advanceClock({ nowMs: 1e15 });
  assertEquals(state.expire(), []);
  assertEquals(state.get("a"), 1);
  assertThrows(() => new KeyedState({ ttlMs: 0 }), RangeError);
});

Deno.test("expired keys come back sorted and the expiry order survives restore", () => {
  const state = new KeyedState<number>({ ttlMs: 10 });
  const keys = ["d", "b", "a", "c"];
  keys.forEach((key, i) => {
    state.advanceClock({ nowMs: i });
    state.set(key, i);
  });
  const restored = new KeyedState<number>({ ttlMs: 10 });
  restored.restore(JSON.parse(JSON.stringify(state.snapshot())));
  for (const s of [state, restored]) {
    s.advanceClock({ nowMs: 11 });
    assertEquals(s.expire().map((e) => e.key), ["b", "d"]);
    s.advanceClock({ nowMs: 20 });
    assertEquals(s.expire().map((e) => e.key), ["a", "c"]);
  }
});

Deno.test("changed keys and incremental snapshots", () => {
  const state = new KeyedState<number>({ ttlMs: 10 });
  state.set("a", 1);
  state.set("b", 2);
  const base = state.snapshot();
  assertEquals(base.keys.map(([k]) => k), ["a", "b"]);
  state.set("b", 3);
  state.delete("a");
  state.set("c", 4);
  assertEquals(state.changedKeys(), ["a", "b", "c"]);
  const delta = state.snapshotKeys(state.changedKeys());
  assertEquals(delta.keys, [["a", null], ["b", { value: 3, writtenMs: null }], [
    "c",
    { value: 4, writtenMs: null },
  ]]);
  const rebuilt = new KeyedState<number>({ ttlMs: 10 });
  rebuilt.restore(base);
  rebuilt.restoreKeys(delta);
  assertEquals(rebuilt.snapshot(), state.snapshot());
  assertThrows(() => new KeyedState({ ttlMs: 10 }, "other").restore(base), SnapshotError);
});
