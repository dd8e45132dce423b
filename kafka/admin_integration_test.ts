import {
  assert,
  assertArrayIncludes,
  assertEquals,
  assertGreaterOrEqual,
  assertRejects,
} from "@std/assert";
import { startKafka, uniqueName } from "@iot/testing";
import {
  Admin,
  Consumer,
  type ConsumerRecord,
  ErrorCode,
  KafkaError,
  nextOffsets,
  Producer,
} from "./mod.ts";

/** Consumes from `topic` as group `groupId` until `count` records arrived, then commits them. */
async function consumeAndCommit(
  bootstrap: string,
  groupId: string,
  topic: string,
  count: number,
): Promise<ConsumerRecord[]> {
  await using consumer = new Consumer({
    config: {
      "bootstrap.servers": bootstrap,
      "group.id": groupId,
      "enable.auto.commit": false,
      "auto.offset.reset": "earliest",
    },
  });
  consumer.subscribe([topic]);
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 30_000);
  const records: ConsumerRecord[] = [];
  try {
    for await (const batch of consumer.batches({ signal: abort.signal, maxMessages: count })) {
      records.push(...batch.slice(0, count - records.length));
      if (records.length === count) break;
    }
  } finally {
    clearTimeout(timer);
  }
  assertEquals(records.length, count, `consumed ${count} records from ${topic}`);
  await consumer.commit(nextOffsets(records));
  return records;
}

