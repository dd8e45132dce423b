import { assertEquals } from "@std/assert";
import { ApiKey, ErrorCode } from "../protocol/mod.ts";
import { startHarness } from "./harness_test_util.ts";
import { subscribedTopics } from "./offset_delete.ts";

/** A consumer-protocol subscription v0 as clients write it: version, topics, null user data. */
function subscription(...topics: string[]): Uint8Array {
  const enc = new TextEncoder();
  const parts = topics.map((t) => enc.encode(t));
  const out = new Uint8Array(2 + 4 + parts.reduce((n, p) => n + 2 + p.length, 0) + 4);
  const v = new DataView(out.buffer);
  let at = 2;
  v.setInt32(at, topics.length);
  at += 4;
  for (const p of parts) {
    v.setInt16(at, p.length);
    out.set(p, at + 2);
    at += 2 + p.length;
  }
  v.setInt32(at, -1);
  return out;
}

Deno.test("subscribedTopics reads a consumer subscription; garbage names nothing", () => {
  assertEquals(subscribedTopics(subscription("a", "bb")), ["a", "bb"]);
  assertEquals(subscribedTopics(Uint8Array.of(0, 0, 0, 0, 0, 9)), []);
});

Deno.test("OffsetDelete: empty groups lose offsets; subscribed topics of live groups are kept", async () => {
  await using h = await startHarness();
  const offsets = (groupId: string) =>
    h.call(ApiKey.OffsetFetch, 9, { groups: [{ groupId, topics: null }] })
      .then((r) =>
        r.groups[0].topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)])
      );
  const commit = (groupId: string) =>
    h.call(ApiKey.OffsetCommit, 9, {
      groupId,

      topics: ["sub", "other"].map((name) => ({
        name,
        partitions: [0, 1].map((partitionIndex) => ({
          partitionIndex,
          committedOffset: 5n,
          committedMetadata: "",
        })),
      })),
    });
  await commit("idle");
  const del = (groupId: string) =>
    h.call(ApiKey.OffsetDelete, 0, {
      groupId,
      topics: [{ name: "sub", partitions: [{ partitionIndex: 0 }] }, {
        name: "other",
        partitions: [{ partitionIndex: 1 }],
      }],
    });
  const idle = await del("idle");
  assertEquals(idle.errorCode, 0);
  assertEquals(idle.topics.map((t) => t.partitions.map((p) => p.errorCode)), [[0], [0]]);
  assertEquals(await offsets("idle"), [["other", [0]], ["sub", [1]]]);

  const joined = await h.call(ApiKey.JoinGroup, 3, {
    groupId: "live",
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    memberId: "",
    protocolType: "consumer",
    protocols: [{ name: "range", metadata: subscription("sub") }],
  });
  await h.call(ApiKey.SyncGroup, 3, {
    groupId: "live",
    generationId: joined.generationId,
    memberId: joined.memberId,
    assignments: [],
  });
  const live = await del("live");
  assertEquals(live.errorCode, 0);
  assertEquals(live.topics.map((t) => t.partitions.map((p) => p.errorCode)), [
    [ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC],
    [0],
  ]);
  assertEquals((await del("nope")).errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
});
