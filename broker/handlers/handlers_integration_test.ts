/**
 * The data-plane handlers over a real socket (in-process broker, raw protocol client).
 */
import { assert, assertEquals } from "@std/assert";
import { ApiKey } from "../protocol/mod.ts";
import { buildRecordBatch, iterateRecords, splitBatches } from "../records/mod.ts";
import { RawClient } from "../server/raw_client_test_util.ts";
import { startBroker } from "../start_broker_test_util.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function batchOf(values: string[], timestamp = 1000): Uint8Array {
  return buildRecordBatch(
    values.map((v, i) => ({
      timestamp: timestamp + i,
      key: enc.encode(`k${i}`),
      value: enc.encode(v),
    })),
  );
}

async function produce(c: RawClient, topic: string, partition: number, records: Uint8Array) {
  const res = await c.request(ApiKey.Produce, 9, {
    acks: -1,
    timeoutMs: 1000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  });
  return res.responses[0].partitionResponses[0];
}

function fetchRequest(topic: string, offset: bigint, maxWaitMs = 0, minBytes = 0) {
  return {
    maxWaitMs,
    minBytes,
    maxBytes: 1 << 20,
    isolationLevel: 1,
    topics: [{
      topic,
      partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes: 1 << 20 }],
    }],
  };
}

function values(records: Uint8Array | null): string[] {
  const out: string[] = [];
  for (const b of splitBatches(records ?? new Uint8Array()).batches) {
    for (const r of iterateRecords(b)) out.push(`${r.offset}:${dec.decode(r.value!)}`);
  }
  return out;
}

Deno.test("Metadata: brokers, auto-creation rules and topic ids", async () => {
  await using broker = await startBroker({ partitions: 3 });
  await using c = await RawClient.connect(broker.bootstrap);
  const first = await c.request(ApiKey.Metadata, 12, {
    topics: [{ name: "auto" }],
    allowAutoTopicCreation: true,
  });
  // As Kafka: the request that triggers auto-creation gets no partitions yet, and the topic
  // shows up once its creation has settled (--auto-create-settle-ms).
  assertEquals([first.topics[0].errorCode, first.topics[0].partitions], [3, []]);
  const deadline = performance.now() + 5000;
  let md;
  do {
    md = await c.request(ApiKey.Metadata, 12, {
      topics: [{ name: "auto" }],
      allowAutoTopicCreation: true,
    });
  } while (md.topics[0].errorCode === 3 && performance.now() < deadline);
  assertEquals(md.brokers, [{ nodeId: 1, host: "127.0.0.1", port: broker.port, rack: null }]);
  assertEquals(md.controllerId, 1);
  assertEquals(md.topics[0].errorCode, 0);
  assertEquals(md.topics[0].partitions.length, 3);
  assertEquals(md.topics[0].partitions[2].isrNodes, [1]);
  assert(md.topics[0].topicId !== "AAAAAAAAAAAAAAAAAAAAAA");
  const byId = await c.request(ApiKey.Metadata, 12, {
    topics: [{ topicId: md.topics[0].topicId, name: null }],
  });
  assertEquals(byId.topics[0].name, "auto");
  const notAllowed = await c.request(ApiKey.Metadata, 12, {
    topics: [{ name: "nope" }],
    allowAutoTopicCreation: false,
  });
  assertEquals(notAllowed.topics[0].errorCode, 3);
  const bad = await c.request(ApiKey.Metadata, 4, {
    topics: [{ name: "bad/name" }],
    allowAutoTopicCreation: true,
  });
  assertEquals(bad.topics[0].errorCode, 17);
  const all = await c.request(ApiKey.Metadata, 1, { topics: null });
  // Internal topics are listed, as on Kafka (issue 16, item 3).
  assertEquals(all.topics.map((t) => t.name), [
    "__consumer_offsets",
    "__transaction_state",
    "auto",
  ]);
});

