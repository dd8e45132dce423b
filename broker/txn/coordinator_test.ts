import { ErrorCode as E } from "../protocol/mod.ts";
import { assert, assertEquals } from "@std/assert";
import { OffsetStore } from "../group/offsets.ts";
import {
  buildRecordBatch,
  iterateRecords,
  parseControlRecord,
  readBatchHeader,
} from "../records/mod.ts";
import type { MemoryLog } from "../storage/mod.ts";
import { harness } from "./txn_test_util.ts";

const tp = (topic: string, partition: number) => ({ topic, partition });

/** The marker at the end of `log`: its type, producer id and epoch. */
async function lastMarker(log: MemoryLog): Promise<[string | number, number, number]> {
  const batches = await log.read(0, 1 << 20);
  const last = batches.at(-1)!;
  const h = readBatchHeader(last);
  assert(h.isControl && h.isTransactional, "last batch is a marker");
  const [record] = [...iterateRecords(last)];
  return [parseControlRecord(record).type, h.producerId, h.producerEpoch];
}

Deno.test("txn coordinator: commit writes COMMIT markers and moves the LSO to the HWM", async () => {
  await using h = await harness();
  const [pid, epoch] = await h.init("tx");
  assertEquals(await h.txns.addPartitions("tx", pid, epoch, [tp("t", 0), tp("t", 1)], 3), [0, 0]);
  assertEquals(h.txns.get("tx")?.status, "Ongoing");
  const first = await h.produce("t", 0, pid, epoch, 3);
  await h.produce("t", 0, pid, epoch, 2);
  const t0 = h.logs.get("t/0")!;
  assertEquals(h.txns.log.lastStableOffset("t", 0, t0.highWatermark), first);
  assertEquals(h.txns.log.lastStableOffset("t", 1, 0), 0);
  assertEquals(await h.txns.endTxn("tx", pid, epoch, true, 3), 0);
  assertEquals(h.txns.get("tx")?.status, "CompleteCommit");
  assertEquals(await lastMarker(t0), ["commit", pid, epoch]);
  assertEquals(await lastMarker(h.logs.get("t/1")!), ["commit", pid, epoch]);
  assertEquals(t0.highWatermark, 6);
  assertEquals(h.txns.log.lastStableOffset("t", 0, 6), 6);
  assertEquals(h.txns.log.abortedTransactions("t", 0, 0, 6), []);
  // A retried EndTxn(commit) succeeds again; an abort now is a state error.
  assertEquals(await h.txns.endTxn("tx", pid, epoch, true, 3), 0);
  assertEquals(await h.txns.endTxn("tx", pid, epoch, false, 3), E.INVALID_TXN_STATE);
});

Deno.test("txn coordinator: abort indexes the aborted range and drops pending offsets", async () => {
  await using h = await harness();
  const [pid, epoch] = await h.init("tx");
  await h.txns.addPartitions("tx", pid, epoch, [tp("t", 0)], 0);
  assertEquals(await h.txns.addOffsets("tx", pid, epoch, "g", 0), 0);
  const offsets = [{
    groupId: "g",
    topic: "u",
    partition: 0,
    offset: 5,
    leaderEpoch: -1,
    metadata: "",
  }];
  assertEquals(await h.txns.commitOffsets("tx", pid, epoch, offsets, 0), 0);
  assert(h.txns.hasPendingOffset("g", "u", 0));
  assert(!h.txns.hasPendingOffset("g", "u", 1));
  const first = await h.produce("t", 0, pid, epoch, 4);
  assertEquals(await h.txns.endTxn("tx", pid, epoch, false, 0), 0);
  assertEquals(await lastMarker(h.logs.get("t/0")!), ["abort", pid, epoch]);
  assertEquals(h.txns.log.abortedTransactions("t", 0, 0, 100), [
    { producerId: pid, firstOffset: first, lastOffset: 4 },
  ]);
  assert(!h.txns.hasPendingOffset("g", "u", 0));
  assertEquals(new OffsetStore(h.metadata).get("g", "u", 0), undefined);
});

