import { assertEquals } from "@std/assert";
import { ApiKey, ErrorCode } from "../protocol/mod.ts";
import { handlersOf } from "../api/mod.ts";
import { buildRecordBatch } from "../records/mod.ts";
import { LogStore, MetadataStore } from "../storage/mod.ts";
import { wireTopicId } from "../handlers/mod.ts";
import { callHandler } from "../group/harness_test_util.ts";
import { createShareCoordinator } from "./coordinator.ts";
import { AckType } from "./share_partition.ts";

const GROUP = "queue";

/** A broker's share coordinator over a memory topic store and a temp metadata store. */
async function setup(dir: string, store: LogStore, clock: { now: number }) {
  const metadata = await MetadataStore.open(dir);
  const topics = () =>
    store.listTopics().map((t) => ({ id: wireTopicId(t), name: t.name, partitions: t.partitions }));
  const share = createShareCoordinator({
    metadata,
    store,
    topics,
    nodeId: 1,
    now: () => clock.now,
    sweepIntervalMs: 3_600_000, // expiry is driven by the manual clock and explicit fetches
  });
  const handlers = handlersOf(share.apis);
  const close = async () => {
    await share.close();
    await metadata.close();
  };
  return { share, handlers, close, topicId: topics()[0].id };
}

/** Offsets of every acquired record in a ShareFetch response, with their delivery counts. */
function acquired(
  res: {
    responses: {
      partitions: {
        partitionIndex: number;
        acquiredRecords: { firstOffset: bigint; lastOffset: bigint; deliveryCount: number }[];
      }[];
    }[];
  },
) {
  const out: [number, number, number][] = [];
  for (const t of res.responses) {
    for (const p of t.partitions) {
      for (const r of p.acquiredRecords) {
        for (let o = Number(r.firstOffset); o <= Number(r.lastOffset); o++) {
          out.push([p.partitionIndex, o, r.deliveryCount]);
        }
      }
    }
  }
  return out;
}