Deno.test("Produce then Fetch: whole batches from the one holding the offset", async () => {
  await using broker = await startBroker();
  await using c = await RawClient.connect(broker.bootstrap);
  await c.request(ApiKey.Metadata, 4, { topics: [{ name: "t" }], allowAutoTopicCreation: true });
  const first = await produce(c, "t", 0, batchOf(["a", "b", "c"]));
  assertEquals([first.errorCode, first.baseOffset], [0, 0n]);
  const second = await produce(c, "t", 0, batchOf(["d"]));
  assertEquals(second.baseOffset, 3n);
  const res = await c.request(ApiKey.Fetch, 11, fetchRequest("t", 1n));
  const p = res.responses[0].partitions[0];
  assertEquals([p.errorCode, p.highWatermark, p.lastStableOffset, p.logStartOffset], [
    0,
    4n,
    4n,
    0n,
  ]);
  assertEquals(values(p.records), ["0:a", "1:b", "2:c", "3:d"]);
  const atEnd = await c.request(ApiKey.Fetch, 11, fetchRequest("t", 4n));
  assertEquals(atEnd.responses[0].partitions[0].records?.length ?? 0, 0);
  const beyond = await c.request(ApiKey.Fetch, 11, fetchRequest("t", 9n));
  assertEquals(beyond.responses[0].partitions[0].errorCode, 1);
  const unknown = await produce(c, "missing", 0, batchOf(["x"]));
  assertEquals(unknown.errorCode, 3);
  const corrupt = batchOf(["x"]);
  corrupt[corrupt.length - 1] ^= 0xff;
  assertEquals((await produce(c, "t", 0, corrupt)).errorCode, 2);
  assertEquals(broker.broker!.store.partition("t", 0)!.highWatermark, 4);
});

Deno.test("Fetch long poll wakes on an append from another connection", async () => {
  await using broker = await startBroker();
  await using consumer = await RawClient.connect(broker.bootstrap);
  await using producer = await RawClient.connect(broker.bootstrap);
  await producer.request(ApiKey.Metadata, 4, {
    topics: [{ name: "lp" }],
    allowAutoTopicCreation: true,
  });
  const start = performance.now();
  await consumer.send(ApiKey.Fetch, 11, fetchRequest("lp", 0n, 10_000, 1));
  const pending = consumer.receive(ApiKey.Fetch, 11);
  await produce(producer, "lp", 0, batchOf(["woke"]));
  const res = await pending;
  assertEquals(values(res.body.responses[0].partitions[0].records), ["0:woke"]);
  assert(performance.now() - start < 5000);
  // With no data, the poll lasts maxWaitMs.
  const t0 = performance.now();
  await consumer.request(ApiKey.Fetch, 11, fetchRequest("lp", 1n, 200, 1));
  assert(performance.now() - t0 >= 190);
});

Deno.test("ListOffsets earliest, latest and by timestamp; OffsetForLeaderEpoch", async () => {
  await using broker = await startBroker();
  await using c = await RawClient.connect(broker.bootstrap);
  await c.request(ApiKey.Metadata, 4, { topics: [{ name: "lo" }], allowAutoTopicCreation: true });
  await produce(c, "lo", 0, batchOf(["a", "b"], 1000));
  await produce(c, "lo", 0, batchOf(["c", "d"], 2000));
  const ask = async (timestamp: bigint, version = 7) => {
    const res = await c.request(ApiKey.ListOffsets, version, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: "lo", partitions: [{ partitionIndex: 0, timestamp }] }],
    });
    const p = res.topics[0].partitions[0];
    return [p.errorCode, p.offset, p.timestamp];
  };
  assertEquals(await ask(-2n), [0, 0n, -1n]);
  assertEquals(await ask(-1n), [0, 4n, -1n]);
  assertEquals(await ask(-1n, 2), [0, 4n, -1n]);
  assertEquals(await ask(1500n), [0, 2n, 2000n]);
  assertEquals(await ask(9999n), [0, -1n, -1n]);
  const epoch = await c.request(ApiKey.OffsetForLeaderEpoch, 2, {
    topics: [{
      topic: "lo",
      partitions: [{ partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 }],
    }],
  });
  assertEquals(epoch.topics[0].partitions[0].endOffset, 4n);
});

