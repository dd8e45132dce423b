/**
 * Heartbeat: keeps a member's session alive; REBALANCE_IN_PROGRESS tells it to rejoin.
 *
 * @module
 */
import { ErrorCode } from "../protocol/mod.ts";
import type { HeartbeatRequest, HeartbeatResponseInput } from "../protocol/mod.ts";
import type { Membership } from "./membership.ts";

/** Handles Heartbeat: keeps the session alive and signals rebalances. */
export function heartbeat(m: Membership, req: HeartbeatRequest): HeartbeatResponseInput {
  const group = m.groups.get(req.groupId);
  if (!group) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
  if (group.state === "Dead") return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
  if (group.isFenced(req.memberId, req.groupInstanceId)) {
    return { errorCode: ErrorCode.FENCED_INSTANCE_ID };
  }
  const member = group.members.get(req.memberId);
  if (!member) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
  if (req.generationId !== group.generationId) return { errorCode: ErrorCode.ILLEGAL_GENERATION };
  m.touch(group, member);
  return {
    errorCode: group.state === "PreparingRebalance"
      ? ErrorCode.REBALANCE_IN_PROGRESS
      : ErrorCode.NONE,
  };
}
