/**
 * Hammer for issue 9, item 0: many one-record transactions (most aborted) from several
 * transactional producers while several read_committed fetchers poll the same partition, over
 * real sockets against an in-process broker with fsync "always". Each fetcher filters like a
 * Kafka client (aborted-transaction list + ABORT markers); none may ever deliver an aborted
 * record, and each must deliver every committed record exactly once.
 */
import { assertEquals } from "@std/assert";
import { ApiKey } from "../protocol/mod.ts";
import {
  buildRecordBatch,
  lastOffsetOf,
  parseControlRecord,
  readBatchHeader,
  readRecords,
  splitBatches,
} from "../records/mod.ts";
import { RawClient } from "../server/raw_client_test_util.ts";
import { startBroker } from "../start_broker_test_util.ts";

const PRODUCERS = 3;
const TXNS_PER_PRODUCER = 120;
const FETCHERS = 4;
const enc = new TextEncoder();
const dec = new TextDecoder();

/** Runs `TXNS_PER_PRODUCER` transactions; every 4th commits. Returns the committed values. */
async function produce(bootstrap: string, id: number): Promise<string[]> {
  await using c = await RawClient.connect(bootstrap);
  const transactionalId = `hammer-${id}`;
  const init = await c.request(ApiKey.InitProducerId, 4, {
    transactionalId,
    transactionTimeoutMs: 60_000,
  });
  assertEquals(init.errorCode, 0);
  const producerId = init.producerId;
  const producerEpoch = init.producerEpoch;
  const committed: string[] = [];
  for (let i = 0; i < TXNS_PER_PRODUCER; i++) {
    const commit = i % 4 === 3;
    const value = `${id}-${i}-${commit ? "committed" : "aborted"}`;
    const add = await c.request(ApiKey.AddPartitionsToTxn, 3, {
      v3AndBelowTransactionalId: transactionalId,
      v3AndBelowProducerId: producerId,
      v3AndBelowProducerEpoch: producerEpoch,
      v3AndBelowTopics: [{ name: "t", partitions: [0] }],
    });
    assertEquals(add.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode, 0);
    const records = buildRecordBatch([{ timestamp: Date.now(), value: enc.encode(value) }], {
      transactional: true,
      producerId: Number(producerId),
      producerEpoch,
      baseSequence: i,
    });
    const res = await c.request(ApiKey.Produce, 9, {
      transactionalId,
      acks: -1,
      timeoutMs: 5000,
      topicData: [{ name: "t", partitionData: [{ index: 0, records }] }],
    });
    assertEquals(res.responses[0].partitionResponses[0].errorCode, 0);
    const end = await c.request(ApiKey.EndTxn, 3, {
      transactionalId,
      producerId,
      producerEpoch,
      committed: commit,
    });
    assertEquals(end.errorCode, 0);
    if (commit) committed.push(value);
  }
  return committed;
}

/** What one read_committed fetcher delivered. */
interface Delivered {
  values: string[];
  fetches: number;
  /** Fetches that delivered at least one aborted record. */
  leakyFetches: number;
}

/** Delivers the records of one read_committed Fetch partition answer as a Kafka client would. */
async function deliver(
  records: Uint8Array,
  abortedList: { producerId: bigint; firstOffset: bigint }[],
): Promise<{ values: string[]; next: number }> {
  const aborted = abortedList.map((a) => [Number(a.producerId), Number(a.firstOffset)])
    .sort((a, b) => a[1] - b[1]);
  const abortedProducers = new Set<number>();
  const values: string[] = [];
  let next = -1;
  let k = 0;
  for (const batch of splitBatches(records).batches) {
    const h = readBatchHeader(batch);
    next = lastOffsetOf(h) + 1;
    while (k < aborted.length && aborted[k][1] <= lastOffsetOf(h)) {
      abortedProducers.add(aborted[k++][0]);
    }
    const recs = await readRecords(batch);
    if (h.isControl) {
      if (parseControlRecord(recs[0]).type === "abort") abortedProducers.delete(h.producerId);
      continue;
    }
    if (h.isTransactional && abortedProducers.has(h.producerId)) continue;
    for (const r of recs) values.push(dec.decode(r.value ?? new Uint8Array()));
  }
  return { values, next };
}

async function fetchCommitted(
  bootstrap: string,
  done: () => number | undefined,
): Promise<Delivered> {
  await using c = await RawClient.connect(bootstrap);
  const out: Delivered = { values: [], fetches: 0, leakyFetches: 0 };
  let position = 0;
  for (let end = done(); end === undefined || position < end; end = done()) {
    const res = await c.request(ApiKey.Fetch, 12, {
      maxWaitMs: 10,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolationLevel: 1,
      topics: [{
        topic: "t",
        partitions: [{ partition: 0, fetchOffset: BigInt(position), partitionMaxBytes: 1 << 20 }],
      }],
    });
    const p = res.responses[0].partitions[0];
    assertEquals(p.errorCode, 0);
    out.fetches++;
    const { values, next } = await deliver(
      p.records ?? new Uint8Array(),
      p.abortedTransactions ?? [],
    );
    if (values.some((v) => v.endsWith("aborted"))) out.leakyFetches++;
    out.values.push(...values);
    if (next > position) position = next;
  }
  return out;
}

Deno.test("read_committed fetchers never deliver aborted records (fsync always)", async () => {
  await using broker = await startBroker({ fsync: "always" });
  await using admin = await RawClient.connect(broker.bootstrap);
  const created = await admin.request(ApiKey.CreateTopics, 7, {
    topics: [{ name: "t", numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
    timeoutMs: 5000,
    validateOnly: false,
  });
  assertEquals(created.topics[0].errorCode, 0);
  const settled: { end?: number } = {};
  const fetchers = Array.from(
    { length: FETCHERS },
    () => fetchCommitted(broker.bootstrap, () => settled.end),
  );
  const committed = (await Promise.all(
    Array.from({ length: PRODUCERS }, (_, id) => produce(broker.bootstrap, id)),
  )).flat();
  const latest = await admin.request(ApiKey.ListOffsets, 7, {
    replicaId: -1,
    isolationLevel: 1,
    topics: [{ name: "t", partitions: [{ partitionIndex: 0, timestamp: -1n }] }],
  });
  settled.end = Number(latest.topics[0].partitions[0].offset);
  assertEquals(settled.end, PRODUCERS * TXNS_PER_PRODUCER * 2, "all settled: LSO = log end");
  const results = await Promise.all(fetchers);
  const leaks = results.reduce((n, r) => n + r.leakyFetches, 0);
  const aborted = results.flatMap((r) => r.values.filter((v) => v.endsWith("aborted")));
  assertEquals({ leaks, aborted: aborted.length }, { leaks: 0, aborted: 0 });
  for (const r of results) assertEquals([...r.values].sort(), [...committed].sort());
});
