import { assertEquals } from "@std/assert";
import { durationSchema, parseDuration, periodSchema } from "./duration.ts";

Deno.test("parseDuration accepts ms numbers and unit suffixes", () => {
  assertEquals(parseDuration("250"), 250);
  assertEquals(parseDuration("250ms"), 250);
  assertEquals(parseDuration("1.5s"), 1500);
  assertEquals(parseDuration("5m"), 300_000);
  assertEquals(parseDuration("2h"), 7_200_000);
  assertEquals(parseDuration("1d"), 86_400_000);
  assertEquals(parseDuration("soon"), undefined);
  assertEquals(parseDuration("-1s"), undefined);
});

Deno.test("durationSchema and periodSchema validate with one clear issue", () => {
  assertEquals(durationSchema.parse("10s"), 10_000);
  assertEquals(durationSchema.parse(0), 0);
  const bad = durationSchema.safeParse("ten");
  assertEquals(bad.success, false);
  assertEquals(bad.error?.issues.length, 1);
  assertEquals(durationSchema.safeParse(-5).success, false);
  assertEquals(durationSchema.safeParse(1.5).success, false);
  assertEquals(periodSchema.safeParse(0).error?.issues[0].message, "must be at least 1 ms");
});
