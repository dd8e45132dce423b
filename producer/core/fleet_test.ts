import { assertEquals, assertThrows } from "@std/assert";
import {
  deviceId,
  FleetError,
  fleetFromFlags,
  parseFleet,
  parseFleetJson,
  tireSensorId,
} from "./fleet.ts";

const flags = {
  devices: 3,
  vehicles: 2,
  sensorsPerVehicle: 4,
  tempMin: 10,
  tempMax: 20,
  humidityMin: 20,
  humidityMax: 80,
};

Deno.test("parseFleet fills defaults and converts durations to ms", () => {
  const fleet = parseFleet({
    devices: [
      { type: "climate", count: 2, temperature: { period: "500ms" } },
      { type: "vehicle", idPrefix: "truck", pressure: { period: 250 } },
    ],
    anomalies: [{ kind: "overheat", target: "climate-0002", at: "1m", duration: "30s" }],
  }, "test");
  const [climate, vehicle] = fleet.devices;
  assertEquals(climate.type === "climate" && climate.temperature.period, 500);
  assertEquals(climate.type === "climate" && climate.humidity, {
    min: 30,
    max: 70,
    period: 2000,
    decimals: 1,
  });
  assertEquals(vehicle.type === "vehicle" && [vehicle.sensorsPerVehicle, vehicle.pressure.period], [
    4,
    250,
  ]);
  assertEquals(fleet.anomalies, [{
    kind: "overheat",
    target: "climate-0002",
    at: 60_000,
    duration: 30_000,
    ratePerMinute: 2,
  }]);
  assertEquals(fleet.realism.outOfOrder, 0);
  assertEquals(fleet.realism.maxOutOfOrder, 5000);
});

function errorOf(input: unknown): FleetError {
  return assertThrows(() => parseFleet(input, "fleet.json"), FleetError);
}

Deno.test("parseFleet names the offending field in one error", () => {
  const humidity = errorOf({ devices: [{ type: "climate", humidity: { max: 150 } }] });
  assertEquals(humidity.path, "devices.0.humidity.max");
  assertEquals(
    humidity.message,
    "Invalid fleet (fleet.json): devices.0.humidity.max: must be at most 100",
  );
  assertEquals(
    errorOf({ devices: [{ type: "climate", temperature: { min: 30, max: 20 } }] }).path,
    "devices.0.temperature.max",
  );
  assertEquals(errorOf({ devices: [{ type: "boat" }] }).path, "devices.0.type");
  assertEquals(errorOf({ devices: [{ type: "climate", colour: "red" }] }).path, "devices.0");
  assertEquals(errorOf({ devices: [] }).path, "devices");
  assertEquals(
    errorOf({ devices: [{ type: "climate", temperature: { period: "soon" } }] }).path,
    "devices.0.temperature.period",
  );
  assertEquals(
    errorOf({ devices: [{ type: "climate" }, { type: "climate" }] }).path,
    "devices.1.idPrefix",
  );
  const target = errorOf({
    devices: [{ type: "vehicle" }],
    anomalies: [{ kind: "spike", target: "vehicle-0002", at: 0, duration: "1s" }],
  });
  assertEquals(target.path, "anomalies.0.target");
  assertEquals(
    errorOf({ devices: [{ type: "climate" }], realism: { late: 2 } }).path,
    "realism.late",
  );
});

Deno.test("parseFleetJson reports invalid JSON as a FleetError", () => {
  const error = assertThrows(() => parseFleetJson("{devices:", "bad.json"), FleetError);
  assertEquals(error.path, "");
  assertEquals(error.message.startsWith("Invalid fleet (bad.json): not valid JSON"), true);
});

Deno.test("fleetFromFlags builds climate and vehicle groups from the simple flags", () => {
  const fleet = fleetFromFlags(flags);
  const [climate, vehicles] = fleet.devices;
  assertEquals(
    climate.type === "climate" && [climate.count, climate.temperature.min, climate.temperature.max],
    [3, 10, 20],
  );
  assertEquals(climate.type === "climate" && [climate.humidity.min, climate.humidity.max], [
    20,
    80,
  ]);
  assertEquals(vehicles.type === "vehicle" && [vehicles.count, vehicles.sensorsPerVehicle], [2, 4]);
  assertEquals(fleetFromFlags({ ...flags, vehicles: 0 }).devices.length, 1);
});

Deno.test("ids: devices numbered from 0001, tyre sensors from 1", () => {
  assertEquals(deviceId("climate", 0), "climate-0001");
  assertEquals(tireSensorId(deviceId("vehicle", 41), 3), "vehicle-0042-tire-4");
});

Deno.test("the example fleet file is valid", async () => {
  const path = new URL("../examples/fleet.json", import.meta.url);
  const fleet = parseFleetJson(await Deno.readTextFile(path), "examples/fleet.json");
  assertEquals(fleet.devices.map((g) => g.count), [20, 5, 10]);
  assertEquals(fleet.anomalies.length, 3);
  assertEquals(fleet.realism.clockSkew, 500);
});
