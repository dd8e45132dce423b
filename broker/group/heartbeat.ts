/**
 * Heartbeat: keeps a member's session alive; REBALANCE_IN_PROGRESS tells it to rejoin.
 *
 * @module
 */
import type { HeartbeatRequest, HeartbeatResponseInput } from "../protocol/mod.ts";
import { ErrorCode } from "./error_codes.ts";
import type { Membership } from "./membership.ts";

/** Handles Heartbeat: keeps the session alive and signals rebalances. */
export function heartbeat(m: Membership, req: HeartbeatRequest): HeartbeatResponseInput {
  const group = m.groups.get(req.groupId);
  if (!group) return { errorCode: ErrorCode.unknownMemberId };
  if (group.state === "Dead") return { errorCode: ErrorCode.coordinatorNotAvailable };
  if (group.isFenced(req.memberId, req.groupInstanceId)) {
    return { errorCode: ErrorCode.fencedInstanceId };
  }
  const member = group.members.get(req.memberId);
  if (!member) return { errorCode: ErrorCode.unknownMemberId };
  if (req.generationId !== group.generationId) return { errorCode: ErrorCode.illegalGeneration };
  m.touch(group, member);
  return {
    errorCode: group.state === "PreparingRebalance"
      ? ErrorCode.rebalanceInProgress
      : ErrorCode.none,
  };
}
