/**
 * KIP-848 consumer groups through the coordinator's handlers (codec round trips, manual clock):
 * joining, revocation before reassignment, fencing, commits by member epoch, session expiry,
 * describe/list, and membership that survives a coordinator restart.
 */
import { assert, assertEquals } from "@std/assert";
import { ApiKey, type ConsumerGroupHeartbeatRequestInput } from "../protocol/mod.ts";
import type { AssignableTopic } from "./assignors.ts";
import { type Harness, startHarness } from "./harness_test_util.ts";

const T = "AAAAAAAAAAAAAAAAAAAAAQ"; // topic id of "t"
const topicList: AssignableTopic[] = [
  { id: T, name: "t", partitions: 4 },
  { id: "AAAAAAAAAAAAAAAAAAAAAg", name: "other", partitions: 1 },
];

function start() {
  return startHarness({ topics: () => topicList });
}

type Owned = { topicId: string; partitions: number[] }[] | null;

function beat(
  h: Harness,
  memberId: string,
  memberEpoch: number,
  more: Partial<ConsumerGroupHeartbeatRequestInput> & { topicPartitions?: Owned } = {},
) {
  return h.call(ApiKey.ConsumerGroupHeartbeat, 1, {
    groupId: "g",
    memberId,
    memberEpoch,
    rebalanceTimeoutMs: memberEpoch === 0 ? 30000 : -1,
    subscribedTopicNames: memberEpoch === 0 ? ["t"] : null,
    topicPartitions: memberEpoch === 0 ? [] : null,
    ...more,
  });
}

const parts = (a: { topicPartitions: { partitions: number[] }[] } | null) =>
  a?.topicPartitions.flatMap((t) => t.partitions) ?? null;

Deno.test("848: a second member gets partitions only after the first revoked them", async () => {
  await using h = await start();
  const a1 = await beat(h, "a", 0);
  assertEquals([a1.errorCode, a1.memberId, a1.memberEpoch], [0, "a", 1]);
  assertEquals(parts(a1.assignment), [0, 1, 2, 3]);
  assertEquals(a1.heartbeatIntervalMs, 5000);
  const b1 = await beat(h, "b", 0, { serverAssignor: "range" });
  assertEquals([b1.errorCode, b1.memberEpoch, parts(b1.assignment)], [0, 2, []]);
  // a must give up two partitions first; it keeps epoch 1 meanwhile.
  const a2 = await beat(h, "a", 1);
  assertEquals([a2.memberEpoch, parts(a2.assignment)], [1, [0, 1]]);
  const b2 = await beat(h, "b", 2);
  assertEquals([b2.errorCode, b2.assignment], [0, null], "nothing released yet");
  const a3 = await beat(h, "a", 1, { topicPartitions: [{ topicId: T, partitions: [0, 1] }] });
  assertEquals([a3.memberEpoch, parts(a3.assignment)], [2, [0, 1]]);
  const b3 = await beat(h, "b", 2);
  assertEquals(parts(b3.assignment), [2, 3]);
  const described = await h.call(ApiKey.ConsumerGroupDescribe, 0, {
    groupIds: ["g", "nope"],
    includeAuthorizedOperations: false,
  });
  const [g, missing] = described.groups;
  assertEquals([g.groupState, g.groupEpoch, g.assignmentEpoch, g.assignorName], [
    "Stable",
    2,
    2,
    "range",
  ]);
  assertEquals(g.members.map((m) => [m.memberId, m.assignment.topicPartitions[0].topicName]), [
    ["a", "t"],
    ["b", "t"],
  ]);
  assertEquals(missing.errorCode, 69);
  const listed = await h.call(ApiKey.ListGroups, 5, {
    statesFilter: [],
    typesFilter: ["consumer"],
  });
  assertEquals(listed.groups.map((x) => [x.groupId, x.groupType, x.groupState]), [
    ["g", "consumer", "Stable"],
  ]);
});

Deno.test("848: fencing, commits by member epoch, leave and session expiry", async () => {
  await using h = await start();
  await beat(h, "a", 0);
  assertEquals((await beat(h, "a", 7)).errorCode, 110, "FENCED_MEMBER_EPOCH");
  assertEquals((await beat(h, "zz", 1)).errorCode, 25, "UNKNOWN_MEMBER_ID");
  assertEquals((await beat(h, "a", 0, { serverAssignor: "nope" })).errorCode, 112);
  assertEquals((await beat(h, "a", 0, { subscribedTopicRegex: "(" })).errorCode, 128);
  const a = await beat(h, "a", 0); // rejoin
  const commit = (memberId: string, epoch: number) =>
    h.call(ApiKey.OffsetCommit, 9, {
      groupId: "g",
      generationIdOrMemberEpoch: epoch,
      memberId,
      groupInstanceId: null,
      topics: [{
        name: "t",
        partitions: [{ partitionIndex: 0, committedOffset: 5n, committedMetadata: null }],
      }],
    }).then((r) => r.topics[0].partitions[0].errorCode);
  assertEquals(await commit("a", a.memberEpoch), 0);
  assertEquals(await commit("a", a.memberEpoch - 1), 113, "STALE_MEMBER_EPOCH");
  assertEquals(await commit("a", a.memberEpoch + 1), 110);
  assertEquals(await commit("x", a.memberEpoch), 25);
  await beat(h, "b", 0);
  h.scheduler.advance(44_000);
  await beat(h, "a", a.memberEpoch); // a stays alive, b goes silent
  h.scheduler.advance(2_000);
  const after = await beat(h, "a", a.memberEpoch, { topicPartitions: [] });
  assertEquals(parts(after.assignment), [0, 1, 2, 3], "b expired: all back to a");
  const left = await beat(h, "a", -1);
  assertEquals([left.errorCode, left.memberEpoch], [0, -1]);
  const desc = await h.call(ApiKey.ConsumerGroupDescribe, 0, {
    groupIds: ["g"],
    includeAuthorizedOperations: false,
  });
  assertEquals([desc.groups[0].groupState, desc.groups[0].members.length], ["Empty", 0]);
  assertEquals(await commit("", -1), 0, "simple commit to an empty group");
  const deleted = await h.call(ApiKey.DeleteGroups, 2, { groupsNames: ["g"] });
  assertEquals(deleted.results[0].errorCode, 0);
});

Deno.test("848: members keep epochs and assignments across a coordinator restart", async () => {
  await using h = await start();
  const a = await beat(h, "a", 0, { subscribedTopicNames: null, subscribedTopicRegex: "t|oth.*" });
  assertEquals(parts(a.assignment), [0, 0, 1, 2, 3]);
  await h.reopen();
  const again = await beat(h, "a", a.memberEpoch);
  assertEquals([again.errorCode, again.memberEpoch], [0, a.memberEpoch]);
  const desc = await h.call(ApiKey.ConsumerGroupDescribe, 0, {
    groupIds: ["g"],
    includeAuthorizedOperations: false,
  });
  assertEquals(desc.groups[0].members[0].subscribedTopicRegex, "t|oth.*");
  // A classic JoinGroup to a consumer group with members is refused.
  const join = await h.call(ApiKey.JoinGroup, 5, {
    groupId: "g",
    sessionTimeoutMs: 10000,
    rebalanceTimeoutMs: 10000,
    memberId: "",
    groupInstanceId: null,
    protocolType: "consumer",
    protocols: [{ name: "range", metadata: new Uint8Array() }],
  });
  assertEquals(join.errorCode, 23);
  assert(h.scheduler.pending > 0);
});
