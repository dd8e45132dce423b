import { ErrorCode } from "../protocol/mod.ts";
import { assertEquals } from "@std/assert";
import { ApiKey } from "../protocol/mod.ts";
import { type Harness, protocols, startHarness } from "./harness_test_util.ts";

function commit(
  h: Harness,
  groupId: string,
  offsets: [string, number, number][],
  member: { memberId?: string; generationIdOrMemberEpoch?: number } = {},
  version = 9,
) {
  const topics = [...new Set(offsets.map(([t]) => t))].map((name) => ({
    name,
    partitions: offsets.filter(([t]) => t === name).map(([, partitionIndex, offset]) => ({
      partitionIndex,
      committedOffset: BigInt(offset),
      committedMetadata: `m${offset}`,
    })),
  }));
  return h.call(ApiKey.OffsetCommit, version, { groupId, topics, ...member })
    .then((r) => r.topics.flatMap((t) => t.partitions.map((p) => p.errorCode)));
}

async function memberOf(h: Harness, groupId: string): Promise<string> {
  const body = {
    groupId,
    sessionTimeoutMs: 10_000,
    memberId: "",
    protocolType: "consumer",
    protocols: protocols("range"),
  };
  const r = await h.call(ApiKey.JoinGroup, 3, body);
  await h.call(ApiKey.SyncGroup, 3, {
    groupId,
    generationId: r.generationId,
    memberId: r.memberId,
    assignments: [],
  });
  return r.memberId;
}

Deno.test("offsets: simple commits create the group, survive a reopen, unknown ones are -1", async () => {
  await using h = await startHarness();
  assertEquals(await commit(h, "g/1", [["t", 0, 5], ["t", 1, 9], ["u", 0, 1]]), [0, 0, 0]);
  await h.reopen();
  const v7 = await h.call(ApiKey.OffsetFetch, 7, {
    groupId: "g/1",
    topics: [{ name: "t", partitionIndexes: [1, 2] }],
    requireStable: true,
  });
  assertEquals(v7.errorCode, 0);
  assertEquals(
    v7.topics[0].partitions.map((p) => [p.committedOffset, p.metadata, p.committedLeaderEpoch]),
    [[9n, "m9", -1], [-1n, "", -1]],
  );
  const v8 = await h.call(ApiKey.OffsetFetch, 8, {
    groups: [{ groupId: "g/1", topics: null }, { groupId: "g", topics: null }],
  });
  assertEquals(v8.groups.map((g) => g.groupId), ["g/1", "g"]);
  assertEquals(
    v8.groups[0].topics.map((t) => [t.name, t.partitions.map((p) => Number(p.committedOffset))]),
    [["t", [5, 9]], ["u", [1]]],
  );
  assertEquals(v8.groups[1].topics, []);
  const listed = await h.call(ApiKey.ListGroups, 4, { statesFilter: ["Empty"] });
  assertEquals(listed.groups.map((g) => [g.groupId, g.groupState]), [["g/1", "Empty"]]);
});

Deno.test("offsets: member commits are checked against generation and membership", async () => {
  await using h = await startHarness();
  const m = await memberOf(h, "g");
  assertEquals(await commit(h, "g", [["t", 0, 3]], { memberId: m, generationIdOrMemberEpoch: 1 }), [
    0,
  ]);
  assertEquals(
    await commit(h, "g", [["t", 0, 3]], { memberId: m, generationIdOrMemberEpoch: 2 }),
    [ErrorCode.ILLEGAL_GENERATION],
  );
  assertEquals(
    await commit(h, "g", [["t", 0, 3]], { memberId: "x", generationIdOrMemberEpoch: 1 }),
    [ErrorCode.UNKNOWN_MEMBER_ID],
  );
  assertEquals(await commit(h, "g", [["t", 0, 3]]), [ErrorCode.UNKNOWN_MEMBER_ID]);
  assertEquals(
    await commit(h, "new", [["t", 0, 3]], { memberId: "x", generationIdOrMemberEpoch: 4 }),
    [ErrorCode.ILLEGAL_GENERATION],
  );
  const big = await h.call(ApiKey.OffsetCommit, 2, {
    groupId: "s",
    topics: [{
      name: "t",
      partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: "x".repeat(5000) }],
    }],
  });
  assertEquals(big.topics[0].partitions[0].errorCode, ErrorCode.OFFSET_METADATA_TOO_LARGE);
});

