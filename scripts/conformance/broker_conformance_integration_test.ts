/**
 * The same client scenarios against the broker shim and against real Apache Kafka: the
 * observable results must be equal (and as expected).
 */
import { assertEquals } from "@std/assert";
import { startKafka } from "@iot/testing";
import { startBroker } from "@iot/broker/testing";
import * as s from "./scenarios_test_util.ts";
import * as t from "./txn_scenarios_test_util.ts";
import * as k from "./kafkajs_scenarios_test_util.ts";
import { javaAdminTools } from "./admin_scenarios_test_util.ts";
import { javaQuotaTools } from "./quota_scenarios_test_util.ts";

async function both<T>(
  scenario: (bootstrap: string) => Promise<T>,
  kafkaOptions: { dedicated?: boolean } = {},
): Promise<[T, T]> {
  await using shim = await startBroker({ partitions: 1 });
  await using kafka = await startKafka(kafkaOptions);
  const ours = await scenario(shim.bootstrap);
  const theirs = await scenario(kafka.bootstrap);
  return [ours, theirs];
}

Deno.test("kcat -L -J metadata", async () => {
  const [ours, theirs] = await both(s.kcatMetadata);
  assertEquals({ ...ours, topic: "" }, { ...theirs, topic: "" });
  assertEquals(ours.partitions.length, 3);
});

Deno.test("kcat produce/consume with keys and headers", async () => {
  const [ours, theirs] = await both(s.kcatRoundTrip);
  assertEquals(ours, theirs);
  assertEquals(ours, "0 0 k1=v1 [h1=x,h2=y]\n0 1 k2=v2 [h1=x,h2=y]\n0 2 =v3 [h1=x,h2=y]\n");
});

Deno.test("our Producer (plain and idempotent), assign-based Consumer, watermarks, offsetsForTimes", async () => {
  const [ours, theirs] = await both(s.ourRoundTrip);
  assertEquals(ours, theirs);
  assertEquals(ours.watermarks, { low: 0, high: 52 });
  assertEquals(ours.byTime, 12);
});

Deno.test("Admin: compacted topic configs, createPartitions, deleteTopics", async () => {
  const [ours, theirs] = await both(s.adminTopics);
  assertEquals(ours, theirs);
  assertEquals(ours, {
    cleanupPolicy: "compact",
    hasRetention: true,
    partitions: 3,
    deleted: true,
  });
});

Deno.test("consumer group subscribe, commit and committed", async () => {
  const [ours, theirs] = await both(s.consumerGroup);
  assertEquals(ours, theirs);
  assertEquals(ours, { consumed: 10, committed: 10 });
});

Deno.test("Java kafka-broker-api-versions", async () => {
  const [ours, theirs] = await both(s.javaApiVersions);
  assertEquals(ours, theirs);
});

Deno.test("Java console producer and consumer", async () => {
  const [ours, theirs] = await both(s.javaConsole);
  assertEquals(ours, theirs);
  assertEquals(ours, ["one", "two", "three"]);
});

Deno.test("Java ProducerPerformance (idempotent, acks=all)", async () => {
  const [ours, theirs] = await both(s.javaProducerPerformance);
  assertEquals(ours, theirs);
  assertEquals(ours, "5000 records sent");
});

Deno.test("kcat idempotent producer with gzip, snappy, lz4 and zstd", async () => {
  const [ours, theirs] = await both(s.kcatCompression);
  assertEquals(ours, theirs);
  assertEquals(ours.zstd, "0:a 1:b 2:c ");
});

Deno.test("transactions: commit, abort, commit read with read_committed and read_uncommitted", async () => {
  const [ours, theirs] = await both(t.txnCommitAbortCommit);
  assertEquals(ours, theirs);
  assertEquals(ours.committed, ["a0", "a1", "a2", "a3", "c0", "c1"]);
  assertEquals(ours.high, 12);
});

Deno.test("transactions: last stable offset while a transaction is open and after its abort", async () => {
  const [ours, theirs] = await both(t.txnLastStableOffset);
  assertEquals(ours, theirs);
  assertEquals(ours, { openCommitted: 4, openUncommitted: 6, afterAbortCommitted: 7 });
});

Deno.test("transactions: consume-transform-produce with sendOffsetsToTransaction", async () => {
  const [ours, theirs] = await both(t.txnConsumeTransformProduce);
  assertEquals(ours, theirs);
  assertEquals(ours.committed, 10);
});

Deno.test("transactions: a second producer with the same transactional.id fences the first", async () => {
  const [ours, theirs] = await both(t.txnFencing);
  assertEquals(ours, theirs);
  assertEquals(ours, { oldCommitFailed: "fenced", committed: ["new"] });
});

Deno.test("Java transactions: transactional ProducerPerformance, read_committed console consumer", async () => {
  const [ours, theirs] = await both(t.javaTransactions);
  assertEquals(ours, theirs);
  assertEquals(ours, { sent: "2000 records sent", consumed: 2000 });
});

Deno.test("KafkaJS: createTopics, produce, group consumer with explicit commit, fetchOffsets", async () => {
  const [ours, theirs] = await both(k.kafkajsGroup);
  assertEquals(ours, theirs);
  assertEquals(ours.consumed, ["v0", "v1", "v2", "v3", "v4"]);
  assertEquals(ours.committed, ["0:5"]);
});

Deno.test("KafkaJS: transactional producer (commit, abort, commit) and a read_committed consumer", async () => {
  const [ours, theirs] = await both(k.kafkajsTransactions);
  assertEquals(ours, theirs);
  assertEquals(ours, ["a0", "a1", "c0", "c1"]);
});

Deno.test("Kafka admin tools: configs, delete-records, transactions, leader election, cluster id", async () => {
  const [ours, theirs] = await both(javaAdminTools);
  assertEquals(ours, theirs);
  assertEquals(ours.dynamicConfigs, [
    "cleanup.policy=compact",
    "retention.ms=86400000",
    "segment.bytes=1048576",
  ]);
  assertEquals([ours.compactRefused, ours.lowWatermark, ours.producers], [true, "3", 1]);
});

Deno.test("kafka-configs.sh client quotas: users, clients, defaults, delete, describe", async () => {
  // A Kafka of its own: the scenario sets a default user quota (consumer_byte_rate=8192), which
  // on the shared Kafka throttled every later test's consumers to 8 KB/s.
  const [ours, theirs] = await both(javaQuotaTools, { dedicated: true });
  assertEquals(ours, theirs);
  assertEquals(ours.fractionalRefused, true);
  assertEquals(ours.described.length, 4);
});
