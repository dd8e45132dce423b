import { assert, assertEquals } from "@std/assert";
import { decodeRecord, type RawRecord } from "./decode.ts";

const enc = new TextEncoder();
const raw = (value: string | Uint8Array | null, headers: RawRecord["headers"] = []): RawRecord => ({
  topic: "t",
  partition: 2,
  offset: 7,
  key: enc.encode("d1"),
  value: typeof value === "string" ? enc.encode(value) : value,
  timestamp: 1000,
  headers,
});

Deno.test("decodeRecord: a valid reading becomes a record with its source coordinates", () => {
  const json = '{"deviceId":"d1","ts":"2025-07-22T22:30:45.123Z","temperature":21.5,"humidity":40}';
  const decoded = decodeRecord("climate-reading", raw(json, [["schema-version", enc.encode("1")]]));
  assert(decoded.ok);
  assertEquals(decoded.record.value, {
    deviceId: "d1",
    ts: "2025-07-22T22:30:45.123Z",
    temperature: 21.5,
    humidity: 40,
  });
  assertEquals(decoded.record.source, {
    topic: "t",
    partition: 2,
    offset: 7,
    timestamp: 1000,
    key: "d1",
    headers: [["schema-version", "1"]],
  });
});

Deno.test("decodeRecord: invalid JSON, a schema violation and a tombstone say why", () => {
  const failures = [
    decodeRecord("climate-reading", raw("{nope")),
    decodeRecord("climate-reading", raw('{"deviceId":"d1","ts":"2025-07-22T22:30:45Z"}')),
    decodeRecord("alert", raw(null)),
  ].map((d) => (d.ok ? "ok" : d.failure.code));
  assertEquals(failures, ["invalid-json", "schema", "tombstone"]);
});

Deno.test("decodeRecord: a dead-letter record keeps its bytes and reads the dlq headers", () => {
  const bytes = new Uint8Array([0xff, 0x00, 0x7b]);
  const headers: RawRecord["headers"] = [
    ["dlq-reason", enc.encode("humidity: must be at most 100")],
    ["dlq-reason-code", enc.encode("schema")],
    ["dlq-source-topic", enc.encode("sensor-readings")],
    ["dlq-source-partition", enc.encode("3")],
    ["dlq-source-offset", enc.encode("42")],
    ["dlq-job", enc.encode("device-aggregates")],
  ];
  const decoded = decodeRecord("dead-letter", raw(bytes, headers));
  assert(decoded.ok);
  assertEquals(decoded.record.value, {
    payload: bytes,
    reason: "humidity: must be at most 100",
    code: "schema",
    sourceTopic: "sensor-readings",
    sourcePartition: 3,
    sourceOffset: 42,
    job: "device-aggregates",
  });
});
