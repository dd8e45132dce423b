import { assertEquals } from "@std/assert";
import type { SimRecord } from "../core/schedule.ts";
import { BatchEncoder, newRecordBytes, recordHeaders } from "./encode.ts";

const text = new TextDecoder();

Deno.test("BatchEncoder: each record gets its own key, value, topic and timestamp", () => {
  const records: SimRecord[] = [
    { topic: "t", key: "d1", value: '{"a":1}', timestamp: 5 },
    { topic: "t", key: "d2", value: '{"t":"21 °C"}', timestamp: 6 },
    { topic: "u", key: "d1", value: "", timestamp: 7 },
  ];
  const batch = newRecordBytes(1);
  new BatchEncoder().encode(records, batch);
  assertEquals(batch.count, 3);
  assertEquals(
    records.map((_, i) => [
      batch.topics[batch.topicIndex[i]],
      batch.keyText(i),
      batch.valueText(i),
      batch.timestamps[i],
    ]),
    [["t", "d1", '{"a":1}', 5], ["t", "d2", '{"t":"21 °C"}', 6], ["u", "d1", "", 7]],
  );
  assertEquals(
    batch.headers.map(([k, v]) => [k, text.decode(v)]),
    recordHeaders.map(([k, v]) => [k, v]),
  );
  assertEquals(recordHeaders, [["content-type", "application/json"], ["schema-version", "1"]]);
});
