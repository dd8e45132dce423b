/**
 * The cluster and topic admin APIs (issue 16, item 2) against an in-memory store, each checked
 * against what Kafka 4.3.1 answers.
 */
import { assertEquals } from "@std/assert";
import { silentLogger } from "@iot/service";
import { handlersOf } from "../api/mod.ts";
import { callHandler } from "../group/harness_test_util.ts";
import { ApiKey, ErrorCode, type RequestInputs } from "../protocol/mod.ts";
import { buildRecordBatch } from "../records/mod.ts";
import { LogStore } from "../storage/mod.ts";
import type { BrokerContext } from "./context.ts";
import { dataPlaneApis } from "./mod.ts";

async function setup() {
  const store = await LogStore.open({ dir: "", memory: true });
  const ctx: BrokerContext = {
    store,
    identity: { nodeId: 7, host: "127.0.0.1", port: 9092, clusterId: "cid" },
    topics: { autoCreate: false, partitions: 1 },
    logger: silentLogger,
  };
  const table = handlersOf(dataPlaneApis(ctx));
  const call = <K extends ApiKey>(apiKey: K, version: number, body: RequestInputs[K]) =>
    callHandler(table, apiKey, version, body);
  return { store, call };
}

Deno.test("DescribeCluster: this node is the only broker and the controller", async () => {
  const { call } = await setup();
  const r = await call(ApiKey.DescribeCluster, 1, { includeClusterAuthorizedOperations: false });
  assertEquals([r.errorCode, r.clusterId, r.controllerId], [0, "cid", 7]);
  assertEquals(r.brokers.map((b) => [b.brokerId, b.host, b.port]), [[7, "127.0.0.1", 9092]]);
});

Deno.test("DescribeTopicPartitions: sorted topics, partition limit and cursor", async () => {
  const { store, call } = await setup();
  await store.createTopic("b", { partitions: 3 });
  await store.createTopic("a", { partitions: 2 });
  const first = await call(ApiKey.DescribeTopicPartitions, 0, {
    topics: [],
    responsePartitionLimit: 3,
  });
  assertEquals(first.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)]), [
    ["a", [0, 1]],
    ["b", [0]],
  ]);
  assertEquals(first.nextCursor, { topicName: "b", partitionIndex: 1 });
  const rest = await call(ApiKey.DescribeTopicPartitions, 0, {
    topics: [{ name: "b" }, { name: "zz" }],
    responsePartitionLimit: 100,
    cursor: first.nextCursor,
  });
  assertEquals(rest.topics.map((t) => [t.name, t.errorCode, t.partitions.length]), [
    ["b", 0, 2],
    ["zz", ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 0],
  ]);
  assertEquals(rest.nextCursor, null);
  assertEquals(rest.topics[0].partitions[0].leaderId, 7);
});

