/**
 * OffsetCommit checks for KIP-848 consumer groups: the commit's generation field carries the
 * member epoch, which must be the member's current one (Kafka: older is STALE_MEMBER_EPOCH, newer
 * FENCED_MEMBER_EPOCH); with no members, simple commits (epoch -1) are accepted.
 *
 * @module
 */
import type { OffsetCommitRequest } from "../protocol/mod.ts";
import type { ConsumerGroups } from "./consumer_groups.ts";
import { ErrorCode } from "../protocol/mod.ts";

/** The error for a commit to a consumer group, or null if `groupId` is not a consumer group. */
export function validateConsumerCommit(
  groups: ConsumerGroups,
  req: OffsetCommitRequest,
): number | null {
  const group = groups.groups.get(req.groupId);
  if (!group) return null;
  const epoch = req.generationIdOrMemberEpoch;
  if (epoch < 0 && group.members.size === 0) return ErrorCode.NONE;
  const member = group.members.get(req.memberId);
  if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
  if (epoch > member.memberEpoch) return ErrorCode.FENCED_MEMBER_EPOCH;
  if (epoch < member.memberEpoch) return ErrorCode.STALE_MEMBER_EPOCH;
  groups.touch(group, member); // a commit counts as a heartbeat
  return ErrorCode.NONE;
}
