/**
 * The transaction APIs over a real socket (in-process broker, raw protocol client): produce
 * checks, read_committed Fetch and ListOffsets, pending offsets and a restart mid-transaction.
 */
import { assertEquals } from "@std/assert";
import { ApiKey } from "../protocol/mod.ts";
import { buildRecordBatch, splitBatches } from "../records/mod.ts";
import { RawClient } from "../server/raw_client_test_util.ts";
import { startBroker } from "../start_broker_test_util.ts";

const enc = new TextEncoder();

interface Producer {
  pid: number;
  epoch: number;
  seq: number;
}

async function initTxn(c: RawClient, id: string): Promise<Producer> {
  await c.request(ApiKey.Metadata, 4, {
    topics: [{ name: "t" }, { name: "in" }],
    allowAutoTopicCreation: true,
  });
  const init = await c.request(ApiKey.InitProducerId, 4, {
    transactionalId: id,
    transactionTimeoutMs: 60_000,
  });
  assertEquals(init.errorCode, 0);
  return { pid: Number(init.producerId), epoch: init.producerEpoch, seq: 0 };
}

async function produceTxn(c: RawClient, p: Producer, partition: number, n: number) {
  const records = buildRecordBatch(
    Array.from({ length: n }, (_, i) => ({ timestamp: 1, value: enc.encode(`v${i}`) })),
    { transactional: true, producerId: p.pid, producerEpoch: p.epoch, baseSequence: p.seq },
  );
  const res = await c.request(ApiKey.Produce, 9, {
    transactionalId: "tx",
    acks: -1,
    timeoutMs: 1000,
    topicData: [{ name: "t", partitionData: [{ index: partition, records }] }],
  });
  const r = res.responses[0].partitionResponses[0];
  if (r.errorCode === 0) p.seq += n;
  return r;
}

async function fetchT(c: RawClient, isolationLevel: number) {
  const res = await c.request(ApiKey.Fetch, 12, {
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel,
    topics: [{
      topic: "t",
      partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }],
    }],
  });
  const p = res.responses[0].partitions[0];
  return {
    batches: splitBatches(p.records ?? new Uint8Array()).batches.length,
    lso: Number(p.lastStableOffset),
    hwm: Number(p.highWatermark),
    aborted: p.abortedTransactions?.map((a) => [Number(a.producerId), Number(a.firstOffset)]),
  };
}

async function latest(c: RawClient, isolationLevel: number): Promise<number> {
  const res = await c.request(ApiKey.ListOffsets, 7, {
    replicaId: -1,
    isolationLevel,
    topics: [{ name: "t", partitions: [{ partitionIndex: 0, timestamp: -1n }] }],
  });
  return Number(res.topics[0].partitions[0].offset);
}

async function stableOffset(c: RawClient) {
  const res = await c.request(ApiKey.OffsetFetch, 7, {
    groupId: "g",
    topics: [{ name: "in", partitionIndexes: [0] }],
    requireStable: true,
  });
  const p = res.topics[0].partitions[0];
  return [p.errorCode, Number(p.committedOffset)];
}

Deno.test("transactions over the wire: LSO, aborted ranges, produce checks, pending offsets", async () => {
  await using broker = await startBroker({ partitions: 2 });
  await using c = await RawClient.connect(broker.bootstrap);
  const p = await initTxn(c, "tx");
  const txn = { transactionalId: "tx", producerId: BigInt(p.pid), producerEpoch: p.epoch };
  const add = await c.request(ApiKey.AddPartitionsToTxn, 3, {
    v3AndBelowTransactionalId: "tx",
    v3AndBelowProducerId: BigInt(p.pid),
    v3AndBelowProducerEpoch: p.epoch,
    v3AndBelowTopics: [{ name: "t", partitions: [0] }],
  });
  assertEquals(add.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode, 0);
  assertEquals((await produceTxn(c, p, 0, 3)).errorCode, 0);
  assertEquals((await produceTxn(c, p, 1, 1)).errorCode, 48, "partition 1 was not added");
  assertEquals(await fetchT(c, 1), { batches: 0, lso: 0, hwm: 3, aborted: [] });
  assertEquals((await fetchT(c, 0)).batches, 1);
  assertEquals([await latest(c, 1), await latest(c, 0)], [0, 3]);

  assertEquals((await c.request(ApiKey.AddOffsetsToTxn, 3, { ...txn, groupId: "g" })).errorCode, 0);
  const commit = await c.request(ApiKey.TxnOffsetCommit, 3, {
    ...txn,
    groupId: "g",
    topics: [{
      name: "in",
      partitions: [{ partitionIndex: 0, committedOffset: 9n, committedMetadata: null }],
    }],
  });
  assertEquals(commit.topics[0].partitions[0].errorCode, 0);
  assertEquals(await stableOffset(c), [88, -1]);

  const end = await c.request(ApiKey.EndTxn, 3, { ...txn, committed: false });
  assertEquals(end.errorCode, 0);
  assertEquals(await fetchT(c, 1), { batches: 2, lso: 4, hwm: 4, aborted: [[p.pid, 0]] });
  assertEquals(await stableOffset(c), [0, -1]);
  assertEquals(await latest(c, 1), 4);
});

Deno.test("transactions over the wire: an open transaction survives a restart, then commits", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "txn-restart-" });
  try {
    let p: Producer;
    {
      await using broker = await startBroker({ dataDir });
      await using c = await RawClient.connect(broker.bootstrap);
      p = await initTxn(c, "tx");
      await c.request(ApiKey.AddPartitionsToTxn, 0, {
        v3AndBelowTransactionalId: "tx",
        v3AndBelowProducerId: BigInt(p.pid),
        v3AndBelowProducerEpoch: p.epoch,
        v3AndBelowTopics: [{ name: "t", partitions: [0] }],
      });
      await produceTxn(c, p, 0, 2);
    }
    await using broker = await startBroker({ dataDir });
    await using c = await RawClient.connect(broker.bootstrap);
    assertEquals(await latest(c, 1), 0);
    const end = await c.request(ApiKey.EndTxn, 1, {
      transactionalId: "tx",
      producerId: BigInt(p.pid),
      producerEpoch: p.epoch,
      committed: true,
    });
    assertEquals(end.errorCode, 0);
    assertEquals(await fetchT(c, 1), { batches: 2, lso: 3, hwm: 3, aborted: [] });
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
