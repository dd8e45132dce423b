import { assert, assertEquals, assertThrows } from "@std/assert";
import { addFlagAnomalies, parseAnomalyFlag } from "./anomaly_flags.ts";
import { fleetFromFlags } from "./fleet.ts";
import { type SimRecord, Simulation } from "./schedule.ts";

const startMs = Date.parse("2026-01-01T00:00:00.000Z");
const MINUTE = 60_000;
const base = fleetFromFlags({
  devices: 5,
  vehicles: 2,
  sensorsPerVehicle: 4,
  tempMin: 15,
  tempMax: 30,
  humidityMin: 30,
  humidityMax: 70,
});

function simulate(overheat: string[], spike: string[] = []) {
  const fleet = addFlagAnomalies(
    base,
    overheat.map(parseAnomalyFlag),
    spike.map(parseAnomalyFlag),
  );
  return new Simulation({
    fleet,
    seed: "000",
    startMs,
    topics: { sensorReadings: "r", vehiclePressure: "p" },
  });
}

/** Generates every record up to `untilMs` after the start. */
function until(sim: Simulation, afterStartMs: number): SimRecord[] {
  const out: SimRecord[] = [];
  while (sim.nextMs <= startMs + afterStartMs) sim.fill(out, 10_000, startMs + afterStartMs);
  return out;
}

const temperature = (r: SimRecord) => JSON.parse(r.value).temperature as number;
const pressure = (r: SimRecord) => JSON.parse(r.value).pressure as number;

Deno.test("--overheat: only that device passes 40 °C, only after AFTER, and stays hot", () => {
  const records = until(simulate(["climate-0003@1m"]), 10 * MINUTE);
  const climate = records.filter((r) => r.key.startsWith("climate-"));
  const hot = climate.filter((r) => temperature(r) > 40);
  assertEquals(new Set(hot.map((r) => r.key)), new Set(["climate-0003"]));
  assert(hot.every((r) => r.timestamp >= startMs + MINUTE));
  // 10 °C a minute from at least 15 °C: above 40 °C after 2.5 minutes, and for good.
  const device = climate.filter((r) => r.key === "climate-0003");
  const late = device.filter((r) => r.timestamp >= startMs + 3.6 * MINUTE);
  assert(late.length > 300);
  assert(late.every((r) => temperature(r) > 40 && temperature(r) <= 30 + 30));
  const before = device.filter((r) => r.timestamp < startMs + MINUTE);
  assert(before.length > 50 && before.every((r) => temperature(r) <= 30));
});

Deno.test("--overheat: a restarted device still overheats and obeys the next shutdown", () => {
  const sim = simulate(["climate-0002"]);
  const of = (records: SimRecord[]) => records.filter((r) => r.key === "climate-0002");
  assert(of(until(sim, 4 * MINUTE)).some((r) => temperature(r) > 40));
  assertEquals(sim.setStopped("climate-0002", true), 1);
  assertEquals(of(until(sim, 6 * MINUTE)), []);
  sim.setStopped("climate-0002", false); // a restart command
  const restarted = of(until(sim, 7 * MINUTE));
  assert(restarted.length >= 59 && restarted.every((r) => temperature(r) > 40));
  sim.setStopped("climate-0002", true); // the processor's re-issued shutdown
  const after = until(sim, 8 * MINUTE);
  assertEquals(of(after), []);
  assert(after.length > 0);
});

Deno.test("--pressure-spike: +250 kPa for 30 s on a vehicle's tyres", () => {
  const records = until(simulate([], ["vehicle-0002@1m"]), 3 * MINUTE)
    .filter((r) => r.key.startsWith("vehicle-"));
  const spiked = records.filter((r) => pressure(r) > 1_000_000);
  assertEquals(
    new Set(spiked.map((r) => r.key)),
    new Set([1, 2, 3, 4].map((i) => `vehicle-0002-tire-${i}`)),
  );
  assert(
    spiked.every((r) => r.timestamp >= startMs + MINUTE && r.timestamp < startMs + 1.5 * MINUTE),
  );
  assertEquals(spiked.length, 4 * 30);
});

Deno.test("parseAnomalyFlag: ID[@AFTER]", () => {
  assertEquals(parseAnomalyFlag("climate-0007"), {
    target: "climate-0007",
    afterMs: 0,
  });
  assertEquals(parseAnomalyFlag("climate-0007@90s"), {
    target: "climate-0007",
    afterMs: 90_000,
  });
  assertThrows(() => parseAnomalyFlag("@5s"), RangeError, "expected ID[@AFTER]");
});
