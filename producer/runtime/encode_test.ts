import { assertEquals } from "@std/assert";
import type { SimRecord } from "../core/schedule.ts";
import { BatchEncoder, recordHeaders } from "./encode.ts";

const text = new TextDecoder();

Deno.test("BatchEncoder: each record gets its own key and value bytes, and the headers", () => {
  const records: SimRecord[] = [
    { topic: "t", key: "d1", value: '{"a":1}', timestamp: 5 },
    { topic: "t", key: "d2", value: '{"b":22}', timestamp: 6 },
    { topic: "u", key: "d1", value: "", timestamp: 7 },
  ];
  const encoded = new BatchEncoder().encode(records);
  assertEquals(
    encoded.map((r) => [
      r.topic,
      text.decode(r.key as Uint8Array),
      text.decode(r.value as Uint8Array),
      r.timestamp,
    ]),
    [["t", "d1", '{"a":1}', 5], ["t", "d2", '{"b":22}', 6], ["u", "d1", "", 7]],
  );
  const headers = encoded[0].headers as ReadonlyArray<readonly [string, Uint8Array]>;
  assertEquals(headers.map(([k, v]) => [k, text.decode(v)]), recordHeaders.map(([k, v]) => [k, v]));
  assertEquals(recordHeaders, [["content-type", "application/json"], ["schema-version", "1"]]);
});

Deno.test("BatchEncoder: a batch with non-ASCII values falls back to strings", () => {
  const encoded = new BatchEncoder().encode([
    { topic: "t", key: "k", value: '{"t":"21 °C"}', timestamp: 1 },
    { topic: "t", key: "k", value: '{"x":1}', timestamp: 2 },
  ]);
  assertEquals(encoded.map((r) => r.value), ['{"t":"21 °C"}', '{"x":1}']);
});