Deno.test("delete groups: non-empty, unknown and empty groups", async () => {
  await using h = await startHarness();
  await memberOf(h, "busy");
  await commit(h, "idle", [["t", 0, 1]]);
  const r = await h.call(ApiKey.DeleteGroups, 2, { groupsNames: ["busy", "nope", "idle"] });
  assertEquals(r.results.map((x) => [x.groupId, x.errorCode]), [
    ["busy", ErrorCode.NON_EMPTY_GROUP],
    ["nope", ErrorCode.GROUP_ID_NOT_FOUND],
    ["idle", 0],
  ]);
  await h.reopen();
  const fetched = await h.call(ApiKey.OffsetFetch, 9, {
    groups: [{ groupId: "idle", topics: null }],
  });
  assertEquals(fetched.groups[0].topics, []);
  const listed = await h.call(ApiKey.ListGroups, 5, { typesFilter: ["classic"] });
  assertEquals(listed.groups.map((g) => g.groupId), ["busy"]);
});

Deno.test("a Stable group's members and generation survive a reopen", async () => {
  await using h = await startHarness();
  const member = await memberOf(h, "g");
  await h.reopen();
  const beat = (generationId: number) =>
    h.call(ApiKey.Heartbeat, 3, { groupId: "g", generationId, memberId: member });
  assertEquals((await beat(1)).errorCode, 0, "still a member of generation 1");
  assertEquals((await beat(2)).errorCode, ErrorCode.ILLEGAL_GENERATION);
  const d = await h.call(ApiKey.DescribeGroups, 0, { groups: ["g"] });
  assertEquals([d.groups[0].groupState, d.groups[0].protocolData], ["Stable", "range"]);
  const left = await h.call(ApiKey.LeaveGroup, 3, {
    groupId: "g",
    members: [{ memberId: member }],
  });
  assertEquals(left.errorCode, 0);
  const r = await h.call(ApiKey.JoinGroup, 3, {
    groupId: "g",
    sessionTimeoutMs: 10_000,
    memberId: "",
    protocolType: "consumer",
    protocols: protocols("range"),
  });
  assertEquals(r.generationId, 3, "the leave completed generation 2 (Empty)");
});

Deno.test("find coordinator: this node for groups and transactions, batched from v4", async () => {
  await using h = await startHarness();
  const v2 = await h.call(ApiKey.FindCoordinator, 2, { key: "g", keyType: 1 });
  assertEquals([v2.errorCode, v2.nodeId, v2.host, v2.port], [0, 1, "127.0.0.1", 9092]);
  const v0 = await h.call(ApiKey.FindCoordinator, 0, { key: "g" });
  assertEquals(v0.nodeId, 1);
  const v4 = await h.call(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ["a", "b"] });
  assertEquals(v4.coordinators.map((c) => [c.key, c.nodeId, c.errorCode]), [["a", 1, 0], [
    "b",
    1,
    0,
  ]]);
  const bad = await h.call(ApiKey.FindCoordinator, 2, { key: "g", keyType: 5 });
  assertEquals(bad.errorCode, ErrorCode.INVALID_REQUEST);
});

Deno.test("describe: unknown groups are Dead; non-stable groups hide assignments", async () => {
  await using h = await startHarness();
  const first = await h.call(ApiKey.JoinGroup, 5, {
    groupId: "g",
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    memberId: "",
    protocolType: "consumer",
    protocols: protocols("range"),
  });
  await h.call(ApiKey.JoinGroup, 5, {
    groupId: "g",
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    memberId: first.memberId,
    protocolType: "consumer",
    protocols: protocols("range"),
  });
  const d = await h.call(ApiKey.DescribeGroups, 0, { groups: ["g", "zzz"] });
  assertEquals(d.groups.map((g) => [g.groupId, g.groupState, g.members.length]), [
    ["g", "CompletingRebalance", 1],
    ["zzz", "Dead", 0],
  ]);
  assertEquals(d.groups[0].members[0].memberMetadata, new Uint8Array());
});