Deno.test("two share members split a topic; releases are redelivered; progress survives a restart", async () => {
  const dir = await Deno.makeTempDir();
  const store = await LogStore.open({ dir: "", memory: true });
  const clock = { now: 1_000 };
  await store.createTopic("q", { partitions: 2 });
  // Reference: 2 partitions x 3 batches x 4 records, offsets 0..11 in each.
  for (const p of [0, 1]) {
    for (let b = 0; b < 3; b++) {
      const records = Array.from(
        { length: 4 },
        (_, i) => ({ timestamp: 1, value: new TextEncoder().encode(`${p}-${b * 4 + i}`) }),
      );
      await store.partition("q", p)!.append(buildRecordBatch(records));
    }
  }
  let broker = await setup(dir, store, clock);
  let pa = -1;
  let pb = -1;
  try {
    await broker.share.configs.alter(
      GROUP,
      () => ({ "share.auto.offset.reset": "earliest" }),
      false,
    );
    const hb = (memberId: string, memberEpoch: number) =>
      callHandler(broker.handlers, ApiKey.ShareGroupHeartbeat, 1, {
        groupId: GROUP,
        memberId,
        memberEpoch,
        subscribedTopicNames: memberEpoch === 0 ? ["q"] : null,
      });
    await hb("a", 0);
    const b = await hb("b", 0);
    const a = await hb("a", 1); // a learns the new epoch and its smaller assignment
    assertEquals(a.memberEpoch, b.memberEpoch);
    const parts = (r: typeof a) => r.assignment!.topicPartitions.flatMap((t) => t.partitions);
    assertEquals([...parts(a), ...parts(b)].sort(), [0, 1]);

    const fetch = (
      memberId: string,
      epoch: number,
      partitions: number[],
      acks: [number, number, number, number[]][] = [],
    ) =>
      callHandler(broker.handlers, ApiKey.ShareFetch, 2, {
        groupId: GROUP,
        memberId,
        shareSessionEpoch: epoch,
        maxWaitMs: 0,
        minBytes: 1,
        maxRecords: 500,
        batchSize: 500,
        topics: [{
          topicId: broker.topicId,
          partitions: partitions.map((p) => ({
            partitionIndex: p,
            acknowledgementBatches: acks.filter((x) => x[0] === p).map((
              [, first, last, types],
            ) => ({
              firstOffset: BigInt(first),
              lastOffset: BigInt(last),
              acknowledgeTypes: types,
            })),
          })),
        }],
        forgottenTopicsData: [],
      });
    const gotA = acquired(await fetch("a", 0, parts(a)));
    const gotB = acquired(await fetch("b", 0, parts(b)));
    const all = [...gotA, ...gotB].map(([p, o]) => `${p}:${o}`).sort();
    const reference = [0, 1].flatMap((p) => Array.from({ length: 12 }, (_, o) => `${p}:${o}`))
      .sort();
    assertEquals(all, reference); // every record delivered once, to one member
    assertEquals(gotA.every(([, , dc]) => dc === 1), true);

    // a accepts all but offset 5, which it releases; it comes back with delivery count 2.
    pa = parts(a)[0];
    pb = parts(b)[0];
    const second = await fetch("a", 1, [pa], [[pa, 0, 11, [
      ...Array(5).fill(AckType.ACCEPT),
      AckType.RELEASE,
      ...Array(6).fill(AckType.ACCEPT),
    ]]]);
    assertEquals(second.responses[0].partitions[0].acknowledgeErrorCode, 0);
    assertEquals(acquired(second), [[pa, 5, 2]]);
    const ack = await callHandler(broker.handlers, ApiKey.ShareAcknowledge, 2, {
      groupId: GROUP,
      memberId: "a",
      shareSessionEpoch: 2,
      topics: [{
        topicId: broker.topicId,
        partitions: [{
          partitionIndex: pa,
          acknowledgementBatches: [{ firstOffset: 5n, lastOffset: 5n, acknowledgeTypes: [1] }],
        }],
      }],
    });
    assertEquals(ack.responses[0].partitions[0].errorCode, 0);
    // b's records stay locked to b until its lock expires; then a gets them (delivery count 2).
    clock.now += 30_000;
    const third = await fetch("a", 3, [pb]);
    assertEquals(
      acquired(third).map(([p, o, dc]) => [p, o, dc]),
      Array.from({ length: 12 }, (_, o) => [pb, o, 2]),
    );
    // b's late acknowledgement is refused: the records are a's now.
    const late = await fetch("b", 1, [pb], [[pb, 0, 0, [AckType.ACCEPT]]]);
    assertEquals(late.responses[0].partitions[0].acknowledgeErrorCode, 121);
    await fetch("a", 4, [pb], [[pb, 0, 3, [AckType.ACCEPT]]]);
  } finally {
    await broker.close();
  }

  // Restart: acknowledged progress is kept, locks are not.
  broker = await setup(dir, store, clock);
  try {
    const described = await callHandler(broker.handlers, ApiKey.DescribeShareGroupOffsets, 1, {
      groups: [{ groupId: GROUP, topics: null }],
    });
    const starts = described.groups[0].topics[0].partitions.map((
      p,
    ) => [p.partitionIndex, Number(p.startOffset), Number(p.lag)]);
    // a's partition fully accepted; of b's, 0-3 accepted and 4-11 were still locked.
    const expected = [[pa, 12, 0], [pb, 4, 8]];
    assertEquals(starts.sort((x, y) => x[0] - y[0]), expected.sort((x, y) => x[0] - y[0]));
  } finally {
    await broker.close();
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ShareGroupHeartbeat and ShareFetch errors are Kafka's, one clear message each", async () => {
  const dir = await Deno.makeTempDir();
  const store = await LogStore.open({ dir: "", memory: true });
  await store.createTopic("q", { partitions: 1 });
  const broker = await setup(dir, store, { now: 0 });
  try {
    const hb = (memberId: string, memberEpoch: number, topics: string[] | null = ["q"]) =>
      callHandler(broker.handlers, ApiKey.ShareGroupHeartbeat, 1, {
        groupId: GROUP,
        memberId,
        memberEpoch,
        subscribedTopicNames: topics,
      });
    assertEquals((await hb("", 0)).errorCode, ErrorCode.INVALID_REQUEST);
    assertEquals((await hb("a", 0, [])).errorCode, ErrorCode.INVALID_REQUEST);
    assertEquals((await hb("ghost", 3)).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    const joined = await hb("a", 0);
    assertEquals([joined.errorCode, joined.memberEpoch > 0], [0, true]);
    assertEquals((await hb("a", joined.memberEpoch + 1)).errorCode, ErrorCode.FENCED_MEMBER_EPOCH);
    // An unchanged assignment is not sent again.
    assertEquals((await hb("a", joined.memberEpoch, null)).assignment, null);
    const fetch = (epoch: number) =>
      callHandler(broker.handlers, ApiKey.ShareFetch, 2, {
        groupId: GROUP,
        memberId: "a",
        shareSessionEpoch: epoch,
        maxWaitMs: 0,
        minBytes: 1,
        maxRecords: 10,
        batchSize: 10,
        topics: [],
        forgottenTopicsData: [],
      });
    assertEquals((await fetch(5)).errorCode, ErrorCode.SHARE_SESSION_NOT_FOUND);
    assertEquals((await fetch(0)).errorCode, 0);
    assertEquals((await fetch(2)).errorCode, ErrorCode.INVALID_SHARE_SESSION_EPOCH);
    assertEquals((await hb("a", -1)).memberEpoch, -1);
    const described = await callHandler(broker.handlers, ApiKey.ShareGroupDescribe, 1, {
      groupIds: [GROUP, "nope"],
      includeAuthorizedOperations: false,
    });
    assertEquals(described.groups.map((g) => [g.groupState, g.errorCode]), [
      ["Empty", 0],
      ["Dead", ErrorCode.GROUP_ID_NOT_FOUND],
    ]);
  } finally {
    await broker.close();
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
