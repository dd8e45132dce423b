/**
 * LeaveGroup: v0-2 one member by id; v3+ a batch of members, static ones also by instance id.
 *
 * @module
 */
import { ErrorCode } from "../protocol/mod.ts";
import type { LeaveGroupRequest, LeaveGroupResponseInput } from "../protocol/mod.ts";
import type { RequestContext } from "../api/mod.ts";
import type { Group } from "./group.ts";
import type { Membership } from "./membership.ts";

/** Handles LeaveGroup (v0-2 one member; v3+ a batch, also by group instance id). */
export function leaveGroup(
  m: Membership,
  req: LeaveGroupRequest,
  ctx: RequestContext,
): LeaveGroupResponseInput {
  const batched = ctx.header.apiVersion >= 3;
  const leaving = batched ? req.members : [{ memberId: req.memberId, groupInstanceId: null }];
  const group = m.groups.get(req.groupId);
  if (group?.state === "Dead") return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
  const results = leaving.map((x) => ({
    memberId: x.memberId,
    groupInstanceId: x.groupInstanceId,
    errorCode: group
      ? leaveOne(m, group, x.memberId, x.groupInstanceId)
      : ErrorCode.UNKNOWN_MEMBER_ID,
  }));
  if (!batched) return { errorCode: results[0].errorCode };
  return { errorCode: ErrorCode.NONE, members: results };
}

function leaveOne(
  m: Membership,
  group: Group,
  memberId: string,
  groupInstanceId: string | null,
): number {
  let id = memberId;
  if (id === "" && groupInstanceId !== null) {
    id = group.staticMembers.get(groupInstanceId) ?? "";
  } else if (group.isFenced(id, groupInstanceId)) {
    return ErrorCode.FENCED_INSTANCE_ID;
  }
  const pending = group.pendingMembers.get(id);
  if (pending) {
    pending();
    group.pendingMembers.delete(id);
    m.tryCompleteJoin(group);
    return ErrorCode.NONE;
  }
  const member = group.members.get(id);
  if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
  m.removeMember(group, member, ErrorCode.UNKNOWN_MEMBER_ID);
  m.afterRemoval(group);
  return ErrorCode.NONE;
}
