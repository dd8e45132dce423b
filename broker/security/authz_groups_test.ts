/** Group rules: DELETE for deletions, DESCRIBE for descriptions and listings, per group. */
import { assertEquals } from "@std/assert";
import { ApiKey, ErrorCode as E } from "../protocol/mod.ts";
import { AclOperation as Op, ResourceType as R } from "./acls.ts";
import { allow, ctx, guarded, openAcls } from "./authz_test_util.ts";

const bob = (v: number) => ctx("User:bob", v);

Deno.test("DeleteGroups and DescribeGroups answer per group; ListGroups filters", async () => {
  await using s = await openAcls();
  await s.acls.add(allow("User:bob", R.GROUP, "mine", Op.DELETE));
  const del = guarded(s.acls, ApiKey.DeleteGroups, (r) => ({
    throttleTimeMs: 0,
    results: r.groupsNames.map((groupId: string) => ({ groupId, errorCode: 0 })),
  }));
  const res = await del.call({ groupsNames: ["mine", "theirs"] }, bob(2));
  assertEquals(
    res.results.map((g: { groupId: string; errorCode: number }) => [g.groupId, g.errorCode]),
    [
      ["mine", 0],
      ["theirs", E.GROUP_AUTHORIZATION_FAILED],
    ],
  );
  const describe = guarded(s.acls, ApiKey.DescribeGroups, (r) => ({
    groups: r.groups.map((groupId: string) => ({ errorCode: 0, groupId })),
  }));
  const d = await describe.call(
    { groups: ["mine", "theirs"], includeAuthorizedOperations: false },
    bob(5),
  );
  assertEquals(d.groups.map((g: { errorCode: number }) => g.errorCode), [
    0,
    E.GROUP_AUTHORIZATION_FAILED,
  ]);
  const groups = ["mine", "theirs"].map((groupId) => ({ groupId, protocolType: "consumer" }));
  const list = guarded(s.acls, ApiKey.ListGroups, () => ({ errorCode: 0, groups }));
  const listed = await list.call({ statesFilter: [], typesFilter: [] }, bob(4));
  assertEquals(listed.groups.map((g: { groupId: string }) => g.groupId), ["mine"]);
  await s.acls.add(allow("User:bob", R.CLUSTER, "kafka-cluster", Op.DESCRIBE));
  assertEquals((await list.call({ statesFilter: [], typesFilter: [] }, bob(4))).groups, groups);
});

Deno.test("OffsetDelete needs DELETE on the group and READ on each topic; FindCoordinator DESCRIBE", async () => {
  await using s = await openAcls();
  const offsetDelete = guarded(s.acls, ApiKey.OffsetDelete, (r) => ({
    errorCode: 0,
    topics: r.topics.map((t: { name: string }) => ({
      name: t.name,
      partitions: [{ partitionIndex: 0, errorCode: 0 }],
    })),
  }));
  const topics = ["mine", "theirs"].map((name) => ({ name, partitions: [{ partitionIndex: 0 }] }));
  assertEquals(
    (await offsetDelete.call({ groupId: "g", topics }, bob(0))).errorCode,
    E.GROUP_AUTHORIZATION_FAILED,
  );
  await s.acls.add(allow("User:bob", R.GROUP, "g", Op.DELETE));
  await s.acls.add(allow("User:bob", R.TOPIC, "mine", Op.READ));
  const res = await offsetDelete.call({ groupId: "g", topics }, bob(0));
  assertEquals(
    res.topics.map((
      t: { name: string; partitions: { errorCode: number }[] },
    ) => [t.name, t.partitions[0].errorCode]),
    [["mine", 0], ["theirs", E.TOPIC_AUTHORIZATION_FAILED]],
  );
  const find = guarded(s.acls, ApiKey.FindCoordinator, (r) => ({
    coordinators: r.coordinatorKeys.map((key: string) => ({ key, errorCode: 0 })),
  }));
  const found = await find.call({ keyType: 1, coordinatorKeys: ["tx"] }, bob(4));
  assertEquals(found.coordinators[0].errorCode, E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  const group = await find.call({ keyType: 0, coordinatorKeys: ["g", "h"] }, bob(4));
  assertEquals(group.coordinators.map((c: { errorCode: number }) => c.errorCode), [
    0,
    E.GROUP_AUTHORIZATION_FAILED,
  ]);
});
