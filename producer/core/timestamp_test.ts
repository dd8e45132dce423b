import { assertEquals, assertThrows } from "@std/assert";
import { Rng } from "./rng.ts";
import { TimestampFormatter } from "./timestamp.ts";

Deno.test("TimestampFormatter matches Date.toISOString across minutes, days and years", () => {
  const format = new TimestampFormatter();
  const rng = Rng.fromSeed("ts");
  let ms = Date.parse("2025-12-31T23:58:00.000Z");
  for (let i = 0; i < 20_000; i++) {
    ms += rng.int(200);
    assertEquals(format.format(ms), new Date(ms).toISOString());
  }
  for (const t of [0, 999, 60_000, 1_753_223_445_123, Date.parse("2024-02-29T12:00:59.999Z")]) {
    assertEquals(format.format(t), new Date(t).toISOString());
  }
});

Deno.test("TimestampFormatter rejects instants outside years 0000-9999", () => {
  assertThrows(
    () => new TimestampFormatter().format(Date.parse("+010000-01-01T00:00:00Z")),
    RangeError,
  );
});
