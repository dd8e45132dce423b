/**
 * Kafka questions the lake's integration tests ask: how many records the topics hold, and how
 * far a consumer group has committed.
 *
 * @module
 */
import { Admin, Consumer } from "@iot/kafka";
import { uniqueName } from "@iot/testing";

/** The sum of the high watermarks of partitions 0 to `partitions - 1` of `topics`. */
export async function endTotal(
  bootstrap: string,
  topics: readonly string[],
  partitions = 2,
): Promise<number> {
  await using consumer = new Consumer({
    config: {
      "bootstrap.servers": bootstrap,
      "group.id": uniqueName("watermarks"),
      "enable.auto.commit": false,
    },
  });
  let total = 0;
  for (const topic of topics) {
    for (let p = 0; p < partitions; p++) total += (await consumer.watermarkOffsets(topic, p)).high;
  }
  return total;
}

/** The sum of `group`'s committed offsets. */
export async function committedTotal(bootstrap: string, group: string): Promise<number> {
  await using admin = new Admin({ config: { "bootstrap.servers": bootstrap } });
  const offsets = await admin.listConsumerGroupOffsets(group);
  return offsets.reduce((n, o) => n + Math.max(0, o.offset ?? 0), 0);
}
