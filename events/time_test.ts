import { assert, assertEquals, assertThrows } from "@std/assert";
import {
  formatTimestamp,
  maxTimestampMs,
  minTimestampMs,
  normalizeTimestamp,
  timestampSchema,
} from "./time.ts";

const canonical = "2025-07-22T22:30:45.123Z";

Deno.test("timestampSchema accepts canonical timestamps", () => {
  assert(timestampSchema.safeParse(canonical).success);
  assert(timestampSchema.safeParse("2024-02-29T00:00:00.000Z").success);
});

Deno.test("timestampSchema rejects non-canonical and impossible timestamps", () => {
  for (
    const bad of [
      "2025-07-22T22:30:45Z",
      "2025-07-22 22:30:45.123Z",
      "2025-07-22T22:30:45.123+02:00",
      "2025-07-22T22:30:45.1234Z",
      "2025-02-29T00:00:00.000Z",
      "2025-07-22T24:00:00.000Z",
      "",
    ]
  ) {
    const result = timestampSchema.safeParse(bad);
    assertEquals(result.success, false, bad);
    assertEquals(
      result.error?.issues[0].message,
      "expected an ISO-8601 UTC timestamp with milliseconds, e.g. 2025-07-22T22:30:45.123Z",
    );
  }
  assertEquals(timestampSchema.safeParse(1753223445123).success, false);
});

Deno.test("normalizeTimestamp() keeps a canonical timestamp as it is", () => {
  assertEquals(normalizeTimestamp(canonical), canonical);
});

Deno.test("normalizeTimestamp() accepts a space separator", () => {
  assertEquals(normalizeTimestamp("2025-07-22 22:30:45.123Z"), canonical);
});

Deno.test("normalizeTimestamp() adds milliseconds when there is no fraction", () => {
  assertEquals(normalizeTimestamp("2025-07-22T22:30:45Z"), "2025-07-22T22:30:45.000Z");
});

Deno.test("normalizeTimestamp() pads short fractions and truncates long ones", () => {
  assertEquals(normalizeTimestamp("2025-07-22T22:30:45.1Z"), "2025-07-22T22:30:45.100Z");
  assertEquals(normalizeTimestamp("2025-07-22T22:30:45.123999Z"), canonical);
  assertEquals(normalizeTimestamp("2025-07-22T23:59:59.999999999Z"), "2025-07-22T23:59:59.999Z");
});

Deno.test("normalizeTimestamp() converts offsets to UTC", () => {
  assertEquals(normalizeTimestamp("2025-07-23T00:30:45.123+02:00"), canonical);
  assertEquals(normalizeTimestamp("2025-07-23T00:30:45.123+0200"), canonical);
  assertEquals(normalizeTimestamp("2025-07-23T00:30:45.123+02"), canonical);
  assertEquals(normalizeTimestamp("2025-07-22T17:00:45.123-05:30"), canonical);
  assertEquals(normalizeTimestamp("2025-07-22T22:30:45.123-00:00"), canonical);
  // Crossing a day and a year boundary.
  assertEquals(normalizeTimestamp("2026-01-01T01:00:00+02:00"), "2025-12-31T23:00:00.000Z");
});

Deno.test("normalizeTimestamp() accepts lower-case t and z", () => {
  assertEquals(normalizeTimestamp("2025-07-22t22:30:45.123z"), canonical);
});

Deno.test("normalizeTimestamp() accepts epoch milliseconds", () => {
  assertEquals(normalizeTimestamp(1753223445123), canonical);
  assertEquals(normalizeTimestamp(1753223445123.9), canonical);
  assertEquals(normalizeTimestamp(0), "1970-01-01T00:00:00.000Z");
});

Deno.test("normalizeTimestamp() accepts a valid Date", () => {
  assertEquals(normalizeTimestamp(new Date(canonical)), canonical);
  assertEquals(normalizeTimestamp(new Date(NaN)), undefined);
});

Deno.test("normalizeTimestamp() handles years below 100 without the 1900 shift", () => {
  assertEquals(normalizeTimestamp("0050-03-01T00:00:00Z"), "0050-03-01T00:00:00.000Z");
});

Deno.test("normalizeTimestamp() rejects impossible dates and times", () => {
  for (
    const bad of [
      "2025-02-29T00:00:00Z",
      "2025-04-31T00:00:00Z",
      "2025-13-01T00:00:00Z",
      "2025-00-01T00:00:00Z",
      "2025-07-00T00:00:00Z",
      "2025-07-22T24:00:00Z",
      "2025-07-22T22:60:00Z",
      "2025-07-22T22:30:60Z",
      "2025-07-22T22:30:45+24:00",
      "2025-07-22T22:30:45+02:60",
    ]
  ) {
    assertEquals(normalizeTimestamp(bad), undefined, bad);
  }
  assertEquals(normalizeTimestamp("2024-02-29T00:00:00Z"), "2024-02-29T00:00:00.000Z");
  assertEquals(normalizeTimestamp("2000-02-29T00:00:00Z"), "2000-02-29T00:00:00.000Z");
  assertEquals(normalizeTimestamp("1900-02-29T00:00:00Z"), undefined);
});

Deno.test("normalizeTimestamp() rejects times without a zone and other shapes", () => {
  for (
    const bad of [
      "2025-07-22T22:30:45.123",
      "2025-07-22",
      "22:30:45Z",
      "2025-07-22T22:30Z",
      "1753223445123",
      " 2025-07-22T22:30:45.123Z",
      "",
    ]
  ) {
    assertEquals(normalizeTimestamp(bad), undefined, bad);
  }
  for (const bad of [NaN, Infinity, -Infinity, null, undefined, true, {}, []]) {
    assertEquals(normalizeTimestamp(bad), undefined, String(bad));
  }
});

Deno.test("normalizeTimestamp() rejects instants outside years 0000-9999", () => {
  assertEquals(normalizeTimestamp(maxTimestampMs), "9999-12-31T23:59:59.999Z");
  assertEquals(normalizeTimestamp(maxTimestampMs + 1), undefined);
  assertEquals(normalizeTimestamp(minTimestampMs), "0000-01-01T00:00:00.000Z");
  assertEquals(normalizeTimestamp(minTimestampMs - 1), undefined);
  assertEquals(normalizeTimestamp("0000-01-01T00:30:00+01:00"), undefined);
  assertEquals(normalizeTimestamp("9999-12-31T23:30:00-01:00"), undefined);
});

Deno.test("formatTimestamp() formats epoch milliseconds canonically", () => {
  assertEquals(formatTimestamp(1753223445123), canonical);
  assertEquals(formatTimestamp(0), "1970-01-01T00:00:00.000Z");
});

Deno.test("formatTimestamp() throws RangeError for unrepresentable instants", () => {
  assertThrows(() => formatTimestamp(NaN), RangeError, "NaN");
  assertThrows(() => formatTimestamp(maxTimestampMs + 1), RangeError, "years 0000-9999");
});
