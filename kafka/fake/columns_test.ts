import { assertEquals } from "@std/assert";
import type { ConsumerRecord } from "../consumer.ts";
import { columnsOf } from "./columns.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const records: ConsumerRecord[] = [
  {
    topic: "a",
    partition: 2,
    offset: 7,
    key: bytes("k"),
    value: bytes("v1"),
    timestamp: 1_000,
    timestampType: "create",
    headers: [["h", bytes("x")], ["h", null], ["e", new Uint8Array()]],
  },
  {
    topic: "b",
    partition: 0,
    offset: 8,
    key: null,
    value: null,
    timestamp: -1,
    timestampType: "none",
    headers: [],
  },
  {
    topic: "a",
    partition: 2,
    offset: 9,
    key: new Uint8Array(),
    value: bytes("ü"),
    timestamp: 3_000,
    timestampType: "log-append",
    headers: [["s", bytes("a:1")]],
  },
];

Deno.test("columnsOf: every field of every record reads back, nulls and empties apart", () => {
  const c = columnsOf(records, true);
  const back: ConsumerRecord[] = Array.from({ length: c.length }, (_, i) => ({
    topic: c.topic(i),
    partition: c.partitions[i],
    offset: c.offsets[i],
    key: c.key(i),
    value: c.value(i),
    timestamp: c.timestamps[i],
    timestampType: c.timestampType(i),
    headers: c.headers!.headersOf(i),
  }));
  assertEquals(back, records);
  assertEquals(c.topicNames, ["a", "b"]);
});

Deno.test("columnsOf: without headers the batch has none", () => {
  assertEquals(columnsOf(records, false).headers, null);
  assertEquals(columnsOf([], true).length, 0);
});
