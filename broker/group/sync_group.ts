/**
 * SyncGroup: the leader's assignments complete every member's parked SyncGroup and make the group
 * Stable; followers wait for the leader.
 *
 * @module
 */
import { ErrorCode } from "../protocol/mod.ts";
import type { SyncGroupRequest, SyncGroupResponseInput } from "../protocol/mod.ts";
import type { RequestContext } from "../api/mod.ts";
import { EMPTY_BYTES } from "./group.ts";
import type { Membership } from "./membership.ts";

/** Handles SyncGroup; followers wait for the leader's assignments. */
export function syncGroup(
  m: Membership,
  req: SyncGroupRequest,
  ctx: RequestContext,
): SyncGroupResponseInput | Promise<SyncGroupResponseInput> {
  const group = m.groups.get(req.groupId);
  const fail = (errorCode: number) => ({ errorCode, assignment: EMPTY_BYTES });
  if (m.closed) return fail(ErrorCode.NOT_COORDINATOR);
  if (!group) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
  if (group.state === "Dead") return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  if (group.isFenced(req.memberId, req.groupInstanceId)) return fail(ErrorCode.FENCED_INSTANCE_ID);
  const member = group.members.get(req.memberId);
  if (!member) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
  if (req.generationId !== group.generationId) return fail(ErrorCode.ILLEGAL_GENERATION);
  if (
    (req.protocolType !== null && req.protocolType !== group.protocolType) ||
    (req.protocolName !== null && req.protocolName !== group.protocolName)
  ) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  m.touch(group, member);
  const ok = (assignment: Uint8Array) => ({
    errorCode: ErrorCode.NONE,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    assignment,
  });
  if (group.state === "Stable") return ok(member.assignment);
  if (group.state !== "CompletingRebalance") return fail(ErrorCode.REBALANCE_IN_PROGRESS);
  const parked = new Promise<SyncGroupResponseInput>((resolve) => {
    const onAbort = () => {
      if (member.awaitingSync !== complete) return;
      member.awaitingSync = null;
      resolve(fail(ErrorCode.NOT_COORDINATOR));
    };
    const complete = (errorCode: number, assignment: Uint8Array) => {
      ctx.signal.removeEventListener("abort", onAbort);
      // Answering a parked request restarts the session, as in Kafka.
      if (group.members.get(member.memberId) === member) m.touch(group, member);
      resolve(errorCode === 0 ? ok(assignment) : fail(errorCode));
    };
    member.awaitingSync?.(ErrorCode.REBALANCE_IN_PROGRESS, EMPTY_BYTES);
    member.awaitingSync = complete;
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener("abort", onAbort, { once: true });
  });
  if (group.leaderId === member.memberId) {
    const byMember = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
    group.cancelTimer?.();
    group.cancelTimer = null;
    group.state = "Stable";
    for (const x of group.members.values()) {
      x.assignment = byMember.get(x.memberId)?.slice() ?? EMPTY_BYTES;
      const complete = x.awaitingSync;
      x.awaitingSync = null;
      complete?.(ErrorCode.NONE, x.assignment);
    }
    m.stabilized(group);
  }
  return parked;
}
