/** Topic rules: per-topic answers for offsets, records, partitions; Metadata auto-creation. */
import { assertEquals } from "@std/assert";
import { ApiKey, ErrorCode as E } from "../protocol/mod.ts";
import { AclOperation as Op, ResourceType as R } from "./acls.ts";
import { allow, ctx, guarded, openAcls } from "./authz_test_util.ts";

const bob = (v: number) => ctx("User:bob", v);
type Named = { name: string; partitions: { errorCode: number }[] };
const codes = (topics: Named[]) => topics.map((t) => [t.name, t.partitions[0].errorCode]);

/** A handler answering error 0 for every partition of every named topic. */
const echo =
  (out: string, part: string) => (req: { topics: { name: string; partitions: unknown[] }[] }) => ({
    throttleTimeMs: 0,
    [out]: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map(() => ({ [part]: 0, errorCode: 0 })),
    })),
  });

Deno.test("ListOffsets needs DESCRIBE, DeleteRecords DELETE, per topic; allowed topics still run", async () => {
  await using s = await openAcls();
  await s.acls.add(allow("User:bob", R.TOPIC, "mine", Op.READ));
  await s.acls.add(allow("User:bob", R.TOPIC, "gone", Op.DELETE));
  const list = guarded(s.acls, ApiKey.ListOffsets, echo("topics", "partitionIndex"));
  const topics = ["mine", "theirs"].map((name) => ({
    name,
    partitions: [{ partitionIndex: 0, timestamp: -1n }],
  }));
  const res = await list.call({ replicaId: -1, isolationLevel: 0, topics }, bob(7));
  assertEquals(list.calls.map((c) => c.topics.length), [1]);
  assertEquals(codes(res.topics), [["mine", 0], ["theirs", E.TOPIC_AUTHORIZATION_FAILED]]);
  const del = guarded(s.acls, ApiKey.DeleteRecords, echo("topics", "partitionIndex"));
  const dt = ["gone", "mine"].map((name) => ({
    name,
    partitions: [{ partitionIndex: 0, offset: 1n }],
  }));
  const deleted = await del.call({ topics: dt, timeoutMs: 1 }, bob(2));
  assertEquals(codes(deleted.topics), [["gone", 0], ["mine", E.TOPIC_AUTHORIZATION_FAILED]]);
});

Deno.test("CreatePartitions needs ALTER; DescribeProducers READ; DescribeTopicPartitions DESCRIBE", async () => {
  await using s = await openAcls();
  await s.acls.add(allow("User:bob", R.TOPIC, "mine", Op.ALTER));
  const create = guarded(s.acls, ApiKey.CreatePartitions, (r) => ({
    throttleTimeMs: 0,
    results: r.topics.map((t: { name: string }) => ({ name: t.name, errorCode: 0 })),
  }));
  const res = await create.call({
    topics: ["mine", "theirs"].map((name) => ({ name, count: 3, assignments: null })),
    timeoutMs: 1,
    validateOnly: false,
  }, bob(3));
  assertEquals(res.results.map((r: { name: string; errorCode: number }) => [r.name, r.errorCode]), [
    ["mine", 0],
    ["theirs", E.TOPIC_AUTHORIZATION_FAILED],
  ]);
  const producers = guarded(
    s.acls,
    ApiKey.DescribeProducers,
    () => ({ throttleTimeMs: 0, topics: [] }),
  );
  const p = await producers.call({ topics: [{ name: "mine", partitionIndexes: [0] }] }, bob(0));
  assertEquals(
    codes(p.topics),
    [["mine", E.TOPIC_AUTHORIZATION_FAILED]],
    "ALTER does not imply READ",
  );
  const dtp = guarded(s.acls, ApiKey.DescribeTopicPartitions, () => ({
    topics: ["mine", "theirs"].map((name) => ({ errorCode: 0, name, partitions: [] })),
  }));
  const all = await dtp.call({ topics: [], responsePartitionLimit: 10, cursor: null }, bob(0));
  assertEquals(
    all.topics.map((t: { name: string }) => t.name),
    ["mine"],
    "unlisted when not named",
  );
});

Deno.test("Metadata auto-creation needs CREATE on the cluster or the topic", async () => {
  await using s = await openAcls();
  await s.acls.add(allow("User:bob", R.TOPIC, "new", Op.DESCRIBE));
  const meta = guarded(s.acls, ApiKey.Metadata, (r) => ({
    brokers: [],
    topics: (r.topics ?? []).map((t: { name: string }) => ({
      errorCode: 0,
      name: t.name,
      partitions: [],
    })),
  }));
  const ask = (v: number) =>
    meta.call({ topics: [{ name: "new" }], allowAutoTopicCreation: true }, bob(v));
  await ask(9);
  assertEquals(meta.calls.at(-1).allowAutoTopicCreation, false, "no CREATE: no auto-creation");
  const old = await ask(3);
  assertEquals(meta.calls.at(-1).topics, null, "below v4: asked for the known topics only");
  assertEquals(old.topics.map((t: { errorCode: number }) => t.errorCode), [
    E.UNKNOWN_TOPIC_OR_PARTITION,
  ]);
  await s.acls.add(allow("User:bob", R.TOPIC, "new", Op.CREATE));
  await ask(9);
  assertEquals(meta.calls.at(-1).allowAutoTopicCreation, true);
  const hidden = await meta.call(
    { topics: [{ name: "secret" }], allowAutoTopicCreation: false },
    bob(9),
  );
  assertEquals(
    hidden.topics.map((t: { errorCode: number; topicId: string }) => [t.errorCode, t.topicId]),
    [
      [E.TOPIC_AUTHORIZATION_FAILED, "AAAAAAAAAAAAAAAAAAAAAA"],
    ],
  );
});
