import { assertEquals } from "@std/assert";
import { RecordColumns } from "./record_columns.ts";

Deno.test("RecordColumns reads keys and values as views, -1 as null and 0 as empty", () => {
  const c = new RecordColumns(3);
  c.bytes = new TextEncoder().encode("..k1..hello..v3");
  c.length = 3;
  c.keyStarts.set([2, 0, 0]);
  c.keyLengths.set([2, -1, 0]);
  c.valueStarts.set([6, 0, 13]);
  c.valueLengths.set([5, -1, 2]);
  const text = (b: Uint8Array | null) => b === null ? null : new TextDecoder().decode(b);
  assertEquals([0, 1, 2].map((i) => [text(c.key(i)), text(c.value(i))]), [
    ["k1", "hello"],
    [null, null],
    ["", "v3"],
  ]);
  // Views, not copies: they share the batch's buffer.
  assertEquals(c.value(0)!.buffer, c.bytes.buffer);
});

Deno.test("RecordColumns numbers topics in order of first appearance", () => {
  const c = new RecordColumns(3);
  c.topics.set([c.topicIndex("a"), c.topicIndex("b"), c.topicIndex("a")]);
  assertEquals(c.topicNames, ["a", "b"]);
  assertEquals([0, 1, 2].map((i) => c.topic(i)), ["a", "b", "a"]);
});

Deno.test("RecordColumns names timestamp types, unknown codes as none", () => {
  const c = new RecordColumns(4);
  c.timestampTypes.set([0, 1, 2, 9]);
  assertEquals([0, 1, 2, 3].map((i) => c.timestampType(i)), [
    "none",
    "create",
    "log-append",
    "none",
  ]);
});
