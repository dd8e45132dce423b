/**
 * OffsetCommit and OffsetFetch for classic groups: commit validation against the group's
 * membership (Kafka's rules: simple commits with generation -1 only while the group is Empty),
 * durable storage before the response, and fetches for v0-7 (one group) and v8+ (many groups).
 *
 * @module
 */
import { ErrorCode } from "../protocol/mod.ts";
import type {
  OffsetCommitRequest,
  OffsetCommitResponseInput,
  OffsetFetchRequest,
  OffsetFetchResponseInput,
} from "../protocol/mod.ts";
import type { RequestContext } from "../api/mod.ts";
import type { Membership } from "./membership.ts";
import type { OffsetStore } from "./offsets.ts";

/** `offset.metadata.max.bytes` in Kafka. */
export const MAX_OFFSET_METADATA_BYTES = 4096;

/** The error for a commit by (generation, member) to `groupId`, or 0; may create the group. */
function validateCommit(membership: Membership, req: OffsetCommitRequest): number {
  if (req.groupId === "") return ErrorCode.INVALID_GROUP_ID;
  const generation = req.generationIdOrMemberEpoch;
  let group = membership.groups.get(req.groupId);
  if (!group) {
    if (generation >= 0) return ErrorCode.ILLEGAL_GENERATION;
    group = membership.getOrCreate(req.groupId);
  }
  if (group.state === "Dead") return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  if (generation < 0 && group.state === "Empty") return ErrorCode.NONE;
  if (generation >= 0 || req.memberId !== "" || req.groupInstanceId !== null) {
    if (group.isFenced(req.memberId, req.groupInstanceId)) return ErrorCode.FENCED_INSTANCE_ID;
    const member = group.members.get(req.memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generation !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    membership.touch(group, member); // a commit counts as a heartbeat, as in Kafka
  } else return ErrorCode.UNKNOWN_MEMBER_ID;
  // Commits before rejoining (PreparingRebalance) are fine; during the sync phase they are not.
  if (group.state === "CompletingRebalance") return ErrorCode.REBALANCE_IN_PROGRESS;
  return ErrorCode.NONE;
}

/**
 * Handles OffsetCommit; resolves once the offsets are durable. `consumerCheck` validates commits
 * to KIP-848 consumer groups (null: not one, use the classic rules).
 */
export async function commitOffsets(
  membership: Membership,
  offsets: OffsetStore,
  req: OffsetCommitRequest,
  now: number,
  consumerCheck: (req: OffsetCommitRequest) => number | null = () => null,
): Promise<OffsetCommitResponseInput> {
  const groupError = consumerCheck(req) ?? validateCommit(membership, req);
  const toStore: Parameters<OffsetStore["commit"]>[1] = [];
  const encoder = new TextEncoder();
  const topics = req.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => {
      let errorCode: number = groupError;
      const metadata = p.committedMetadata ?? "";
      if (errorCode === 0 && encoder.encode(metadata).length > MAX_OFFSET_METADATA_BYTES) {
        errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE;
      }
      if (errorCode === 0) {
        toStore.push({
          topic: t.name,
          partition: p.partitionIndex,
          value: {
            offset: Number(p.committedOffset),
            leaderEpoch: p.committedLeaderEpoch,
            metadata,
            commitTimestamp: p.commitTimestamp >= 0n ? Number(p.commitTimestamp) : now,
          },
        });
      }
      return { partitionIndex: p.partitionIndex, errorCode };
    }),
  }));
  if (toStore.length > 0) await offsets.commit(req.groupId, toStore);
  return { topics };
}

interface FetchedTopic {
  name: string;
  partitions: {
    partitionIndex: number;
    committedOffset: bigint;
    committedLeaderEpoch: number;
    metadata: string;
    errorCode: number;
  }[];
}

/** Whether (group, topic, partition) has an offset pending in an open transaction. */
export type PendingOffsetCheck = (groupId: string, topic: string, partition: number) => boolean;

/**
 * Offsets of one group: the requested partitions (-1 when none), or all when `topics` is null.
 * With `requireStable`, partitions with a pending transactional offset answer
 * UNSTABLE_OFFSET_COMMIT (the client retries); otherwise they show the last committed offset.
 */
function fetchGroup(
  offsets: OffsetStore,
  groupId: string,
  topics: { name: string; partitionIndexes: number[] }[] | null,
  requireStable: boolean,
  pending: PendingOffsetCheck,
): FetchedTopic[] {
  const requested = topics ??
    [...offsets.all(groupId)].map(([name, parts]) => ({
      name,
      partitionIndexes: [...parts.keys()],
    }));
  return requested.map((t) => ({
    name: t.name,
    partitions: t.partitionIndexes.map((partitionIndex) => {
      if (requireStable && pending(groupId, t.name, partitionIndex)) {
        return {
          partitionIndex,
          committedOffset: -1n,
          committedLeaderEpoch: -1,
          metadata: "",
          errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT,
        };
      }
      const c = offsets.get(groupId, t.name, partitionIndex);
      return {
        partitionIndex,
        committedOffset: BigInt(c?.offset ?? -1),
        committedLeaderEpoch: c?.leaderEpoch ?? -1,
        metadata: c?.metadata ?? "",
        errorCode: ErrorCode.NONE,
      };
    }),
  }));
}

/** Handles OffsetFetch (v7+ `requireStable` consults `pending`). */
export function fetchOffsets(
  offsets: OffsetStore,
  req: OffsetFetchRequest,
  ctx: RequestContext,
  pending: PendingOffsetCheck = () => false,
): OffsetFetchResponseInput {
  const stable = ctx.header.apiVersion >= 7 && req.requireStable;
  if (ctx.header.apiVersion >= 8) {
    return {
      groups: req.groups.map((g) => ({
        groupId: g.groupId,
        topics: fetchGroup(offsets, g.groupId, g.topics, stable, pending),
        errorCode: ErrorCode.NONE,
      })),
    };
  }
  return {
    topics: fetchGroup(offsets, req.groupId, req.topics, stable, pending),
    errorCode: ErrorCode.NONE,
  };
}
