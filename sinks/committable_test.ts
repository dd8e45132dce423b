import { assertEquals } from "@std/assert";
import type { ConsumerRecord, TopicPartition } from "@iot/kafka";
import { CommittableOffsets, partitionKey } from "./committable.ts";

const rec = (topic: string, partition: number, offset: number): ConsumerRecord => ({
  topic,
  partition,
  offset,
  key: null,
  value: null,
  timestamp: -1,
  timestampType: "none",
  headers: [],
});

const sorted = (offsets: TopicPartition[]) =>
  offsets.map((p) => `${p.topic}/${p.partition}@${p.offset}`).sort();

Deno.test("CommittableOffsets: without a buffering writer, a batch's next offsets", () => {
  const offsets = new CommittableOffsets({});
  assertEquals(sorted(offsets.after([rec("a", 0, 3), rec("a", 0, 5), rec("b", 1, 0)])), [
    "a/0@6",
    "b/1@1",
  ]);
  assertEquals(offsets.after([]), [], "nothing remembered");
  assertEquals(offsets.holding(), false);
});

Deno.test("CommittableOffsets: a buffering writer holds every partition back to its first record not durable", () => {
  let held: TopicPartition[] = [{ topic: "a", partition: 0, offset: 4 }];
  const offsets = new CommittableOffsets({ heldOffsets: () => held });
  assertEquals(sorted(offsets.after([rec("a", 0, 5), rec("b", 0, 2)])), ["a/0@4", "b/0@3"]);
  assertEquals(offsets.holding(), true);
  // Later, with no new records: what became durable since.
  held = [];
  assertEquals(sorted(offsets.after([])), ["a/0@6", "b/0@3"]);
  assertEquals(offsets.holding(), false);
  // A partition given up in a rebalance is no longer committed by this member.
  offsets.forget([partitionKey({ topic: "b", partition: 0 })]);
  assertEquals(sorted(offsets.after([])), ["a/0@6"]);
});
