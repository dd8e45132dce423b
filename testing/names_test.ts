import { assertMatch, assertNotEquals, assertThrows } from "@std/assert";
import { uniqueName } from "./names.ts";

Deno.test("uniqueName() prefixes a suffix that differs per call", () => {
  const a = uniqueName("readings.raw");
  assertMatch(a, /^readings\.raw-[0-9a-z]+-[0-9a-f]{6}$/);
  assertNotEquals(a, uniqueName("readings.raw"));
});

Deno.test("uniqueName() rejects characters Kafka does not allow in topic names", () => {
  assertThrows(() => uniqueName("bad name"), TypeError, "Name prefix");
  assertThrows(() => uniqueName(""), TypeError, "Name prefix");
});