Deno.test("txn coordinator: committed transactional offsets become the group's offsets", async () => {
  await using h = await harness();
  const [pid, epoch] = await h.init("tx");
  await h.txns.addOffsets("tx", pid, epoch, "g", 0);
  const offsets = [{
    groupId: "g",
    topic: "u",
    partition: 0,
    offset: 7,
    leaderEpoch: 0,
    metadata: "m",
  }];
  await h.txns.commitOffsets("tx", pid, epoch, offsets, 0);
  assertEquals(await h.txns.endTxn("tx", pid, epoch, true, 0), 0);
  assertEquals(new OffsetStore(h.metadata).get("g", "u", 0)?.offset, 7);
  assertEquals(new OffsetStore(h.metadata).get("g", "u", 0)?.metadata, "m");
});

Deno.test("txn coordinator: error codes for fencing, unknown ids, states and partitions", async () => {
  await using h = await harness();
  const [pid, epoch] = await h.init("tx");
  assertEquals(await h.txns.addPartitions("nope", pid, epoch, [tp("t", 0)], 3), [
    E.INVALID_PRODUCER_ID_MAPPING,
  ]);
  assertEquals(await h.txns.addPartitions("tx", pid + 1, epoch, [tp("t", 0)], 3), [
    E.INVALID_PRODUCER_ID_MAPPING,
  ]);
  assertEquals(await h.txns.addPartitions("tx", pid, epoch + 1, [tp("t", 0)], 3), [
    E.PRODUCER_FENCED,
  ]);
  assertEquals(await h.txns.addOffsets("tx", pid, epoch + 1, "g", 1), E.INVALID_PRODUCER_EPOCH);
  assertEquals(await h.txns.endTxn("tx", pid, epoch, true, 1), E.INVALID_TXN_STATE, "Empty");
  assertEquals(await h.txns.addPartitions("tx", pid, epoch, [tp("t", 0), tp("zz", 0)], 3), [
    E.OPERATION_NOT_ATTEMPTED,
    E.UNKNOWN_TOPIC_OR_PARTITION,
  ]);
  await h.txns.addPartitions("tx", pid, epoch, [tp("t", 0)], 3);
  const offsets = [{
    groupId: "g",
    topic: "u",
    partition: 0,
    offset: 1,
    leaderEpoch: -1,
    metadata: "",
  }];
  assertEquals(await h.txns.commitOffsets("tx", pid, epoch, offsets, 3), E.INVALID_TXN_STATE);
  assertEquals(h.txns.verifyPartitions("tx", pid, epoch, [tp("t", 0), tp("t", 1)]), [
    0,
    E.INVALID_TXN_STATE,
  ]);
  let refused = "";
  await h.produce("t", 1, pid, epoch, 1).catch((e) => refused = e.message);
  assertEquals(refused, `produce refused: ${E.INVALID_TXN_STATE}`);
  // While markers are being written, everything else is told to retry.
  const ending = h.txns.endTxn("tx", pid, epoch, true, 3);
  assertEquals(await h.txns.addPartitions("tx", pid, epoch, [tp("t", 1)], 3), [
    E.CONCURRENT_TRANSACTIONS,
  ]);
  const init = await h.txns.initProducerId(
    { transactionalId: "tx", transactionTimeoutMs: 1000, producerId: -1n, producerEpoch: -1 },
    4,
  );
  assertEquals(init.errorCode, E.CONCURRENT_TRANSACTIONS);
  assertEquals(await ending, 0);
});

Deno.test("txn coordinator: InitProducerId aborts the open transaction and fences the old epoch", async () => {
  await using h = await harness();
  const [pid, epoch] = await h.init("tx");
  await h.txns.addPartitions("tx", pid, epoch, [tp("t", 0)], 3);
  const first = await h.produce("t", 0, pid, epoch, 2);
  const [pid2, epoch2] = await h.init("tx");
  assertEquals([pid2, epoch2], [pid, epoch + 1]);
  assertEquals(await lastMarker(h.logs.get("t/0")!), ["abort", pid, epoch + 1]);
  assertEquals(h.txns.get("tx")?.status, "Empty");
  assertEquals(h.txns.log.abortedTransactions("t", 0, 0, 10), [
    { producerId: pid, firstOffset: first, lastOffset: 2 },
  ]);
  assertEquals(await h.txns.endTxn("tx", pid, epoch, true, 3), E.PRODUCER_FENCED);
});