Deno.test("AlterConfigs/IncrementalAlterConfigs change the running topic; bad input changes nothing", async () => {
  const { store, call } = await setup();
  await store.createTopic("t", { configs: { "retention.ms": "5000", "x.unknown": "1" } });
  const inc = (
    configs: { name: string; configOperation: number; value: string | null }[],
    validateOnly = false,
  ) =>
    call(ApiKey.IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: 2, resourceName: "t", configs }],
      validateOnly,
    }).then((r) => r.responses[0].errorCode);
  assertEquals(await inc([{ name: "segment.bytes", configOperation: 0, value: "1024" }], true), 0);
  assertEquals(store.logConfig("t").segmentBytes !== 1024, true, "validateOnly changes nothing");
  assertEquals(
    await inc([
      { name: "segment.bytes", configOperation: 0, value: "1024" },
      { name: "cleanup.policy", configOperation: 2, value: "compact" },
      { name: "retention.ms", configOperation: 1, value: null },
    ]),
    0,
  );
  const c = store.logConfig("t");
  assertEquals([c.segmentBytes, c.cleanupPolicy], [1024, { delete: true, compact: true }]);
  assertEquals(store.topic("t")!.configs, {
    "x.unknown": "1",
    "segment.bytes": "1024",
    "cleanup.policy": "delete,compact",
  });
  assertEquals(await inc([{ name: "cleanup.policy", configOperation: 3, value: "delete" }]), 0);
  assertEquals(store.logConfig("t").cleanupPolicy, { delete: false, compact: true });
  assertEquals(
    await inc([{ name: "segment.bytes", configOperation: 0, value: "lots" }]),
    ErrorCode.INVALID_CONFIG,
  );
  assertEquals(
    await inc([{ name: "retention.ms", configOperation: 2, value: "1" }]),
    ErrorCode.INVALID_CONFIG,
    "APPEND to a non-list config",
  );
  assertEquals(store.logConfig("t").segmentBytes, 1024);
  // AlterConfigs replaces the whole set.
  const alter = await call(ApiKey.AlterConfigs, 2, {
    resources: [
      { resourceType: 2, resourceName: "t", configs: [{ name: "retention.ms", value: "60000" }] },
      { resourceType: 2, resourceName: "nope", configs: [] },
      { resourceType: 4, resourceName: "7", configs: [] },
    ],
    validateOnly: false,
  });
  assertEquals(alter.responses.map((r) => r.errorCode), [
    0,
    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    ErrorCode.INVALID_REQUEST,
  ]);
  assertEquals(store.topic("t")!.configs, { "retention.ms": "60000" });
  assertEquals(store.logConfig("t").retentionMs, 60000);
});

Deno.test("DeleteRecords moves the log start offset; above the high watermark is out of range", async () => {
  const { store, call } = await setup();
  await store.createTopic("d", { partitions: 1 });
  for (let i = 0; i < 3; i++) {
    await store.partition("d", 0)!.append(buildRecordBatch([{ timestamp: 1, value: null }]));
  }
  const del = (offset: bigint, partitionIndex = 0) =>
    call(ApiKey.DeleteRecords, 2, {
      topics: [{ name: "d", partitions: [{ partitionIndex, offset }] }],
      timeoutMs: 1000,
    }).then((r) => r.topics[0].partitions.map((p) => [p.errorCode, Number(p.lowWatermark)]));
  assertEquals(await del(2n), [[0, 2]]);
  assertEquals(store.partition("d", 0)!.logStartOffset, 2);
  assertEquals(await del(9n), [[ErrorCode.OFFSET_OUT_OF_RANGE, -1]]);
  assertEquals(await del(0n, 4), [[ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1]]);
  assertEquals(await del(-1n), [[0, 3]], "-1 = the high watermark");
});

Deno.test("ElectLeaders: no election needed on one node; unknown partitions named", async () => {
  const { store, call } = await setup();
  await store.createTopic("e", { partitions: 2 });
  const r = await call(ApiKey.ElectLeaders, 2, {
    electionType: 0,
    topicPartitions: [{ topic: "e", partitions: [0, 1, 5] }],
    timeoutMs: 1000,
  });
  assertEquals(r.errorCode, 0);
  assertEquals(r.replicaElectionResults[0].partitionResult.map((p) => p.errorCode), [
    ErrorCode.ELECTION_NOT_NEEDED,
    ErrorCode.ELECTION_NOT_NEEDED,
    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ]);
});

Deno.test("partition reassignments: to this node completes at once; nothing is ongoing", async () => {
  const { store, call } = await setup();
  await store.createTopic("r", { partitions: 2 });
  const r = await call(ApiKey.AlterPartitionReassignments, 0, {
    timeoutMs: 1000,
    topics: [{
      name: "r",
      partitions: [
        { partitionIndex: 0, replicas: [7] },
        { partitionIndex: 1, replicas: [2] },
        { partitionIndex: 1, replicas: null },
        { partitionIndex: 9, replicas: [7] },
      ],
    }],
  });
  assertEquals(r.responses[0].partitions.map((p) => p.errorCode), [
    0,
    ErrorCode.INVALID_REPLICA_ASSIGNMENT,
    85,
    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ]);
  const listed = await call(ApiKey.ListPartitionReassignments, 0, {
    timeoutMs: 1000,
    topics: null,
  });
  assertEquals([listed.errorCode, listed.topics], [0, []]);
});
