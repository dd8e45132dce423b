/**
 * SyncGroup: the leader's assignments complete every member's parked SyncGroup and make the group
 * Stable; followers wait for the leader.
 *
 * @module
 */
import type { SyncGroupRequest, SyncGroupResponseInput } from "../protocol/mod.ts";
import type { RequestContext } from "../api/mod.ts";
import { ErrorCode } from "./error_codes.ts";
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
  if (m.closed) return fail(ErrorCode.notCoordinator);
  if (!group) return fail(ErrorCode.unknownMemberId);
  if (group.state === "Dead") return fail(ErrorCode.coordinatorNotAvailable);
  if (group.isFenced(req.memberId, req.groupInstanceId)) return fail(ErrorCode.fencedInstanceId);
  const member = group.members.get(req.memberId);
  if (!member) return fail(ErrorCode.unknownMemberId);
  if (req.generationId !== group.generationId) return fail(ErrorCode.illegalGeneration);
  if (
    (req.protocolType !== null && req.protocolType !== group.protocolType) ||
    (req.protocolName !== null && req.protocolName !== group.protocolName)
  ) return fail(ErrorCode.inconsistentGroupProtocol);
  m.touch(group, member);
  const ok = (assignment: Uint8Array) => ({
    errorCode: ErrorCode.none,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    assignment,
  });
  if (group.state === "Stable") return ok(member.assignment);
  if (group.state !== "CompletingRebalance") return fail(ErrorCode.rebalanceInProgress);
  const parked = new Promise<SyncGroupResponseInput>((resolve) => {
    const onAbort = () => {
      if (member.awaitingSync !== complete) return;
      member.awaitingSync = null;
      resolve(fail(ErrorCode.notCoordinator));
    };
    const complete = (errorCode: number, assignment: Uint8Array) => {
      ctx.signal.removeEventListener("abort", onAbort);
      // Answering a parked request restarts the session, as in Kafka.
      if (group.members.get(member.memberId) === member) m.touch(group, member);
      resolve(errorCode === 0 ? ok(assignment) : fail(errorCode));
    };
    member.awaitingSync?.(ErrorCode.rebalanceInProgress, EMPTY_BYTES);
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
      complete?.(ErrorCode.none, x.assignment);
    }
    m.stabilized(group);
  }
  return parked;
}
