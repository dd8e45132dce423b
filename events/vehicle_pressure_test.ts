import { assert, assertEquals } from "@std/assert";
import {
  decodeVehiclePressureReading,
  parseVehiclePressureReading,
  type VehiclePressureReading,
} from "./vehicle_pressure.ts";
import { encodeEvent } from "./registry.ts";

const reading: VehiclePressureReading = {
  vehicleId: "truck-7",
  sensorId: "tyre-fl",
  ts: "2025-07-22T22:30:45.123Z",
  pressure: 850000,
  temperature: 31.5,
};

function failedPaths(input: unknown): string[] {
  const result = parseVehiclePressureReading(input);
  assert(!result.ok, "expected the reading to be rejected");
  assertEquals(result.error.kind, "vehicle-pressure-reading");
  return result.error.issues.map((issue) => issue.path);
}

Deno.test("parseVehiclePressureReading() accepts a canonical reading", () => {
  assertEquals(parseVehiclePressureReading(reading), { ok: true, value: reading });
  assert(parseVehiclePressureReading({ ...reading, pressure: 0 }).ok);
});

Deno.test("parseVehiclePressureReading() names the failing field", () => {
  assertEquals(failedPaths({ ...reading, pressure: -1 }), ["pressure"]);
  assertEquals(failedPaths({ ...reading, pressure: "850000" }), ["pressure"]);
  assertEquals(failedPaths({ ...reading, sensorId: "" }), ["sensorId"]);
  assertEquals(failedPaths({ ...reading, vehicleId: 7 }), ["vehicleId"]);
  assertEquals(failedPaths({ ...reading, temperature: -274 }), ["temperature"]);
  assertEquals(failedPaths({ ...reading, ts: "2025-07-22T22:30:45.123" }), ["ts"]);
});

Deno.test("parseVehiclePressureReading() normalises legacy fields and timestamps", () => {
  const legacy = {
    vehicle_id: "truck-7",
    sensor_id: "tyre-fl",
    timestamp: "2025-07-22 22:30:45.123Z",
    pressure: 850000,
    temperature: 31.5,
  };
  assertEquals(parseVehiclePressureReading(legacy), { ok: true, value: reading });
  assertEquals(
    parseVehiclePressureReading({ ...reading, ts: 1753223445123 }),
    { ok: true, value: reading },
  );
});

Deno.test("decodeVehiclePressureReading() round-trips through encodeEvent()", () => {
  const bytes = encodeEvent(reading);
  assertEquals(
    new TextDecoder().decode(bytes),
    '{"vehicleId":"truck-7","sensorId":"tyre-fl","ts":"2025-07-22T22:30:45.123Z",' +
      '"pressure":850000,"temperature":31.5}',
  );
  assertEquals(decodeVehiclePressureReading(bytes), { ok: true, value: reading });
});

Deno.test("decodeVehiclePressureReading() rejects invalid JSON", () => {
  const result = decodeVehiclePressureReading("not json");
  assert(!result.ok);
  assertEquals(result.error.reason, "invalid-json");
});
