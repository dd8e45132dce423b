import { assert, assertEquals } from "@std/assert";
import {
  type ClimateReading,
  climateReadingSchema,
  decodeClimateReading,
  parseClimateReading,
} from "./climate.ts";
import { encodeEvent } from "./registry.ts";

const reading: ClimateReading = {
  deviceId: "dev-1",
  ts: "2025-07-22T22:30:45.123Z",
  temperature: 21.5,
  humidity: 40.25,
};

function failedPaths(input: unknown): string[] {
  const result = parseClimateReading(input);
  assert(!result.ok, "expected the reading to be rejected");
  assertEquals(result.error.kind, "climate-reading");
  assertEquals(result.error.reason, "schema");
  return result.error.issues.map((issue) => issue.path);
}

Deno.test("climateReadingSchema accepts a canonical reading", () => {
  assertEquals(climateReadingSchema.parse(reading), reading);
});

Deno.test("parseClimateReading() returns a canonical reading as it is", () => {
  assertEquals(parseClimateReading(reading), { ok: true, value: reading });
});

Deno.test("parseClimateReading() drops unknown fields", () => {
  assertEquals(parseClimateReading({ ...reading, firmware: "1.2" }), { ok: true, value: reading });
});

Deno.test("parseClimateReading() accepts boundary values", () => {
  for (const [temperature, humidity] of [[-273.15, 0], [1000, 100], [0, 0]]) {
    assert(parseClimateReading({ ...reading, temperature, humidity }).ok);
  }
});

Deno.test("parseClimateReading() names the failing field", () => {
  assertEquals(failedPaths({ ...reading, humidity: 100.5 }), ["humidity"]);
  assertEquals(failedPaths({ ...reading, humidity: -1 }), ["humidity"]);
  assertEquals(failedPaths({ ...reading, deviceId: "" }), ["deviceId"]);
  assertEquals(failedPaths({ ...reading, temperature: "21.5" }), ["temperature"]);
  assertEquals(failedPaths({ ...reading, temperature: Infinity }), ["temperature"]);
  assertEquals(failedPaths({ ...reading, temperature: -300 }), ["temperature"]);
  assertEquals(failedPaths({ ...reading, ts: "yesterday" }), ["ts"]);
  assertEquals(failedPaths({ deviceId: "dev-1", temperature: 1, humidity: 1 }), ["ts"]);
  assertEquals(failedPaths([]), [""]);
});

Deno.test("parseClimateReading() error message names the field", () => {
  const result = parseClimateReading({ ...reading, humidity: 120 });
  assert(!result.ok);
  assertEquals(
    result.error.message,
    "Invalid climate-reading event: humidity: must be between 0 and 100 %",
  );
});

Deno.test("parseClimateReading() normalises snake_case fields and timestamp", () => {
  const legacy = { device_id: "dev-1", timestamp: reading.ts, temperature: 21.5, humidity: 40.25 };
  assertEquals(parseClimateReading(legacy), { ok: true, value: reading });
});

Deno.test("parseClimateReading() normalises every accepted timestamp form", () => {
  const cases: [unknown, string][] = [
    ["2025-07-22 22:30:45.123Z", "2025-07-22T22:30:45.123Z"],
    ["2025-07-22T22:30:45Z", "2025-07-22T22:30:45.000Z"],
    ["2025-07-23T00:30:45.123+02:00", "2025-07-22T22:30:45.123Z"],
    ["2025-07-22T18:30:45.123-04:00", "2025-07-22T22:30:45.123Z"],
    [1753223445123, "2025-07-22T22:30:45.123Z"],
  ];
  for (const [ts, expected] of cases) {
    for (const field of ["ts", "timestamp"]) {
      const input = { deviceId: "dev-1", [field]: ts, temperature: 21.5, humidity: 40.25 };
      const result = parseClimateReading(input);
      assert(result.ok, `${field}: ${ts}`);
      assertEquals(result.value.ts, expected);
    }
  }
});

Deno.test("parseClimateReading() reports legacy problems under canonical names", () => {
  assertEquals(
    failedPaths({ device_id: "", timestamp: "2025-07-22T22:30:45", temperature: 1, humidity: 1 }),
    ["deviceId", "ts"],
  );
});

Deno.test("decodeClimateReading() round-trips through encodeEvent()", () => {
  const bytes = encodeEvent(reading);
  assertEquals(
    new TextDecoder().decode(bytes),
    '{"deviceId":"dev-1","ts":"2025-07-22T22:30:45.123Z","temperature":21.5,"humidity":40.25}',
  );
  assertEquals(decodeClimateReading(bytes), { ok: true, value: reading });
});

Deno.test("decodeClimateReading() re-encodes legacy input canonically", () => {
  const legacy =
    '{"humidity":40.25,"timestamp":1753223445123,"temperature":21.5,"device_id":"dev-1"}';
  const result = decodeClimateReading(legacy);
  assert(result.ok);
  assertEquals(
    new TextDecoder().decode(encodeEvent(result.value)),
    '{"deviceId":"dev-1","ts":"2025-07-22T22:30:45.123Z","temperature":21.5,"humidity":40.25}',
  );
});

Deno.test("decodeClimateReading() tells invalid JSON from schema violations", () => {
  const broken = decodeClimateReading(new TextEncoder().encode('{"deviceId":"dev-1"'));
  assert(!broken.ok);
  assertEquals(broken.error.reason, "invalid-json");
  assertEquals(broken.error.kind, "climate-reading");

  const invalid = decodeClimateReading('{"deviceId":"dev-1","ts":"2025-07-22T22:30:45.123Z"}');
  assert(!invalid.ok);
  assertEquals(invalid.error.reason, "schema");
  assertEquals(invalid.error.issues.map((i) => i.path), ["temperature", "humidity"]);
});
