import { assertEquals } from "@std/assert";
import type { ConsumerRecord } from "@iot/kafka";
import { columnsOf } from "@iot/kafka/testing";
import { RecordView } from "./record_view.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const records: ConsumerRecord[] = [
  {
    topic: "t",
    partition: 1,
    offset: 41,
    key: bytes("k"),
    value: bytes("v"),
    timestamp: 5,
    timestampType: "create",
    headers: [["iot-source", bytes("a:0")], ["x", null], ["iot-source", bytes("a:1")]],
  },
  {
    topic: "u",
    partition: 0,
    offset: 42,
    key: null,
    value: null,
    timestamp: -1,
    timestampType: "none",
    headers: [],
  },
];

const plain = (r: ConsumerRecord): ConsumerRecord => ({
  topic: r.topic,
  partition: r.partition,
  offset: r.offset,
  key: r.key,
  value: r.value,
  timestamp: r.timestamp,
  timestampType: r.timestampType,
  headers: r.headers,
});

Deno.test("RecordView: reads every field of each record it is moved to", () => {
  const batch = columnsOf(records, true);
  const view = new RecordView();
  assertEquals(records.map((_, i) => plain(view.at(batch, i))), records);
  assertEquals([view.index, view.columns], [1, batch]);
});

Deno.test("RecordView: finds a record's last header of a name without the header array", () => {
  const batch = columnsOf(records, true);
  const view = new RecordView().at(batch, 0);
  const h = view.lastHeader("iot-source");
  assertEquals(new TextDecoder().decode(view.headerColumns!.value(h)!), "a:1");
  assertEquals([view.lastHeader("x"), view.lastHeader("none")], [1, -1]);
  assertEquals(view.at(batch, 1).lastHeader("iot-source"), -1);
});

Deno.test("RecordView: a batch read without headers shows none", () => {
  const view = new RecordView().at(columnsOf(records, false), 0);
  assertEquals([view.headers, view.lastHeader("iot-source"), view.headerColumns], [[], -1, null]);
});

Deno.test("RecordView: what the logic kept of a record stays when the view moves on", () => {
  const batch = columnsOf(records, true);
  const view = new RecordView().at(batch, 0);
  const kept = { value: view.value, headers: view.headers, offset: view.offset };
  view.at(batch, 1);
  assertEquals(kept, { value: bytes("v"), headers: records[0].headers, offset: 41 });
});
