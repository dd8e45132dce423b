import { assertEquals } from "@std/assert";
import type { ConsumerRecord } from "@iot/kafka";
import { formatRecord, toTailLine } from "./format.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const record = (over: Partial<ConsumerRecord>): ConsumerRecord => ({
  topic: "t",
  partition: 2,
  offset: 7,
  key: bytes("dev-1"),
  value: bytes('{"celsius":21.5}'),
  timestamp: Date.UTC(2026, 0, 1),
  timestampType: "create",
  headers: [["schema-version", bytes("1")]],
  ...over,
});

Deno.test("toTailLine: a JSON value is printed as JSON, with coordinates and headers", () => {
  assertEquals(
    formatRecord(record({})),
    '{"topic":"t","partition":2,"offset":7,"timestamp":"2026-01-01T00:00:00.000Z","key":"dev-1",' +
      '"headers":{"schema-version":"1"},"value":{"celsius":21.5}}',
  );
});

Deno.test("toTailLine: text, binary, tombstones and missing timestamps stay readable", () => {
  assertEquals(toTailLine(record({ value: bytes("not json {") })).value, "not json {");
  assertEquals(toTailLine(record({ value: new Uint8Array([0xff, 0x00]) })).value, "base64:/wA=");
  const bare = toTailLine(
    record({ key: null, value: null, timestamp: -1, headers: [["h", null]] }),
  );
  assertEquals([bare.key, bare.value, bare.timestamp, bare.headers], [null, null, null, {
    h: null,
  }]);
});
