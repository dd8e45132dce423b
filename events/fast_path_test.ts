import { assert, assertEquals } from "@std/assert";
import { climateReadingSpec } from "./climate.ts";
import { vehiclePressureReadingSpec } from "./vehicle_pressure.ts";

const base = { deviceId: "d1", ts: "2024-02-29T23:59:59.999Z", temperature: 21.5, humidity: 40 };

const variants: Record<string, unknown>[] = [
  base,
  { ...base, ts: "2023-02-29T00:00:00.000Z" }, // not a leap year
  { ...base, ts: "2000-02-29T00:00:00.000Z" }, // leap (divisible by 400)
  { ...base, ts: "1900-02-29T00:00:00.000Z" }, // not leap (divisible by 100)
  { ...base, ts: "0000-01-01T00:00:00.000Z" },
  { ...base, ts: "2024-04-31T00:00:00.000Z" },
  { ...base, ts: "2024-13-01T00:00:00.000Z" },
  { ...base, ts: "2024-01-01T24:00:00.000Z" },
  { ...base, ts: "2024-01-01T23:60:00.000Z" },
  { ...base, ts: "2024-01-01T23:59:60.000Z" },
  { ...base, ts: "2024-01-01T23:59:59.99Z" },
  { ...base, ts: "2024-01-01T23:59:59.999z" },
  { ...base, ts: "2024-01-01 23:59:59.999Z" },
  { ...base, ts: "2024-01-01T23:59:59.999+00:00" },
  { ...base, temperature: -273.15 },
  { ...base, temperature: -273.16 },
  { ...base, temperature: Infinity },
  { ...base, temperature: NaN },
  { ...base, temperature: "21.5" },
  { ...base, humidity: 100 },
  { ...base, humidity: 100.0001 },
  { ...base, humidity: -0 },
  { ...base, deviceId: "" },
  { ...base, deviceId: "x".repeat(256) },
  { ...base, deviceId: "x".repeat(257) },
  { ...base, extra: 1 },
  { deviceId: "d1", ts: base.ts, temperature: 1 },
];

Deno.test("the climate fast path never accepts what the schema rejects, and agrees when it accepts", () => {
  let accepted = 0;
  for (const input of variants) {
    const quick = climateReadingSpec.fast!(input);
    const zod = climateReadingSpec.schema.safeParse(input);
    if (quick !== undefined) {
      accepted++;
      assert(zod.success, `fast path accepted what zod rejects: ${JSON.stringify(input)}`);
      assertEquals(quick, zod.data);
    }
  }
  assertEquals(accepted, 7);
});

Deno.test("the vehicle pressure fast path agrees with the schema", () => {
  const reading = {
    vehicleId: "v1",
    sensorId: "v1-tire-1",
    ts: "2025-07-22T22:30:45.123Z",
    pressure: 850000,
    temperature: 30,
  };
  for (
    const input of [
      reading,
      { ...reading, pressure: -1 },
      { ...reading, sensorId: "" },
      { ...reading, ts: "2025-07-22T22:30:45Z" },
      { ...reading, more: true },
    ]
  ) {
    const quick = vehiclePressureReadingSpec.fast!(input);
    const zod = vehiclePressureReadingSpec.schema.safeParse(input);
    if (quick !== undefined) assertEquals(quick, zod.success ? zod.data : "rejected by zod");
    else if (input === reading) assert(false, "the canonical reading must take the fast path");
  }
});
