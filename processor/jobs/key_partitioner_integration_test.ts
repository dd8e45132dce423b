/** `keyPartition` places keys where librdkafka's murmur2 partitioner (the producer's) does. */
import { assertEquals } from "@std/assert";
import { startKafka, uniqueName } from "@iot/testing";
import { Admin, Producer } from "@iot/kafka";
import { keyPartition } from "./key_partitioner.ts";

Deno.test("keyPartition() agrees with librdkafka's murmur2_random partitioner", async () => {
  await using kafka = await startKafka();
  const topic = uniqueName("murmur2");
  const partitions = 7;
  {
    await using admin = new Admin({ config: { "bootstrap.servers": kafka.bootstrap } });
    await admin.createTopics([{ name: topic, partitions }]);
  }
  await using producer = new Producer({
    config: { "bootstrap.servers": kafka.bootstrap, "partitioner": "murmur2_random" },
  });
  const keys = Array.from({ length: 200 }, (_, i) => i % 3 === 0 ? `dev-${i}` : `🌡-sensor/${i}`);
  const reports = await producer.sendBatch(keys.map((key) => ({ topic, key, value: "x" })));
  assertEquals(reports.map((r) => r.partition), keys.map((key) => keyPartition(key, partitions)));
});
