import { assertEquals } from "@std/assert";
import { humiditySchema, idSchema, isAfter, pressureSchema, temperatureSchema } from "./fields.ts";

Deno.test("idSchema accepts non-empty ids up to 256 characters", () => {
  assertEquals(idSchema.safeParse("dev-1").success, true);
  assertEquals(idSchema.safeParse("x".repeat(256)).success, true);
});

Deno.test("idSchema rejects empty, too long and non-string ids", () => {
  assertEquals(idSchema.safeParse("").error?.issues[0].message, "must not be empty");
  assertEquals(
    idSchema.safeParse("x".repeat(257)).error?.issues[0].message,
    "must be at most 256 characters",
  );
  assertEquals(idSchema.safeParse(1).success, false);
});

Deno.test("temperatureSchema accepts finite values from absolute zero up", () => {
  assertEquals(temperatureSchema.safeParse(-273.15).success, true);
  assertEquals(temperatureSchema.safeParse(21.5).success, true);
  assertEquals(temperatureSchema.safeParse(-273.16).success, false);
  assertEquals(temperatureSchema.safeParse(Infinity).success, false);
  assertEquals(temperatureSchema.safeParse(NaN).success, false);
  assertEquals(temperatureSchema.safeParse("21.5").success, false);
});

Deno.test("humiditySchema accepts 0 to 100 only", () => {
  assertEquals(humiditySchema.safeParse(0).success, true);
  assertEquals(humiditySchema.safeParse(100).success, true);
  assertEquals(humiditySchema.safeParse(-0.1).success, false);
  assertEquals(
    humiditySchema.safeParse(100.1).error?.issues[0].message,
    "must be between 0 and 100 %",
  );
});

Deno.test("pressureSchema accepts non-negative finite pascals", () => {
  assertEquals(pressureSchema.safeParse(850000).success, true);
  assertEquals(pressureSchema.safeParse(0).success, true);
  assertEquals(pressureSchema.safeParse(-1).error?.issues[0].message, "must be at least 0 Pa");
  assertEquals(pressureSchema.safeParse(Infinity).success, false);
});

Deno.test("isAfter() compares canonical timestamps in time order", () => {
  assertEquals(isAfter("2025-07-22T22:31:00.000Z", "2025-07-22T22:30:00.000Z"), true);
  assertEquals(isAfter("2025-07-22T22:30:00.000Z", "2025-07-22T22:30:00.000Z"), false);
  assertEquals(isAfter("2025-07-22T22:30:00.000Z", "2025-07-22T22:30:00.001Z"), false);
  assertEquals(isAfter("2026-01-01T00:00:00.000Z", "2025-12-31T23:59:59.999Z"), true);
});
