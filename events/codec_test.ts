import { assert, assertEquals, assertInstanceOf } from "@std/assert";
import { z } from "zod";
import { decodeWithSpec, defineEventSpec, encodeJson, parseWithSpec } from "./codec.ts";
import { EventValidationError } from "./errors.ts";
import { timestampSchema } from "./time.ts";

const spec = defineEventSpec(
  "climate-reading",
  z.object({ deviceId: z.string().min(1), ts: timestampSchema, level: z.number() }),
  ["ts"],
);
const canonical = { deviceId: "d1", ts: "2025-07-22T22:30:45.123Z", level: 3 };

Deno.test("defineEventSpec() derives legacy aliases from the schema's fields", () => {
  assertEquals(spec.kind, "climate-reading");
  assertEquals(spec.legacy.aliases.get("device_id"), "deviceId");
  assertEquals(spec.legacy.aliases.get("timestamp"), "ts");
  assertEquals(spec.legacy.timestampFields, ["ts"]);
});

Deno.test("parseWithSpec() accepts canonical input and strips unknown fields", () => {
  assertEquals(parseWithSpec(spec, { ...canonical, extra: true }), { ok: true, value: canonical });
});

Deno.test("parseWithSpec() falls back to the legacy form", () => {
  const result = parseWithSpec(spec, { device_id: "d1", timestamp: 1753223445123, level: 3 });
  assertEquals(result, { ok: true, value: canonical });
});

Deno.test("parseWithSpec() reports canonical field paths for legacy input", () => {
  const result = parseWithSpec(spec, { device_id: "", timestamp: "soon", level: 3 });
  assert(!result.ok);
  assertEquals(result.error.reason, "schema");
  assertEquals(result.error.issues.map((i) => i.path), ["deviceId", "ts"]);
});

Deno.test("parseWithSpec() reports the first attempt's issues when nothing is legacy", () => {
  const result = parseWithSpec(spec, { ...canonical, level: "high" });
  assert(!result.ok);
  assertEquals(result.error.issues, [{
    path: "level",
    message: "Invalid input: expected number, received string",
    code: "invalid_type",
  }]);
  assertEquals(
    result.error.message,
    "Invalid climate-reading event: level: Invalid input: expected number, received string",
  );
});

Deno.test("parseWithSpec() rejects non-objects at the root path", () => {
  for (const input of [null, "x", 1, []]) {
    const result = parseWithSpec(spec, input);
    assert(!result.ok);
    assertEquals(result.error.issues[0].path, "");
  }
});

Deno.test("decodeWithSpec() decodes bytes and strings", () => {
  const text = JSON.stringify(canonical);
  assertEquals(decodeWithSpec(spec, text), { ok: true, value: canonical });
  assertEquals(decodeWithSpec(spec, new TextEncoder().encode(text)), {
    ok: true,
    value: canonical,
  });
});

Deno.test("decodeWithSpec() tells invalid JSON from schema violations", () => {
  const broken = decodeWithSpec(spec, '{"deviceId": "d1",');
  assert(!broken.ok);
  assertInstanceOf(broken.error, EventValidationError);
  assertEquals(broken.error.reason, "invalid-json");
  assertEquals(broken.error.issues[0].code, "invalid_json");
  assertInstanceOf(broken.error.cause, SyntaxError);

  const invalid = decodeWithSpec(spec, '{"deviceId": "d1"}');
  assert(!invalid.ok);
  assertEquals(invalid.error.reason, "schema");
});

Deno.test("decodeWithSpec() decodes non-ASCII UTF-8", () => {
  const text = JSON.stringify({ ...canonical, deviceId: "Gerät-温度-🌡" });
  const result = decodeWithSpec(spec, new TextEncoder().encode(text));
  assert(result.ok);
  assertEquals(result.value.deviceId, "Gerät-温度-🌡");
});

Deno.test("decodeWithSpec() skips a UTF-8 byte order mark", () => {
  const bytes = new TextEncoder().encode("\uFEFF" + JSON.stringify(canonical));
  assertEquals(decodeWithSpec(spec, bytes), { ok: true, value: canonical });
});

Deno.test("decodeWithSpec() rejects bytes that are not UTF-8 as invalid JSON", () => {
  const result = decodeWithSpec(spec, new Uint8Array([0x7b, 0xff, 0x7d]));
  assert(!result.ok);
  assertEquals(result.error.reason, "invalid-json");
});

Deno.test("decodeWithSpec() rejects empty input as invalid JSON", () => {
  const result = decodeWithSpec(spec, new Uint8Array());
  assert(!result.ok);
  assertEquals(result.error.reason, "invalid-json");
});

Deno.test("encodeJson() writes UTF-8 JSON", () => {
  const bytes = encodeJson({ deviceId: "Gerät-°C" });
  assertEquals(new TextDecoder().decode(bytes), '{"deviceId":"Gerät-°C"}');
});
