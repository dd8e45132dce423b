import { assert, assertEquals } from "@std/assert";
import {
  decodeVehiclePressureMax,
  parseVehiclePressureMax,
  type VehiclePressureMax,
} from "./vehicle_pressure_max.ts";
import { encodeEvent } from "./registry.ts";

const max: VehiclePressureMax = {
  vehicleId: "truck-7",
  sensorId: "tyre-fl",
  pressureMax: 910000,
  temperature: 33,
  ts: "2025-07-22T22:30:45.123Z",
};

function failedPaths(input: unknown): string[] {
  const result = parseVehiclePressureMax(input);
  assert(!result.ok, "expected the maximum to be rejected");
  assertEquals(result.error.kind, "vehicle-pressure-max");
  return result.error.issues.map((issue) => issue.path);
}

Deno.test("parseVehiclePressureMax() accepts a canonical maximum", () => {
  assertEquals(parseVehiclePressureMax(max), { ok: true, value: max });
});

Deno.test("parseVehiclePressureMax() names the failing field", () => {
  assertEquals(failedPaths({ ...max, pressureMax: -5 }), ["pressureMax"]);
  assertEquals(failedPaths({ ...max, vehicleId: "" }), ["vehicleId"]);
  assertEquals(failedPaths({ ...max, temperature: null }), ["temperature"]);
  const { ts: _, ...withoutTs } = max;
  assertEquals(failedPaths(withoutTs), ["ts"]);
});

Deno.test("parseVehiclePressureMax() normalises legacy fields and timestamps", () => {
  const legacy = {
    vehicle_id: "truck-7",
    sensor_id: "tyre-fl",
    pressure_max: 910000,
    temperature: 33,
    timestamp: "2025-07-23T00:30:45.123+02:00",
  };
  assertEquals(parseVehiclePressureMax(legacy), { ok: true, value: max });
});

Deno.test("decodeVehiclePressureMax() round-trips through encodeEvent()", () => {
  const bytes = encodeEvent(max);
  assertEquals(
    new TextDecoder().decode(bytes),
    '{"vehicleId":"truck-7","sensorId":"tyre-fl","pressureMax":910000,"temperature":33,' +
      '"ts":"2025-07-22T22:30:45.123Z"}',
  );
  assertEquals(decodeVehiclePressureMax(bytes), { ok: true, value: max });
});

Deno.test("decodeVehiclePressureMax() rejects invalid JSON", () => {
  const result = decodeVehiclePressureMax(new Uint8Array([0x7b]));
  assert(!result.ok);
  assertEquals(result.error.reason, "invalid-json");
});