Deno.test("txn coordinator: an expired transaction is aborted with an epoch bump", async () => {
  await using h = await harness();
  const [pid, epoch] = await h.init("tx", 5000);
  await h.txns.addPartitions("tx", pid, epoch, [tp("t", 0)], 3);
  await h.produce("t", 0, pid, epoch, 1);
  h.scheduler.advance(4999);
  assertEquals(h.txns.get("tx")?.status, "Ongoing");
  h.scheduler.advance(1);
  await h.txns.close(); // waits for the background abort
  assertEquals(h.txns.get("tx")?.status, "CompleteAbort");
  assertEquals(await lastMarker(h.logs.get("t/0")!), ["abort", pid, epoch + 1]);
  assertEquals(h.producers.transactional("tx"), { producerId: pid, epoch: epoch + 1 });
  assertEquals(await h.txns.addPartitions("tx", pid, epoch, [tp("t", 0)], 3), [E.PRODUCER_FENCED]);
  assertEquals(h.scheduler.pending, 0);
});

Deno.test("txn coordinator: open transactions, timeouts and the aborted index survive a reopen", async () => {
  await using h = await harness();
  const [pid, epoch] = await h.init("a", 5000);
  await h.txns.addPartitions("a", pid, epoch, [tp("t", 0)], 3);
  const firstA = await h.produce("t", 0, pid, epoch, 2);
  await h.txns.endTxn("a", pid, epoch, false, 3);
  const [pidB, epochB] = await h.init("b", 5000);
  await h.txns.addPartitions("b", pidB, epochB, [tp("t", 0)], 3);
  const firstB = await h.produce("t", 0, pidB, epochB, 1);
  await h.reopen();
  const hwm = h.logs.get("t/0")!.highWatermark;
  assertEquals(h.txns.log.lastStableOffset("t", 0, hwm), firstB);
  assertEquals(h.txns.log.abortedTransactions("t", 0, 0, hwm), [
    { producerId: pid, firstOffset: firstA, lastOffset: 2 },
  ]);
  assertEquals(h.txns.get("b")?.status, "Ongoing");
  h.scheduler.advance(5000);
  await h.txns.close();
  assertEquals(h.txns.get("b")?.status, "CompleteAbort");
  assertEquals(h.txns.log.lastStableOffset("t", 0, 5), 5);
});

Deno.test("txn coordinator: a batch written but not yet recorded when a crash came stays hidden", async () => {
  await using h = await harness();
  const t0 = h.logs.get("t/0")!;
  const [pid, epoch] = await h.init("tx");
  await t0.append(buildRecordBatch([{ timestamp: 1, value: new Uint8Array([0]) }]));
  await h.txns.addPartitions("tx", pid, epoch, [tp("t", 0)], 3);
  // The batch reaches the log, the crash comes before its first offset is saved.
  const batch = buildRecordBatch([{ timestamp: 1, value: new Uint8Array([1]) }], {
    transactional: true,
    producerId: pid,
    producerEpoch: epoch,
  });
  await t0.append(batch);
  await h.reopen();
  assertEquals(h.txns.log.lastStableOffset("t", 0, t0.highWatermark), 1);
  assertEquals(await h.txns.endTxn("tx", pid, epoch, false, 3), 0);
  assertEquals(h.txns.log.abortedTransactions("t", 0, 0, 3), [
    { producerId: pid, firstOffset: 1, lastOffset: 2 },
  ]);
});

Deno.test("txn coordinator: a completion cut short by a crash is finished on open", async () => {
  await using h = await harness();
  const [pid, epoch] = await h.init("tx");
  await h.txns.addPartitions("tx", pid, epoch, [tp("t", 0)], 3);
  const first = await h.produce("t", 0, pid, epoch, 2);
  // What a crash between persisting PrepareAbort and writing the markers leaves behind.
  const stored = structuredClone(h.txns.get("tx")!);
  await h.metadata.set("txn/state/tx", { ...stored, status: "PrepareAbort" } as never);
  await h.reopen();
  await h.txns.close(); // waits for the background completion
  assertEquals(h.txns.get("tx")?.status, "CompleteAbort");
  assertEquals(await lastMarker(h.logs.get("t/0")!), ["abort", pid, epoch]);
  assertEquals(h.txns.log.abortedTransactions("t", 0, 0, 10), [
    { producerId: pid, firstOffset: first, lastOffset: 2 },
  ]);
});