Deno.test("Admin against a real broker", async (t) => {
  await using kafka = await startKafka();
  const bootstrap = kafka.bootstrap;
  await using admin = new Admin({ config: { "bootstrap.servers": bootstrap } });

  await t.step("createTopics sets partitions and configs", async () => {
    const topic = uniqueName("admin-create");
    await admin.createTopics([{
      name: topic,
      partitions: 3,
      config: { "cleanup.policy": "compact" },
    }]);

    const [description] = await admin.describeTopics([topic], { configs: true });
    assertEquals(description.name, topic);
    assertEquals(description.partitions.map((p) => p.partition), [0, 1, 2]);
    for (const partition of description.partitions) {
      assertGreaterOrEqual(partition.leader, 0);
      assertEquals(partition.replicas, [partition.leader]);
      assertEquals(partition.isr, [partition.leader]);
    }
    assertEquals(description.configs?.["cleanup.policy"], "compact");

    const config = await admin.describeTopicConfig(topic);
    assertEquals(config["cleanup.policy"], "compact");
    assert("retention.ms" in config, "defaults are included");
    const overrides = await admin.describeTopicConfig(topic, { includeDefaults: false });
    assertEquals(overrides["cleanup.policy"], "compact");
    assert(!("retention.ms" in overrides), "defaults are left out");
  });

  await t.step("createTopics rejects an existing topic unless ignoreExisting", async () => {
    const topic = uniqueName("admin-existing");
    await admin.createTopics([{ name: topic }]);
    const error = await assertRejects(
      () => admin.createTopics([{ name: topic, partitions: 2 }]),
      KafkaError,
      topic,
    );
    assertEquals(error.code, ErrorCode.TOPIC_ALREADY_EXISTS);
    await admin.createTopics([{ name: topic, partitions: 2 }], { ignoreExisting: true });
    const [description] = await admin.describeTopics([topic]);
    assertEquals(description.partitions.length, 1, "the existing topic is left as it was");
  });

  await t.step("createTopics rejects bad arguments before asking the broker", async () => {
    await assertRejects(
      () => admin.createTopics([{ name: uniqueName("admin-bad"), partitions: 0 }]),
      RangeError,
    );
    await assertRejects(
      () => admin.createTopics([{ name: uniqueName("admin-bad"), partitions: 1.5 }]),
      TypeError,
    );
  });

  await t.step("listTopics lists topics, internal ones only on request", async () => {
    const topics = [uniqueName("admin-list"), uniqueName("admin-list")];
    await admin.createTopics(topics.map((name) => ({ name })));
    const listed = await admin.listTopics();
    assertArrayIncludes(listed, topics);
    assertEquals(listed, [...listed].sort(), "sorted by name");
    assert(listed.every((name) => !name.startsWith("__")), "no internal topics by default");
    assertArrayIncludes(await admin.listTopics({ includeInternal: true }), listed);
  });

  await t.step("createPartitions raises the partition count", async () => {
    const topic = uniqueName("admin-partitions");
    await admin.createTopics([{ name: topic, partitions: 1 }]);
    await admin.createPartitions(topic, 4);
    const [description] = await admin.describeTopics([topic]);
    assertEquals(description.partitions.map((p) => p.partition), [0, 1, 2, 3]);
    const error = await assertRejects(() => admin.createPartitions(topic, 2), KafkaError, topic);
    assertEquals(error.code, ErrorCode.INVALID_PARTITIONS);
  });

  await t.step("deleteTopics removes topics", async () => {
    const topic = uniqueName("admin-delete");
    await admin.createTopics([{ name: topic }]);
    await admin.deleteTopics([topic]);
    assert(!(await admin.listTopics()).includes(topic), `${topic} is no longer listed`);
    const error = await assertRejects(() => admin.deleteTopics([topic]), KafkaError, topic);
    assertEquals(error.code, ErrorCode.UNKNOWN_TOPIC_OR_PART);
  });

  await t.step("describeTopics rejects an unknown topic and does not create it", async () => {
    const topic = uniqueName("admin-unknown");
    const error = await assertRejects(() => admin.describeTopics([topic]), KafkaError, topic);
    assertEquals(error.code, ErrorCode.UNKNOWN_TOPIC_OR_PART);
    assert(!(await admin.listTopics()).includes(topic), "describing did not auto-create");
    const configError = await assertRejects(() => admin.describeTopicConfig(topic), KafkaError);
    assertEquals(configError.code, ErrorCode.UNKNOWN_TOPIC_OR_PART);
  });

  await t.step("group offsets, lag, listing and deletion", async () => {
    const topic = uniqueName("admin-lag");
    const groupId = uniqueName("admin-lag-group");
    const total = 10;
    const consumed = 4;
    await admin.createTopics([{ name: topic, partitions: 2 }]);
    assertEquals(await admin.listConsumerGroupOffsets(groupId), [], "unknown group: no offsets");
    assertEquals(await admin.consumerGroupLag(groupId), []);

    {
      await using producer = new Producer({ config: { "bootstrap.servers": bootstrap } });
      await producer.sendBatch(
        Array.from({ length: total }, (_, i) => ({ topic, partition: 0, value: `v${i}` })),
      );
    }
    const records = await consumeAndCommit(bootstrap, groupId, topic, consumed);
    assertEquals(records.map((r) => r.offset), [0, 1, 2, 3]);

    assertEquals(await admin.listConsumerGroupOffsets(groupId), [
      { topic, partition: 0, offset: consumed },
    ]);
    const [p0, p1] = await admin.listConsumerGroupOffsets(groupId, [
      { topic, partition: 0 },
      { topic, partition: 1 },
    ]);
    assertEquals([p0.offset, p1.offset], [consumed, -1001]);
    assertEquals(await admin.consumerGroupLag(groupId), [
      { topic, partition: 0, committed: consumed, high: total, lag: total - consumed },
    ]);

    const groups = await admin.listConsumerGroups();
    const group = groups.find((g) => g.groupId === groupId);
    assertEquals(group, { groupId, state: "Empty", isSimple: false });

    await admin.deleteConsumerGroups([groupId]);
    assertEquals(await admin.listConsumerGroupOffsets(groupId), []);
    const error = await assertRejects(() => admin.deleteConsumerGroups([groupId]), KafkaError);
    assertEquals(error.code, ErrorCode.GROUP_ID_NOT_FOUND);
  });

  await t.step("close is idempotent and later requests reject", async () => {
    const other = new Admin({ config: { "bootstrap.servers": bootstrap } });
    const pending = other.listTopics();
    await Promise.all([other.close(), other.close()]);
    await pending;
    const error = await assertRejects(() => other.listTopics(), KafkaError, "closed");
    assertEquals(error.code, ErrorCode.STATE);
  });

  await t.step("close interrupts a pending request", async () => {
    const unreachable = new Admin({
      config: { "bootstrap.servers": "127.0.0.1:1" },
      onLog: () => {},
    });
    const pending = unreachable.listConsumerGroups({ timeoutMs: 60_000 });
    const rejected = assertRejects(() => pending, KafkaError, "closed");
    const started = performance.now();
    await unreachable.close();
    const error = await rejected;
    assertEquals(error.code, ErrorCode.STATE);
    assert(performance.now() - started < 10_000, "close did not wait for the request timeout");
  });
});
