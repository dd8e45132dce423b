import { assertEquals } from "@std/assert";
import { handlersOf } from "../api/mod.ts";
import { callHandler } from "../group/harness_test_util.ts";
import { ApiKey, ErrorCode } from "../protocol/mod.ts";
import { transactionAdminApis } from "./admin_handlers.ts";
import { harness } from "./txn_test_util.ts";

Deno.test("DescribeProducers, DescribeTransactions and ListTransactions read the coordinator", async () => {
  await using h = await harness();
  const table = handlersOf(transactionAdminApis({
    txns: h.txns,
    producers: h.producers,
    logs: { partition: (t, p) => h.logs.get(`${t}/${p}`) },
    now: () => h.scheduler.now(),
  }));
  const [pid, epoch] = await h.init("tx");
  await h.init("idle");
  await h.txns.addPartitions("tx", pid, epoch, [{ topic: "t", partition: 0 }], 3);
  const first = await h.produce("t", 0, pid, epoch, 3);
  h.scheduler.advance(5_000);

  const producers = await callHandler(table, ApiKey.DescribeProducers, 0, {
    topics: [{ name: "t", partitionIndexes: [0, 7] }],
  });
  const [p0, p7] = producers.topics[0].partitions;
  assertEquals(p0.activeProducers.map((p) => [p.producerId, p.producerEpoch, p.lastSequence]), [
    [BigInt(pid), epoch, 2],
  ]);
  assertEquals(p0.activeProducers[0].currentTxnStartOffset, BigInt(first));
  assertEquals(p7.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);

  const described = await callHandler(table, ApiKey.DescribeTransactions, 0, {
    transactionalIds: ["tx", "nope"],
  });
  const [tx, nope] = described.transactionStates;
  assertEquals([tx.errorCode, tx.transactionState, tx.producerId, tx.producerEpoch], [
    0,
    "Ongoing",
    BigInt(pid),
    epoch,
  ]);
  assertEquals(tx.topics, [{ topic: "t", partitions: [0] }]);
  assertEquals(nope.errorCode, ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);

  const list = (body: { stateFilters: string[]; durationFilter?: bigint }) =>
    callHandler(table, ApiKey.ListTransactions, 1, { producerIdFilters: [], ...body });
  const all = await list({ stateFilters: [] });
  assertEquals(all.transactionStates.map((t) => t.transactionalId).sort(), ["idle", "tx"]);
  const ongoing = await list({ stateFilters: ["Ongoing", "Bogus"] });
  assertEquals(ongoing.transactionStates.map((t) => t.transactionalId), ["tx"]);
  assertEquals(ongoing.unknownStateFilters, ["Bogus"]);
  assertEquals(
    (await list({ stateFilters: [], durationFilter: 4_000n })).transactionStates.length,
    1,
  );
  assertEquals((await list({ stateFilters: [], durationFilter: 60_000n })).transactionStates, []);
});
