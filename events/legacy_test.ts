import { assertEquals } from "@std/assert";
import { legacyFieldMap, normalizeLegacyFields, snakeCase } from "./legacy.ts";

const map = legacyFieldMap(["deviceId", "ts", "windowStart", "temperature"], [
  "ts",
  "windowStart",
]);

Deno.test("snakeCase() converts camelCase names", () => {
  assertEquals(snakeCase("deviceId"), "device_id");
  assertEquals(snakeCase("pressureMax"), "pressure_max");
  assertEquals(snakeCase("ts"), "ts");
});

Deno.test("legacyFieldMap() maps snake_case names and timestamp", () => {
  assertEquals([...map.aliases], [
    ["device_id", "deviceId"],
    ["window_start", "windowStart"],
    ["timestamp", "ts"],
  ]);
  assertEquals(legacyFieldMap(["windowStart"], []).aliases.has("timestamp"), false);
});

Deno.test("normalizeLegacyFields() renames fields and normalises timestamps", () => {
  assertEquals(
    normalizeLegacyFields(map, {
      device_id: "d1",
      timestamp: 1753223445123,
      window_start: "2025-07-22 22:30:00Z",
      temperature: 20,
    }),
    {
      deviceId: "d1",
      ts: "2025-07-22T22:30:45.123Z",
      windowStart: "2025-07-22T22:30:00.000Z",
      temperature: 20,
    },
  );
});

Deno.test("normalizeLegacyFields() prefers the canonical field over its alias", () => {
  assertEquals(
    normalizeLegacyFields(map, { deviceId: "new", device_id: "old", ts: 0 }),
    { deviceId: "new", ts: "1970-01-01T00:00:00.000Z" },
  );
});

Deno.test("normalizeLegacyFields() returns undefined when nothing changes", () => {
  assertEquals(normalizeLegacyFields(map, { deviceId: "d1", ts: "not a time" }), undefined);
  assertEquals(
    normalizeLegacyFields(map, { deviceId: "d1", ts: "2025-07-22T22:30:45.123Z" }),
    undefined,
  );
});

Deno.test("normalizeLegacyFields() keeps unnormalisable timestamps for the schema to report", () => {
  assertEquals(normalizeLegacyFields(map, { device_id: "d1", timestamp: "soon" }), {
    deviceId: "d1",
    ts: "soon",
  });
});

Deno.test("normalizeLegacyFields() ignores non-objects", () => {
  for (const input of [null, undefined, "x", 1, [1, 2]]) {
    assertEquals(normalizeLegacyFields(map, input), undefined);
  }
});

Deno.test("normalizeLegacyFields() does not let __proto__ change the copy's prototype", () => {
  const input = JSON.parse('{"__proto__": {"polluted": true}, "device_id": "d1"}');
  const out = normalizeLegacyFields(map, input);
  assertEquals(out, { deviceId: "d1" });
  assertEquals(Object.getPrototypeOf(out), Object.prototype);
});
