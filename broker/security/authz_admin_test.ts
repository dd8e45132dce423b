/** Admin rules: configs per resource, cluster rights for the cluster-wide APIs. */
import { assertEquals } from "@std/assert";
import { ApiKey, ErrorCode as E } from "../protocol/mod.ts";
import { AclOperation as Op, ResourceType as R } from "./acls.ts";
import { allow, ctx, guarded, openAcls } from "./authz_test_util.ts";

const bob = (v: number) => ctx("User:bob", v);
const CLUSTER = "kafka-cluster";

Deno.test("configs: topic, group and broker resources answer their own error", async () => {
  await using s = await openAcls();
  await s.acls.add(allow("User:bob", R.TOPIC, "t", Op.ALTER_CONFIGS));
  const resources = [
    { resourceType: 2, resourceName: "t" },
    { resourceType: 2, resourceName: "u" },
    { resourceType: 32, resourceName: "g" },
    { resourceType: 4, resourceName: "1" },
  ];
  const answer = (out: string) => (r: { resources: typeof resources }) => ({
    throttleTimeMs: 0,
    [out]: r.resources.map((x) => ({ ...x, errorCode: 0, errorMessage: null })),
  });
  const describe = guarded(s.acls, ApiKey.DescribeConfigs, answer("results"));
  const d = await describe.call({
    resources: resources.map((r) => ({ ...r, configurationKeys: null })),
  }, bob(4));
  const codes = (list: { resourceName: string; errorCode: number }[]) =>
    list.map((r) => [r.resourceName, r.errorCode]);
  assertEquals(codes(d.results), [
    ["t", 0],
    ["u", E.TOPIC_AUTHORIZATION_FAILED],
    ["g", E.GROUP_AUTHORIZATION_FAILED],
    ["1", E.CLUSTER_AUTHORIZATION_FAILED],
  ], "ALTER_CONFIGS implies DESCRIBE_CONFIGS");
  await s.acls.add(allow("User:bob", R.GROUP, "g", Op.DESCRIBE_CONFIGS));
  const alter = guarded(s.acls, ApiKey.IncrementalAlterConfigs, answer("responses"));
  const a = await alter.call({
    resources: resources.map((r) => ({ ...r, configs: [] })),
    validateOnly: false,
  }, bob(1));
  assertEquals(
    codes(a.responses).map(([, c]) => c),
    [0, 29, 30, 31],
    "DESCRIBE_CONFIGS does not imply ALTER_CONFIGS",
  );
  assertEquals(alter.calls[0].resources.map((r: { resourceName: string }) => r.resourceName), [
    "t",
  ]);
});

Deno.test("cluster APIs need cluster ALTER or DESCRIBE", async () => {
  await using s = await openAcls();
  const ok = () => ({ throttleTimeMs: 0, errorCode: 0, results: [], topics: [] });
  const cases: [number, number, unknown, number][] = [
    [ApiKey.DescribeCluster, Op.DESCRIBE, { includeClusterAuthorizedOperations: false }, 0],
    [ApiKey.ElectLeaders, Op.ALTER, { electionType: 0, topicPartitions: null, timeoutMs: 1 }, 2],
    [ApiKey.ListPartitionReassignments, Op.DESCRIBE, { timeoutMs: 1, topics: null }, 0],
    [ApiKey.AlterPartitionReassignments, Op.ALTER, { timeoutMs: 1, topics: [] }, 0],
    [ApiKey.DescribeUserScramCredentials, Op.DESCRIBE, { users: null }, 0],
  ];
  for (const [key, op, req, v] of cases) {
    const api = guarded(s.acls, key, ok);
    assertEquals((await api.call(req, bob(v))).errorCode, E.CLUSTER_AUTHORIZATION_FAILED, `${key}`);
    assertEquals(api.calls.length, 0);
    await s.acls.add(allow("User:bob", R.CLUSTER, CLUSTER, op));
    assertEquals((await api.call(req, bob(v))).errorCode, 0, `${key} allowed`);
    await s.acls.remove({
      ...allow("User:bob", R.CLUSTER, CLUSTER, op),
      resourceName: null,
      principal: null,
      host: null,
    });
  }
  const alterScram = guarded(s.acls, ApiKey.AlterUserScramCredentials, ok);
  const upsert = {
    name: "eve",
    mechanism: 1,
    iterations: 4096,
    salt: new Uint8Array(),
    saltedPassword: new Uint8Array(),
  };
  const res = await alterScram.call({ deletions: [], upsertions: [upsert] }, bob(0));
  assertEquals(res.results, [{
    user: "eve",
    errorCode: E.CLUSTER_AUTHORIZATION_FAILED,
    errorMessage: "Authorization failed.",
  }]);
});
