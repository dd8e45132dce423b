import { ErrorCode } from "../protocol/mod.ts";
import { assert, assertEquals } from "@std/assert";
import { ApiKey } from "../protocol/mod.ts";
import { type Harness, protocols, startHarness } from "./harness_test_util.ts";

const SESSION = 10_000;
const REBALANCE = 30_000;

function joinBody(memberId: string, names = ["range"], groupInstanceId: string | null = null) {
  return {
    groupId: "g",
    sessionTimeoutMs: SESSION,
    rebalanceTimeoutMs: REBALANCE,
    memberId,
    groupInstanceId,
    protocolType: "consumer",
    protocols: protocols(...names),
  };
}

/** KIP-394 two-step join; returns the pending second JoinGroup and the member id. */
async function join(h: Harness, names = ["range"], version = 5) {
  const first = await h.call(ApiKey.JoinGroup, version, joinBody("", names));
  assertEquals(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  assert(first.memberId.startsWith("client-"));
  return {
    memberId: first.memberId,
    joined: h.call(ApiKey.JoinGroup, version, joinBody(first.memberId, names)),
  };
}

function sync(
  h: Harness,
  memberId: string,
  generationId: number,
  assignments: [string, number][] = [],
) {
  return h.call(ApiKey.SyncGroup, 5, {
    groupId: "g",
    generationId,
    memberId,
    protocolType: "consumer",
    protocolName: "range",
    assignments: assignments.map(([m, b]) => ({ memberId: m, assignment: Uint8Array.of(b) })),
  });
}

function heartbeat(h: Harness, memberId: string, generationId: number) {
  return h.call(ApiKey.Heartbeat, 4, { groupId: "g", memberId, generationId })
    .then((r) => r.errorCode);
}

/** Forms a stable one-member group; returns the member id. */
async function stableLeader(h: Harness): Promise<string> {
  const a = await join(h);
  const joined = await a.joined;
  assertEquals(joined.generationId, 1);
  await sync(h, a.memberId, 1, [[a.memberId, 1]]);
  return a.memberId;
}

Deno.test("join/sync: a single member becomes leader of generation 1 and gets its assignment", async () => {
  await using h = await startHarness();
  const a = await join(h);
  const joined = await a.joined;
  assertEquals(joined.errorCode, 0);
  assertEquals([joined.generationId, joined.leader, joined.protocolName], [1, a.memberId, "range"]);
  assertEquals(joined.members.map((m) => m.memberId), [a.memberId]);
  assertEquals(joined.members[0].metadata, protocols("range")[0].metadata);
  const synced = await sync(h, a.memberId, 1, [[a.memberId, 7]]);
  assertEquals([synced.errorCode, synced.assignment], [0, Uint8Array.of(7)]);
  assertEquals(await heartbeat(h, a.memberId, 1), 0);
  const described = await h.call(ApiKey.DescribeGroups, 5, { groups: ["g"] });
  assertEquals(described.groups[0].groupState, "Stable");
  assertEquals(described.groups[0].protocolData, "range");
  assertEquals(described.groups[0].members[0].memberAssignment, Uint8Array.of(7));
  assertEquals(described.groups[0].members[0].clientHost, "/127.0.0.1");
});

Deno.test("join v3 needs no member id round trip; v0 uses the session timeout as rebalance timeout", async () => {
  await using h = await startHarness();
  const r = await h.call(ApiKey.JoinGroup, 3, joinBody(""));
  assertEquals([r.errorCode, r.generationId, r.leader], [0, 1, r.memberId]);
  const r0 = await h.call(ApiKey.JoinGroup, 0, { ...joinBody(""), groupId: "g0" });
  assertEquals([r0.errorCode, r0.generationId], [0, 1]);
});

Deno.test("two members: a join and a leave each trigger a rebalance", async () => {
  await using h = await startHarness();
  const a = await stableLeader(h);
  const b = await join(h);
  let bDone = false;
  b.joined.then(() => bDone = true);
  await Promise.resolve();
  assertEquals(bDone, false);
  assertEquals(await heartbeat(h, a, 1), ErrorCode.REBALANCE_IN_PROGRESS);
  const [ja, jb] = await Promise.all([h.call(ApiKey.JoinGroup, 5, joinBody(a)), b.joined]);
  assertEquals([ja.generationId, jb.generationId, ja.leader, jb.leader], [2, 2, a, a]);
  assertEquals(ja.members.map((m) => m.memberId).sort(), [a, b.memberId].sort());
  assertEquals(jb.members, []);
  const followerSync = sync(h, b.memberId, 2);
  const leaderSync = await sync(h, a, 2, [[a, 1], [b.memberId, 2]]);
  assertEquals(leaderSync.assignment, Uint8Array.of(1));
  assertEquals((await followerSync).assignment, Uint8Array.of(2));
  const left = await h.call(ApiKey.LeaveGroup, 5, {
    groupId: "g",
    members: [{ memberId: b.memberId, groupInstanceId: null }],
  });
  assertEquals([left.errorCode, left.members[0].errorCode], [0, 0]);
  assertEquals(await heartbeat(h, a, 2), ErrorCode.REBALANCE_IN_PROGRESS);
  const again = await h.call(ApiKey.JoinGroup, 5, joinBody(a));
  assertEquals([again.generationId, again.members.length], [3, 1]);
});

Deno.test("session expiry removes a silent member and rebalances the rest", async () => {
  await using h = await startHarness();
  const a = await stableLeader(h);
  const b = await join(h);
  const [, jb] = await Promise.all([h.call(ApiKey.JoinGroup, 5, joinBody(a)), b.joined]);
  const followerSync = sync(h, b.memberId, 2);
  await sync(h, a, 2, [[a, 1], [b.memberId, 2]]);
  await followerSync;
  for (let t = 0; t < 3; t++) {
    h.scheduler.advance(3000);
    assertEquals(await heartbeat(h, a, jb.generationId), 0);
  }
  h.scheduler.advance(1500);
  assertEquals(await heartbeat(h, a, 2), ErrorCode.REBALANCE_IN_PROGRESS);
  assertEquals(await heartbeat(h, b.memberId, 2), ErrorCode.UNKNOWN_MEMBER_ID);
  const ja = await h.call(ApiKey.JoinGroup, 5, joinBody(a));
  assertEquals([ja.generationId, ja.members.map((m) => m.memberId)], [3, [a]]);
});

Deno.test("the rebalance timeout evicts members that do not rejoin", async () => {
  await using h = await startHarness();
  const a = await stableLeader(h);
  const c = await join(h);
  // a keeps heartbeating but never rejoins: evicted after the rebalance timeout.
  for (let t = 0; t < 9; t++) {
    h.scheduler.advance(3000);
    assertEquals(await heartbeat(h, a, 1), ErrorCode.REBALANCE_IN_PROGRESS);
  }
  h.scheduler.advance(REBALANCE - 27_000);
  const jc = await c.joined;
  assertEquals([jc.errorCode, jc.generationId, jc.leader], [0, 2, c.memberId]);
  assertEquals(await heartbeat(h, a, 1), ErrorCode.UNKNOWN_MEMBER_ID);
});

Deno.test("heartbeat errors: unknown group/member, illegal generation, fenced static member", async () => {
  await using h = await startHarness();
  assertEquals(await heartbeat(h, "nobody", 0), ErrorCode.UNKNOWN_MEMBER_ID);
  const a = await stableLeader(h);
  assertEquals(await heartbeat(h, "nobody", 1), ErrorCode.UNKNOWN_MEMBER_ID);
  assertEquals(await heartbeat(h, a, 7), ErrorCode.ILLEGAL_GENERATION);
  const sync7 = await sync(h, a, 7);
  assertEquals(sync7.errorCode, ErrorCode.ILLEGAL_GENERATION);
  const unknownJoin = await h.call(ApiKey.JoinGroup, 5, { ...joinBody("x"), groupId: "other" });
  assertEquals(unknownJoin.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  const badSession = await h.call(ApiKey.JoinGroup, 5, { ...joinBody(""), sessionTimeoutMs: 10 });
  assertEquals(badSession.errorCode, ErrorCode.INVALID_SESSION_TIMEOUT);

  const s1 = await h.call(ApiKey.JoinGroup, 5, { ...joinBody("", ["range"], "i1"), groupId: "s" });
  assertEquals([s1.errorCode, s1.generationId], [0, 1]);
  const s2 = await h.call(ApiKey.JoinGroup, 5, { ...joinBody("", ["range"], "i1"), groupId: "s" });
  assertEquals([s2.errorCode, s2.generationId], [0, 2]);
  const old = await h.call(ApiKey.Heartbeat, 3, {
    groupId: "s",
    memberId: s1.memberId,
    generationId: 2,
    groupInstanceId: "i1",
  });
  assertEquals(old.errorCode, ErrorCode.FENCED_INSTANCE_ID);
});

Deno.test("protocol selection: the one every member supports, by votes; incompatible joins fail", async () => {
  await using h = await startHarness();
  const a = await join(h, ["cooperative-sticky", "range"]);
  assertEquals((await a.joined).protocolName, "cooperative-sticky");
  const b = await join(h, ["range", "roundrobin"]);
  const [ja] = await Promise.all([
    h.call(ApiKey.JoinGroup, 5, joinBody(a.memberId, ["cooperative-sticky", "range"])),
    b.joined,
  ]);
  assertEquals(ja.protocolName, "range");
  const bad = await h.call(ApiKey.JoinGroup, 5, joinBody("", ["sticky"]));
  assertEquals(bad.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  const badType = await h.call(ApiKey.JoinGroup, 5, { ...joinBody(""), protocolType: "connect" });
  assertEquals(badType.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
});

Deno.test("a parked JoinGroup ends when its connection closes; the member is then evicted", async () => {
  await using h = await startHarness();
  const a = await stableLeader(h);
  const first = await h.call(ApiKey.JoinGroup, 5, joinBody(""));
  const conn = new AbortController();
  const parked = h.call(ApiKey.JoinGroup, 5, joinBody(first.memberId), { signal: conn.signal });
  conn.abort();
  assertEquals((await parked).errorCode, ErrorCode.NOT_COORDINATOR);
  const ja = h.call(ApiKey.JoinGroup, 5, joinBody(a));
  h.scheduler.advance(REBALANCE);
  const r = await ja;
  assertEquals([r.generationId, r.members.map((m) => m.memberId)], [2, [a]]);
});

Deno.test("the initial rebalance delay collects members of a new group", async () => {
  await using h = await startHarness({ initialRebalanceDelayMs: 3000 });
  let done = false;
  const a = h.call(ApiKey.JoinGroup, 3, joinBody("")).finally(() => done = true);
  h.scheduler.advance(2000);
  const b = h.call(ApiKey.JoinGroup, 3, joinBody(""));
  h.scheduler.advance(1000);
  await Promise.resolve();
  assertEquals(done, false); // b joined during the delay: it is extended once
  h.scheduler.advance(3000);
  const [ra, rb] = await Promise.all([a, b]);
  assertEquals([ra.generationId, rb.generationId, ra.members.length], [1, 1, 2]);
});

Deno.test("a heartbeating leader that never syncs is removed after the rebalance timeout", async () => {
  await using h = await startHarness();
  const a = await stableLeader(h);
  const b = await join(h);
  const [ja, jb] = await Promise.all([h.call(ApiKey.JoinGroup, 5, joinBody(a)), b.joined]);
  assertEquals(ja.leader, a);
  const followerSync = sync(h, b.memberId, jb.generationId);
  for (let t = 0; t < 9; t++) {
    h.scheduler.advance(3000);
    assertEquals(await heartbeat(h, a, 2), 0); // alive, but never sends SyncGroup
  }
  h.scheduler.advance(REBALANCE - 27_000);
  assertEquals((await followerSync).errorCode, ErrorCode.REBALANCE_IN_PROGRESS);
  const rejoin = await h.call(ApiKey.JoinGroup, 5, joinBody(b.memberId));
  assertEquals([rejoin.generationId, rejoin.leader], [3, b.memberId]);
});

Deno.test("leave: v1 answers at top level; v3+ leaves static members by instance id", async () => {
  await using h = await startHarness();
  const v1 = await h.call(ApiKey.LeaveGroup, 1, { groupId: "g", memberId: "nobody" });
  assertEquals(v1.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  const s = await h.call(ApiKey.JoinGroup, 5, joinBody("", ["range"], "instance-1"));
  assertEquals(s.errorCode, 0);
  const left = await h.call(ApiKey.LeaveGroup, 3, {
    groupId: "g",
    members: [{ memberId: "", groupInstanceId: "instance-1" }, {
      memberId: "x",
      groupInstanceId: null,
    }],
  });
  assertEquals(left.members.map((m) => m.errorCode), [0, ErrorCode.UNKNOWN_MEMBER_ID]);
  const described = await h.call(ApiKey.DescribeGroups, 5, { groups: ["g"] });
  assertEquals([described.groups[0].groupState, described.groups[0].members], ["Empty", []]);
});

Deno.test("close answers parked requests with NOT_COORDINATOR and refuses new joins", async () => {
  await using h = await startHarness();
  const a = await stableLeader(h);
  const b = await join(h);
  await h.coordinator.close();
  assertEquals((await b.joined).errorCode, ErrorCode.NOT_COORDINATOR);
  const late = await h.call(ApiKey.JoinGroup, 5, joinBody(a));
  assertEquals(late.errorCode, ErrorCode.NOT_COORDINATOR);
  assertEquals(h.scheduler.pending, 0);
});