Deno.test("CreateTopics, DescribeConfigs, CreatePartitions, DeleteTopics", async () => {
  await using broker = await startBroker();
  await using c = await RawClient.connect(broker.bootstrap);
  const create = (name: string, validateOnly = false, replicationFactor = -1) =>
    c.request(ApiKey.CreateTopics, 7, {
      timeoutMs: 1000,
      validateOnly,
      topics: [{
        name,
        numPartitions: 2,
        replicationFactor,
        assignments: [],
        configs: [{ name: "cleanup.policy", value: "compact" }],
      }],
    });
  const dry = await create("compacted", true);
  assertEquals(dry.topics[0].errorCode, 0);
  assertEquals(broker.broker!.store.topic("compacted"), undefined);
  const made = await create("compacted");
  assertEquals([made.topics[0].errorCode, made.topics[0].numPartitions], [0, 2]);
  assertEquals((await create("compacted")).topics[0].errorCode, 36);
  assertEquals((await create("rf3", false, 3)).topics[0].errorCode, 38);
  const configs = await c.request(ApiKey.DescribeConfigs, 4, {
    resources: [{ resourceType: 2, resourceName: "compacted", configurationKeys: null }],
  });
  const policy = configs.results[0].configs.find((e) => e.name === "cleanup.policy")!;
  assertEquals([policy.value, policy.configSource], ["compact", 1]);
  const retention = configs.results[0].configs.find((e) => e.name === "retention.ms")!;
  assertEquals([retention.value, retention.configSource], ["604800000", 5]);
  const grow = await c.request(ApiKey.CreatePartitions, 3, {
    timeoutMs: 1000,
    validateOnly: false,
    topics: [{ name: "compacted", count: 4, assignments: null }],
  });
  assertEquals(grow.results[0].errorCode, 0);
  assertEquals(broker.broker!.store.topic("compacted")!.partitions, 4);
  const del = await c.request(ApiKey.DeleteTopics, 6, {
    timeoutMs: 1000,
    topics: [{ name: "compacted", topicId: "AAAAAAAAAAAAAAAAAAAAAA" }],
  });
  assertEquals(del.responses[0].errorCode, 0);
  assertEquals(broker.broker!.store.topic("compacted"), undefined);
});

Deno.test("idempotent Produce: a retried batch is acknowledged with its offset, not appended", async () => {
  await using broker = await startBroker();
  await using c = await RawClient.connect(broker.bootstrap);
  await c.request(ApiKey.Metadata, 4, { topics: [{ name: "idem" }], allowAutoTopicCreation: true });
  const init = await c.request(ApiKey.InitProducerId, 4, {
    transactionalId: null,
    transactionTimeoutMs: 60_000,
  });
  assertEquals(init.errorCode, 0);
  const sequenced = (seq: number, value: string) =>
    buildRecordBatch([{ timestamp: 1, value: enc.encode(value) }], {
      producerId: Number(init.producerId),
      producerEpoch: init.producerEpoch,
      baseSequence: seq,
    });
  assertEquals((await produce(c, "idem", 0, sequenced(0, "a"))).baseOffset, 0n);
  assertEquals((await produce(c, "idem", 0, sequenced(1, "b"))).baseOffset, 1n);
  const retry = await produce(c, "idem", 0, sequenced(1, "b"));
  assertEquals([retry.errorCode, retry.baseOffset], [0, 1n]);
  assertEquals((await produce(c, "idem", 0, sequenced(5, "gap"))).errorCode, 45);
  assertEquals(broker.broker!.store.partition("idem", 0)!.highWatermark, 2);
});
