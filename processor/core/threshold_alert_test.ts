import { assertEquals, assertThrows } from "@std/assert";
import { ThresholdAlert } from "./threshold_alert.ts";

function states(alerts: ThresholdAlert, key: string, values: number[]): (string | undefined)[] {
  return values.map((v, i) => alerts.process(key, v, i * 60_000, 0)?.state);
}

Deno.test("hysteresis: raise once above the threshold, clear below threshold - margin", () => {
  // threshold 30, margin 2:  29  31↑  35  30  29  28  27.9↓  29  30  30.1↑
  const alerts = new ThresholdAlert({ threshold: 30, margin: 2 });
  assertEquals(states(alerts, "d", [29, 31, 35, 30, 29, 28, 27.9, 29, 30, 30.1]), [
    undefined,
    "active",
    undefined, // no repeats while hot
    undefined,
    undefined, // between 28 and 30: still active
    undefined, // exactly threshold - margin does not clear
    "cleared",
    undefined,
    undefined, // exactly the threshold does not raise
    "active",
  ]);
});

Deno.test("alerts are per key and carry value, threshold and event time", () => {
  const alerts = new ThresholdAlert({ threshold: 10, margin: 0 });
  assertEquals(alerts.process("a", 11, 5, 0), {
    key: "a",
    state: "active",
    value: 11,
    threshold: 10,
    eventTimeMs: 5,
  });
  assertEquals(alerts.process("b", 9, 6, 0), undefined);
  assertEquals(alerts.isActive("a"), true);
  assertEquals(alerts.isActive("b"), false);
  assertEquals(alerts.process("a", 9.99, 7, 0)?.state, "cleared");
});

Deno.test("TTL forgets an active alert of a key that went silent and reports it", () => {
  const alerts = new ThresholdAlert({
    threshold: 10,
    margin: 1,
    ttl: { ttlMs: 1_000, time: "event" },
  });
  alerts.process("gone", 20, 0, 0);
  alerts.process("alive", 20, 0, 0);
  alerts.process("alive", 15, 900, 0);
  assertEquals(alerts.expire({ eventTimeMs: 1_000 }).map((e) => e.key), ["gone"]);
  assertEquals(alerts.isActive("gone"), false);
  assertEquals(alerts.isActive("alive"), true);
});

Deno.test("snapshot/restore keeps active alerts (no second raise after restart)", () => {
  const alerts = new ThresholdAlert({ threshold: 10, margin: 1 });
  alerts.process("d", 20, 0, 0);
  const restored = new ThresholdAlert({ threshold: 10, margin: 1 });
  restored.restore(JSON.parse(JSON.stringify(alerts.snapshot())));
  assertEquals(restored.process("d", 25, 1, 0), undefined);
  assertEquals(restored.process("d", 5, 2, 0)?.state, "cleared");
  assertEquals(alerts.changedKeys(), []);
});

Deno.test("bad options are RangeErrors", () => {
  assertThrows(() => new ThresholdAlert({ threshold: NaN, margin: 1 }), RangeError, "threshold");
  assertThrows(() => new ThresholdAlert({ threshold: 1, margin: -1 }), RangeError, "margin");
});
