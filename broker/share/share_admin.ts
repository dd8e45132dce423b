/**
 * The share-group offset admin APIs: DescribeShareGroupOffsets (90) reports each share-partition's
 * start offset (SPSO) and lag; AlterShareGroupOffsets (91) resets SPSOs and
 * DeleteShareGroupOffsets (92) forgets a topic's state, both only while the group has no members
 * (as Kafka requires), AlterShareGroupOffsets creating the group if it does not exist.
 *
 * @module
 */
import {
  type AlterShareGroupOffsetsRequest,
  type AlterShareGroupOffsetsResponseInput,
  type DeleteShareGroupOffsetsRequest,
  type DeleteShareGroupOffsetsResponseInput,
  type DescribeShareGroupOffsetsRequest,
  type DescribeShareGroupOffsetsResponseGroupInput,
  type DescribeShareGroupOffsetsResponseInput,
  ErrorCode,
  ZERO_UUID_STRING,
} from "../protocol/mod.ts";
import type { ShareContext } from "./context.ts";

/** Handles DescribeShareGroupOffsets. */
export function describeShareGroupOffsets(
  share: ShareContext,
  req: DescribeShareGroupOffsetsRequest,
): DescribeShareGroupOffsetsResponseInput {
  return { throttleTimeMs: 0, groups: req.groups.map((g) => describeGroup(share, g)) };
}

function describeGroup(
  share: ShareContext,
  g: DescribeShareGroupOffsetsRequest["groups"][number],
): DescribeShareGroupOffsetsResponseGroupInput {
  if (!share.groups.has(g.groupId)) {
    return {
      groupId: g.groupId,
      topics: [],
      errorCode: ErrorCode.GROUP_ID_NOT_FOUND,
      errorMessage: `Group ${g.groupId} not found.`,
    };
  }
  const topics = share.topics();
  const byId = new Map(topics.map((t) => [t.id, t]));
  const wanted = g.topics ?? groupTopics(share, g.groupId).flatMap(([id, partitions]) => {
    const t = byId.get(id);
    return t ? [{ topicName: t.name, partitions }] : [];
  });
  return {
    groupId: g.groupId,
    errorCode: 0,
    topics: wanted.map((wt) => {
      const topic = topics.find((t) => t.name === wt.topicName);
      return {
        topicName: wt.topicName,
        topicId: topic?.id ?? ZERO_UUID_STRING,
        partitions: wt.partitions.map((partitionIndex) => {
          const log = topic && share.store.partition(topic.name, partitionIndex);
          if (!topic || !log) {
            return {
              partitionIndex,
              startOffset: -1n,
              leaderEpoch: -1,
              lag: -1n,
              errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            };
          }
          const sp = share.states.find({
            group: g.groupId,
            topicId: topic.id,
            partition: partitionIndex,
          });
          if (!sp) {
            return { partitionIndex, startOffset: -1n, leaderEpoch: 0, lag: -1n, errorCode: 0 };
          }
          const lag = Math.max(0, log.highWatermark - sp.startOffset - sp.doneInFlight);
          return {
            partitionIndex,
            startOffset: BigInt(sp.startOffset),
            leaderEpoch: 0,
            lag: BigInt(lag),
            errorCode: 0,
          };
        }),
      };
    }),
  };
}

/** The partitions with state in `group`, grouped by topic id. */
function groupTopics(share: ShareContext, group: string): [string, number[]][] {
  const out = new Map<string, number[]>();
  for (const k of share.states.partitionsOf(group)) {
    const list = out.get(k.topicId) ?? [];
    list.push(k.partition);
    out.set(k.topicId, list);
  }
  return [...out];
}

/** The refusal of an offset change in a group with members (Kafka: NON_EMPTY_GROUP), or null. */
function refusal(share: ShareContext, groupId: string) {
  const g = share.groups.get(groupId);
  if (!g || g.members.size === 0) return null;
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NON_EMPTY_GROUP,
    errorMessage:
      `Share group ${groupId} has members; offsets can be changed only in an empty group.`,
    responses: [],
  };
}

/** Handles AlterShareGroupOffsets. */
export async function alterShareGroupOffsets(
  share: ShareContext,
  req: AlterShareGroupOffsetsRequest,
): Promise<AlterShareGroupOffsetsResponseInput> {
  const refused = refusal(share, req.groupId);
  if (refused) return refused;
  if (req.groupId === "") {
    return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_GROUP_ID, responses: [] };
  }
  await share.ensureGroup(req.groupId);
  const topics = share.topics();
  const responses = [];
  for (const t of req.topics) {
    const topic = topics.find((x) => x.name === t.topicName);
    const partitions = [];
    for (const p of t.partitions) {
      const log = topic && share.store.partition(topic.name, p.partitionIndex);
      let errorCode: number = ErrorCode.NONE;
      let errorMessage: string | null = null;
      if (!topic || !log) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      else if (p.startOffset < 0n) {
        errorCode = ErrorCode.INVALID_REQUEST;
        errorMessage = `start offset ${p.startOffset} is negative`;
      } else {
        const offset = Math.max(Number(p.startOffset), log.logStartOffset);
        await share.states.reset({
          group: req.groupId,
          topicId: topic.id,
          partition: p.partitionIndex,
        }, offset);
      }
      partitions.push({ partitionIndex: p.partitionIndex, errorCode, errorMessage });
    }
    responses.push({ topicName: t.topicName, topicId: topic?.id ?? ZERO_UUID_STRING, partitions });
  }
  return { throttleTimeMs: 0, errorCode: 0, responses };
}

/** Handles DeleteShareGroupOffsets. */
export async function deleteShareGroupOffsets(
  share: ShareContext,
  req: DeleteShareGroupOffsetsRequest,
): Promise<DeleteShareGroupOffsetsResponseInput> {
  if (!share.groups.has(req.groupId)) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_ID_NOT_FOUND, responses: [] };
  }
  const refused = refusal(share, req.groupId);
  if (refused) return refused;
  const topics = share.topics();
  const responses = [];
  for (const t of req.topics) {
    const topic = topics.find((x) => x.name === t.topicName);
    if (!topic) {
      responses.push({
        topicName: t.topicName,
        topicId: ZERO_UUID_STRING,
        errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      });
      continue;
    }
    await share.states.delete(
      share.states.partitionsOf(req.groupId).filter((k) => k.topicId === topic.id),
    );
    responses.push({ topicName: t.topicName, topicId: topic.id, errorCode: 0 });
  }
  return { throttleTimeMs: 0, errorCode: 0, responses };
}
