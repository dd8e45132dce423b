/**
 * Reading a whole topic of the fake cluster, for test assertions.
 *
 * @module
 */
import type { ConsumerRecord } from "../consumer.ts";
import type { FakeKafka } from "./cluster.ts";
import { FakeConsumer } from "./consumer.ts";

/**
 * Every record of `topic` (all partitions, each in offset order) that a reader with `isolation`
 * (default read_committed) sees now.
 */
export function readAll(
  kafka: FakeKafka,
  topic: string,
  isolation: "read_committed" | "read_uncommitted" = "read_committed",
): ConsumerRecord[] {
  const consumer = new FakeConsumer(kafka, { groupId: "fake-read-all", isolation });
  const partitions = kafka.partitionCount(topic) ?? 0;
  consumer.assign(Array.from({ length: partitions }, (_, partition) => ({
    topic,
    partition,
    offset: 0,
  })));
  const records: ConsumerRecord[] = [];
  for (let batch = consumer.poll(4096); batch.length > 0; batch = consumer.poll(4096)) {
    records.push(...batch);
  }
  consumer.crash();
  return records;
}
