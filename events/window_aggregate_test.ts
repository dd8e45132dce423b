import { assert, assertEquals } from "@std/assert";
import { encodeEvent } from "./registry.ts";
import {
  decodeWindowAggregate,
  parseWindowAggregate,
  type WindowAggregate,
} from "./window_aggregate.ts";

const aggregate: WindowAggregate = {
  deviceId: "dev-1",
  windowStart: "2025-07-22T22:30:00.000Z",
  windowEnd: "2025-07-22T22:31:00.000Z",
  count: 3,
  temperature: { avg: 21, min: 20, max: 22.5 },
  humidity: { avg: 40, min: 38, max: 43 },
};

function failedPaths(input: unknown): string[] {
  const result = parseWindowAggregate(input);
  assert(!result.ok, "expected the aggregate to be rejected");
  assertEquals(result.error.kind, "window-aggregate");
  return result.error.issues.map((issue) => issue.path);
}

Deno.test("parseWindowAggregate() accepts a canonical aggregate", () => {
  assertEquals(parseWindowAggregate(aggregate), { ok: true, value: aggregate });
  const single = { ...aggregate, count: 1, temperature: { avg: 20, min: 20, max: 20 } };
  assertEquals(parseWindowAggregate(single), { ok: true, value: single });
});

Deno.test("parseWindowAggregate() checks count", () => {
  assertEquals(failedPaths({ ...aggregate, count: 0 }), ["count"]);
  assertEquals(failedPaths({ ...aggregate, count: 2.5 }), ["count"]);
});

Deno.test("parseWindowAggregate() requires windowEnd after windowStart", () => {
  assertEquals(failedPaths({ ...aggregate, windowEnd: aggregate.windowStart }), ["windowEnd"]);
  assertEquals(failedPaths({ ...aggregate, windowEnd: "2025-07-22T22:29:00.000Z" }), [
    "windowEnd",
  ]);
  const result = parseWindowAggregate({ ...aggregate, windowEnd: aggregate.windowStart });
  assert(!result.ok);
  assertEquals(
    result.error.message,
    "Invalid window-aggregate event: windowEnd: must be after windowStart",
  );
});

Deno.test("parseWindowAggregate() reports a broken window bound once", () => {
  assertEquals(failedPaths({ ...aggregate, windowStart: "later" }), ["windowStart"]);
});

Deno.test("parseWindowAggregate() requires min <= avg <= max", () => {
  assertEquals(
    failedPaths({ ...aggregate, temperature: { avg: 25, min: 20, max: 22 } }),
    ["temperature.avg"],
  );
  assertEquals(
    failedPaths({ ...aggregate, humidity: { avg: 40, min: 41, max: 43 } }),
    ["humidity.avg"],
  );
  assertEquals(
    failedPaths({ ...aggregate, temperature: { avg: 21, min: 22, max: 20 } }),
    ["temperature.max"],
  );
});

Deno.test("parseWindowAggregate() tolerates floating-point error in avg", () => {
  const avg = (0.1 + 0.1 + 0.1) / 3;
  assert(avg > 0.1);
  assert(parseWindowAggregate({ ...aggregate, temperature: { avg, min: 0.1, max: 0.1 } }).ok);
});

Deno.test("parseWindowAggregate() checks each stat's range and type", () => {
  assertEquals(
    failedPaths({ ...aggregate, humidity: { avg: 40, min: 38, max: 101 } }),
    ["humidity.max"],
  );
  assertEquals(
    failedPaths({ ...aggregate, temperature: { avg: 21, min: 20 } }),
    ["temperature.max"],
  );
  assertEquals(failedPaths({ ...aggregate, temperature: 21 }), ["temperature"]);
});

Deno.test("parseWindowAggregate() normalises legacy fields and timestamps", () => {
  const legacy = {
    device_id: "dev-1",
    window_start: "2025-07-22 22:30:00Z",
    window_end: 1753223460000,
    count: 3,
    temperature: { avg: 21, min: 20, max: 22.5 },
    humidity: { avg: 40, min: 38, max: 43 },
  };
  assertEquals(parseWindowAggregate(legacy), { ok: true, value: aggregate });
});

Deno.test("decodeWindowAggregate() round-trips through encodeEvent()", () => {
  const bytes = encodeEvent(aggregate);
  assertEquals(
    new TextDecoder().decode(bytes),
    '{"deviceId":"dev-1","windowStart":"2025-07-22T22:30:00.000Z",' +
      '"windowEnd":"2025-07-22T22:31:00.000Z","count":3,' +
      '"temperature":{"avg":21,"min":20,"max":22.5},"humidity":{"avg":40,"min":38,"max":43}}',
  );
  assertEquals(decodeWindowAggregate(bytes), { ok: true, value: aggregate });
});

Deno.test("decodeWindowAggregate() rejects invalid JSON", () => {
  const result = decodeWindowAggregate("{count: 3}");
  assert(!result.ok);
  assertEquals(result.error.reason, "invalid-json");
});
