import { assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { fleetFromFlags, parseFleet } from "./fleet.ts";
import {
  defaultSeededStart,
  describePacing,
  fleetRate,
  planPacing,
  scaleFleetToRate,
} from "./pacing_plan.ts";

const fleet = fleetFromFlags({
  devices: 50,
  vehicles: 0,
  sensorsPerVehicle: 4,
  tempMin: 15,
  tempMax: 30,
  humidityMin: 30,
  humidityMax: 70,
});
const start = Date.parse(defaultSeededStart);

Deno.test("fleetRate: reports per second of event time, coinciding samples counted once", () => {
  assertEquals(fleetRate(fleet), 50); // 1 s and 2 s periods: one report a second
  const mixed = parseFleet({
    devices: [
      { type: "climate", count: 2, temperature: { period: 1000 }, humidity: { period: 1500 } },
      { type: "vehicle", count: 1, sensorsPerVehicle: 4 },
    ],
  }, "test");
  // 1 + 2/3 - 1/3 per climate device; 4 tyre sensors at 1 s.
  assertAlmostEquals(fleetRate(mixed), 2 * (4 / 3) + 4, 1e-9);
});

Deno.test("scaleFleetToRate: one factor on every period, whole milliseconds", () => {
  const { fleet: scaled, factor } = scaleFleetToRate(fleet, 10);
  assertEquals(factor, 5);
  assertAlmostEquals(fleetRate(scaled), 10, 1e-9);
  const fast = scaleFleetToRate(fleet, 1e9).fleet.devices[0];
  assertEquals(fast.type === "climate" && fast.temperature.period, 1);
});

Deno.test("describePacing: one line per mode saying how event time relates to wall time", () => {
  assertEquals(
    describePacing({ mode: "realtime", rate: 10 }, start, fleet),
    "real time, 10 msgs/s, event time = wall clock",
  );
  assertEquals(
    describePacing({ mode: "realtime" }, start, fleet),
    "real time, 50 msgs/s, event time = wall clock",
  );
  assertEquals(
    describePacing({ mode: "speedup", speedup: 60 }, start, fleet),
    "simulated time from 2026-01-01T00:00:00.000Z at 60x " +
      "(event time advances 60 s per wall second)",
  );
  assertEquals(
    describePacing({ mode: "rate", rate: 10 }, start, fleet),
    "simulated time from 2026-01-01T00:00:00.000Z, 10 msgs/s " +
      "(event time advances about 0.2 s per wall second)",
  );
  assertEquals(
    describePacing({ mode: "max", capAtWallClock: false }, start, fleet),
    "as fast as possible, simulated time from 2026-01-01T00:00:00.000Z " +
      "(event time runs ahead of wall time)",
  );
  assertEquals(
    describePacing({ mode: "max", capAtWallClock: true }, start, fleet),
    "as fast as possible, simulated time from 2026-01-01T00:00:00.000Z, never past the wall " +
      "clock (then real time; give --start to run ahead of it)",
  );
});

Deno.test("planPacing: contradictions and bad starts name the flag", () => {
  const plan = (request: Parameters<typeof planPacing>[0]) => planPacing(request, start);
  assertThrows(
    () => plan({ speedup: 2, rate: 10, seeded: false, bounded: false }),
    RangeError,
    "--speedup:",
  );
  assertThrows(
    () => plan({ start: "soon", seeded: false, bounded: false }),
    RangeError,
    "--start:",
  );
});
