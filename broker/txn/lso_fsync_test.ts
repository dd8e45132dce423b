/**
 * The last stable offset at the instant an append awaits its fsync (issue 9, item 0). The real
 * Produce, Fetch, ListOffsets and EndTxn handlers run over a file-backed store with fsync
 * "always" whose fsync the test holds, so it can look at the broker between write and
 * durability, deterministically.
 */
import { assertEquals } from "@std/assert";
import { callHandler } from "../group/harness_test_util.ts";
import { ManualScheduler } from "../group/scheduler.ts";
import { type BrokerContext, dataPlaneApis } from "../handlers/mod.ts";
import { ProducerStates } from "../producers/mod.ts";
import { ApiKey } from "../protocol/mod.ts";
import { buildRecordBatch, splitBatches } from "../records/mod.ts";
import { handlersOf, type HandlerTable } from "../api/mod.ts";
import { silentLogger } from "@iot/service";
import { HeldSync } from "../storage/held_sync_test_util.ts";
import { LogStore, MetadataStore } from "../storage/mod.ts";
import { TransactionCoordinator } from "./coordinator.ts";
import { transactionApis } from "./handlers.ts";

interface Setup extends AsyncDisposable {
  store: LogStore;
  txns: TransactionCoordinator;
  held: HeldSync;
  handlers: HandlerTable;
}

async function setup(): Promise<Setup> {
  const dir = await Deno.makeTempDir({ prefix: "lso-fsync-" });
  const held = new HeldSync();
  const store = await LogStore.open({ dir, fsync: "always", sync: held.sync });
  await store.createTopic("t");
  const metadata = await MetadataStore.open(`${dir}/__metadata`, { fsync: false });
  const producers = await ProducerStates.open(metadata);
  const txns = await TransactionCoordinator.open({
    metadata,
    producers,
    logs: store,
    scheduler: new ManualScheduler(1_000_000),
    onError: () => {},
  });
  const ctx: BrokerContext = {
    store,
    identity: { nodeId: 1, host: "127.0.0.1", port: 9092, clusterId: "c" },
    topics: { autoCreate: false, partitions: 1 },
    producers,
    transactions: txns.log,
    logger: silentLogger,
  };
  return {
    store,
    txns,
    held,
    handlers: handlersOf({ ...dataPlaneApis(ctx), ...transactionApis(txns) }),
    async [Symbol.asyncDispose]() {
      held.release();
      await txns.close();
      await producers.close();
      await metadata.close();
      await store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

async function fetch0(s: Setup, isolationLevel: number) {
  const res = await callHandler(s.handlers, ApiKey.Fetch, 12, {
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
    errorCode: p.errorCode,
    batches: splitBatches(p.records ?? new Uint8Array()).batches.length,
    hwm: Number(p.highWatermark),
    lso: Number(p.lastStableOffset),
    aborted: p.abortedTransactions?.map((a) => [Number(a.producerId), Number(a.firstOffset)]),
  };
}

/** ListOffsets: latest (-1) or the first offset with a timestamp >= `timestamp`. */
async function latest(s: Setup, isolationLevel: number, timestamp = -1n): Promise<number> {
  const res = await callHandler(s.handlers, ApiKey.ListOffsets, 7, {
    replicaId: -1,
    isolationLevel,
    topics: [{ name: "t", partitions: [{ partitionIndex: 0, timestamp }] }],
  });
  return Number(res.topics[0].partitions[0].offset);
}

async function beginTxn(s: Setup): Promise<[number, number]> {
  const init = await callHandler(s.handlers, ApiKey.InitProducerId, 4, {
    transactionalId: "tx",
    transactionTimeoutMs: 60_000,
  });
  const pid = Number(init.producerId);
  const add = await callHandler(s.handlers, ApiKey.AddPartitionsToTxn, 3, {
    v3AndBelowTransactionalId: "tx",
    v3AndBelowProducerId: BigInt(pid),
    v3AndBelowProducerEpoch: init.producerEpoch,
    v3AndBelowTopics: [{ name: "t", partitions: [0] }],
  });
  assertEquals(add.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode, 0);
  return [pid, init.producerEpoch];
}

function produceTxn(s: Setup, pid: number, epoch: number, n: number) {
  const records = buildRecordBatch(
    Array.from({ length: n }, () => ({ timestamp: 1, value: new Uint8Array([1]) })),
    { transactional: true, producerId: pid, producerEpoch: epoch, baseSequence: 0 },
  );
  return callHandler(s.handlers, ApiKey.Produce, 9, {
    transactionalId: "tx",
    acks: -1,
    timeoutMs: 1000,
    topicData: [{ name: "t", partitionData: [{ index: 0, records }] }],
  });
}

Deno.test("a transactional batch awaiting its fsync is behind the LSO and the HW", async () => {
  await using s = await setup();
  const [pid, epoch] = await beginTxn(s);
  s.held.hold();
  const produced = produceTxn(s, pid, epoch, 3);
  await s.held.requested(); // written, fsync pending: the instant the bug exposed the batch
  const log = s.store.partition("t", 0)!;
  assertEquals(log.logEndOffset, 3);
  assertEquals(await fetch0(s, 1), { errorCode: 0, batches: 0, hwm: 0, lso: 0, aborted: [] });
  assertEquals(s.txns.index.openFirstOffset("t", 0, pid), 0, "open before the append resolves");
  assertEquals((await fetch0(s, 0)).batches, 0, "read_uncommitted: not durable, not visible");
  assertEquals([await latest(s, 0), await latest(s, 1)], [0, 0]);
  s.held.release();
  assertEquals((await produced).responses[0].partitionResponses[0].errorCode, 0);
  assertEquals(await fetch0(s, 1), { errorCode: 0, batches: 0, hwm: 3, lso: 0, aborted: [] });
  assertEquals((await fetch0(s, 0)).batches, 1);
  assertEquals([await latest(s, 0), await latest(s, 1)], [3, 0], "ListOffsets: HW vs LSO");
  assertEquals([await latest(s, 0, 0n), await latest(s, 1, 0n)], [0, -1], "by time, below LSO");
});

Deno.test("an ABORT marker awaiting its fsync keeps the LSO until the index has it", async () => {
  await using s = await setup();
  const [pid, epoch] = await beginTxn(s);
  await produceTxn(s, pid, epoch, 3);
  s.held.hold();
  const ended = callHandler(s.handlers, ApiKey.EndTxn, 3, {
    transactionalId: "tx",
    producerId: BigInt(pid),
    producerEpoch: epoch,
    committed: false,
  });
  await s.held.requested();
  assertEquals(s.store.partition("t", 0)!.logEndOffset, 4);
  assertEquals(await fetch0(s, 1), { errorCode: 0, batches: 0, hwm: 3, lso: 0, aborted: [] });
  assertEquals(await latest(s, 1), 0);
  s.held.release();
  assertEquals((await ended).errorCode, 0);
  const after = await fetch0(s, 1);
  assertEquals(after, { errorCode: 0, batches: 2, hwm: 4, lso: 4, aborted: [[pid, 0]] });
  assertEquals([await latest(s, 0), await latest(s, 1)], [4, 4]);
});
