/** Transaction rules: transactional id WRITE, idempotent producers, per-partition answers. */
import { assertEquals } from "@std/assert";
import { ApiKey, ErrorCode as E } from "../protocol/mod.ts";
import { AclOperation as Op, ResourceType as R } from "./acls.ts";
import { allow, ctx, guarded, openAcls } from "./authz_test_util.ts";

const bob = (v: number) => ctx("User:bob", v);

Deno.test("InitProducerId: WRITE on the transactional id; idempotent needs IDEMPOTENT_WRITE or WRITE on a topic", async () => {
  await using s = await openAcls();
  const api = guarded(s.acls, ApiKey.InitProducerId, () => ({ errorCode: 0, producerId: 7n }));
  const init = (transactionalId: string | null) =>
    api.call(
      { transactionalId, transactionTimeoutMs: 1, producerId: -1n, producerEpoch: -1 },
      bob(4),
    );
  assertEquals((await init("tx")).errorCode, E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  assertEquals((await init(null)).errorCode, E.CLUSTER_AUTHORIZATION_FAILED);
  assertEquals(api.calls.length, 0);
  await s.acls.add(allow("User:bob", R.TRANSACTIONAL_ID, "tx", Op.WRITE));
  assertEquals((await init("tx")).errorCode, 0);
  assertEquals((await init("other")).errorCode, E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  await s.acls.add(allow("User:bob", R.TOPIC, "logs-", Op.WRITE, 4));
  assertEquals((await init(null)).errorCode, 0, "WRITE on some topic is enough (Kafka 3+)");
  await s.acls.add({ ...allow("User:bob", R.TOPIC, "*", Op.WRITE), permissionType: 2 });
  assertEquals((await init(null)).errorCode, E.CLUSTER_AUTHORIZATION_FAILED, "DENY on all topics");
  await s.acls.add(allow("User:bob", R.CLUSTER, "kafka-cluster", Op.IDEMPOTENT_WRITE));
  assertEquals((await init(null)).errorCode, 0);
});

Deno.test("AddPartitionsToTxn v3: a denied topic fails, the rest is not attempted; EndTxn needs WRITE", async () => {
  await using s = await openAcls();
  await s.acls.add(allow("User:bob", R.TRANSACTIONAL_ID, "tx", Op.WRITE));
  await s.acls.add(allow("User:bob", R.TOPIC, "mine", Op.WRITE));
  const api = guarded(s.acls, ApiKey.AddPartitionsToTxn, () => ({ ok: true }));
  const add = (txn: string, names: string[]) =>
    api.call({
      v3AndBelowTransactionalId: txn,
      v3AndBelowProducerId: 1n,
      v3AndBelowProducerEpoch: 0,
      v3AndBelowTopics: names.map((name) => ({ name, partitions: [0, 1] })),
      transactions: [],
    }, bob(3));
  const codes = (
    res: {
      resultsByTopicV3AndBelow: {
        name: string;
        resultsByPartition: { partitionErrorCode: number }[];
      }[];
    },
  ) =>
    res.resultsByTopicV3AndBelow.map((
      t,
    ) => [t.name, t.resultsByPartition.map((p) => p.partitionErrorCode)]);
  assertEquals(codes(await add("tx", ["mine", "theirs"])), [
    ["mine", [E.OPERATION_NOT_ATTEMPTED, E.OPERATION_NOT_ATTEMPTED]],
    ["theirs", [E.TOPIC_AUTHORIZATION_FAILED, E.TOPIC_AUTHORIZATION_FAILED]],
  ]);
  assertEquals(codes(await add("other", ["mine"])), [["mine", [53, 53]]]);
  assertEquals(api.calls.length, 0);
  assertEquals(await add("tx", ["mine"]), { ok: true });
  const end = guarded(s.acls, ApiKey.EndTxn, () => ({ errorCode: 0 }));
  const endTxn = (transactionalId: string) =>
    end.call({ transactionalId, producerId: 1n, producerEpoch: 0, committed: true }, bob(3));
  assertEquals((await endTxn("other")).errorCode, 53);
  assertEquals((await endTxn("tx")).errorCode, 0);
});

Deno.test("AddOffsetsToTxn and TxnOffsetCommit: transactional id, then group, then topic", async () => {
  await using s = await openAcls();
  await s.acls.add(allow("User:bob", R.TRANSACTIONAL_ID, "tx", Op.WRITE));
  const addOffsets = guarded(s.acls, ApiKey.AddOffsetsToTxn, () => ({ errorCode: 0 }));
  const req = { transactionalId: "tx", producerId: 1n, producerEpoch: 0, groupId: "g" };
  assertEquals((await addOffsets.call({ ...req, transactionalId: "x" }, bob(3))).errorCode, 53);
  assertEquals((await addOffsets.call(req, bob(3))).errorCode, E.GROUP_AUTHORIZATION_FAILED);
  await s.acls.add(allow("User:bob", R.GROUP, "g", Op.READ));
  assertEquals((await addOffsets.call(req, bob(3))).errorCode, 0);
  await s.acls.add(allow("User:bob", R.TOPIC, "mine", Op.READ));
  const commit = guarded(s.acls, ApiKey.TxnOffsetCommit, (r) => ({
    throttleTimeMs: 0,
    topics: r.topics.map((t: { name: string }) => ({
      name: t.name,
      partitions: [{ partitionIndex: 0, errorCode: 0 }],
    })),
  }));
  const topics = ["mine", "theirs"].map((name) => ({
    name,
    partitions: [{ partitionIndex: 0, committedOffset: 5n, committedMetadata: null }],
  }));
  const res = await commit.call({
    ...req,
    generationId: -1,
    memberId: "",
    groupInstanceId: null,
    topics,
  }, bob(3));
  assertEquals(commit.calls.map((c) => c.topics.map((t: { name: string }) => t.name)), [["mine"]]);
  assertEquals(
    res.topics.map((
      t: { name: string; partitions: { errorCode: number }[] },
    ) => [t.name, t.partitions[0].errorCode]),
    [
      ["mine", 0],
      ["theirs", E.TOPIC_AUTHORIZATION_FAILED],
    ],
  );
});

Deno.test("Produce with a transactional id needs WRITE on it; Describe/ListTransactions need DESCRIBE", async () => {
  await using s = await openAcls();
  await s.acls.add(allow("User:bob", R.TOPIC, "t", Op.WRITE));
  const produce = guarded(s.acls, ApiKey.Produce, () => ({ throttleTimeMs: 0, responses: [] }));
  const batch = (transactionalId: string | null) => ({
    transactionalId,
    acks: -1,
    timeoutMs: 1,
    topicData: [{ name: "t", partitionData: [{ index: 0, records: null }] }],
  });
  const denied = await produce.call(batch("tx"), bob(9));
  assertEquals(denied.responses[0].partitionResponses[0].errorCode, 53);
  assertEquals(produce.calls.length, 0);
  await produce.call(batch(null), bob(9));
  assertEquals(produce.calls.length, 1);
  await s.acls.add(allow("User:bob", R.TRANSACTIONAL_ID, "tx", Op.WRITE));
  const describe = guarded(s.acls, ApiKey.DescribeTransactions, (r) => ({
    throttleTimeMs: 0,
    transactionStates: r.transactionalIds.map((transactionalId: string) => ({
      errorCode: 0,
      transactionalId,
    })),
  }));
  const res = await describe.call({ transactionalIds: ["tx", "other"] }, bob(0));
  assertEquals(
    res.transactionStates.map((
      t: { transactionalId: string; errorCode: number },
    ) => [t.transactionalId, t.errorCode]),
    [
      ["tx", 0],
      ["other", 53],
    ],
  );
  const list = guarded(s.acls, ApiKey.ListTransactions, () => ({
    throttleTimeMs: 0,
    errorCode: 0,
    unknownStateFilters: [],
    transactionStates: ["tx", "other"].map((transactionalId) => ({
      transactionalId,
      producerId: 1n,
      transactionState: "Ongoing",
    })),
  }));
  const listed = await list.call({ stateFilters: [], producerIdFilters: [] }, bob(0));
  assertEquals(
    listed.transactionStates.map((t: { transactionalId: string }) => t.transactionalId),
    ["tx"],
  );
});
