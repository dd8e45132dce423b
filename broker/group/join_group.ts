/**
 * JoinGroup: KIP-394 member ids (MEMBER_ID_REQUIRED from v4), static members (KIP-345, a rejoin
 * with a known instance id replaces the old member), protocol checks, and the parked response
 * completed by {@linkcode Membership.completeJoin}.
 *
 * @module
 */
import { ErrorCode } from "../protocol/mod.ts";
import type { JoinGroupRequest, JoinGroupResponseInput } from "../protocol/mod.ts";
import type { RequestContext } from "../api/mod.ts";
import { EMPTY_BYTES, type Group, type Member, sameProtocols } from "./group.ts";
import type { Membership } from "./membership.ts";

/** Handles JoinGroup; the promise may stay pending until the rebalance completes. */
export function joinGroup(
  m: Membership,
  req: JoinGroupRequest,
  ctx: RequestContext,
): JoinGroupResponseInput | Promise<JoinGroupResponseInput> {
  const fail = (errorCode: number, memberId = req.memberId) => joinError(errorCode, memberId);
  const { minSessionTimeoutMs: min, maxSessionTimeoutMs: max } = m.options;
  if (m.closed) return fail(ErrorCode.NOT_COORDINATOR);
  if (req.groupId === "") return fail(ErrorCode.INVALID_GROUP_ID);
  if (req.sessionTimeoutMs < min || req.sessionTimeoutMs > max) {
    return fail(ErrorCode.INVALID_SESSION_TIMEOUT);
  }
  let group = m.groups.get(req.groupId);
  if (!group) {
    if (req.memberId !== "") return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    group = m.getOrCreate(req.groupId);
  }
  if (group.state === "Dead") return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  if (!group.supportsProtocols(req.protocolType, req.protocols.map((p) => p.name))) {
    return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  }
  return req.memberId === ""
    ? joinNewMember(m, group, req, ctx)
    : joinKnownMember(m, group, req, ctx);
}

function joinNewMember(m: Membership, group: Group, req: JoinGroupRequest, ctx: RequestContext) {
  const memberId = `${ctx.header.clientId ?? "member"}-${crypto.randomUUID()}`;
  if (req.groupInstanceId !== null) {
    const old = group.staticMembers.get(req.groupInstanceId);
    const oldMember = old === undefined ? undefined : group.members.get(old);
    if (oldMember) m.removeMember(group, oldMember, ErrorCode.FENCED_INSTANCE_ID);
  } else if (ctx.header.apiVersion >= 4) {
    // KIP-394: hand out the id first; the member must rejoin with it within its session.
    const cancel = m.scheduler.schedule(req.sessionTimeoutMs, () => {
      group.pendingMembers.delete(memberId);
      m.tryCompleteJoin(group);
    });
    group.pendingMembers.set(memberId, cancel);
    return joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId);
  }
  return addMemberAndRebalance(m, group, memberId, req, ctx);
}

function joinKnownMember(m: Membership, group: Group, req: JoinGroupRequest, ctx: RequestContext) {
  const pending = group.pendingMembers.get(req.memberId);
  if (pending) {
    pending();
    group.pendingMembers.delete(req.memberId);
    return addMemberAndRebalance(m, group, req.memberId, req, ctx);
  }
  if (group.isFenced(req.memberId, req.groupInstanceId)) {
    return joinError(ErrorCode.FENCED_INSTANCE_ID, req.memberId);
  }
  const member = group.members.get(req.memberId);
  if (!member) return joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId);
  const unchanged = sameProtocols(member.protocols, req.protocols);
  const isLeader = group.leaderId === member.memberId;
  if (
    (group.state === "CompletingRebalance" && unchanged) ||
    (group.state === "Stable" && unchanged && !isLeader)
  ) {
    m.touch(group, member);
    return joinResult(group, member);
  }
  updateMember(m, group, member, req, ctx);
  const parked = parkJoin(group, member, ctx);
  if (group.state === "PreparingRebalance") m.tryCompleteJoin(group);
  else m.prepareRebalance(group);
  return parked;
}

function addMemberAndRebalance(
  m: Membership,
  group: Group,
  memberId: string,
  req: JoinGroupRequest,
  ctx: RequestContext,
): Promise<JoinGroupResponseInput> {
  const member: Member = {
    memberId,
    groupInstanceId: null,
    clientId: "",
    clientHost: "",
    sessionTimeoutMs: 0,
    rebalanceTimeoutMs: 0,
    protocols: [],
    assignment: EMPTY_BYTES,
    awaitingJoin: null,
    awaitingSync: null,
    cancelExpiry: () => {},
  };
  if (group.members.size === 0) group.protocolType = req.protocolType;
  group.members.set(memberId, member);
  if (req.groupInstanceId !== null) group.staticMembers.set(req.groupInstanceId, memberId);
  group.leaderId ??= memberId;
  if (group.initialDelay) group.joinedDuringDelay++;
  updateMember(m, group, member, req, ctx);
  const parked = parkJoin(group, member, ctx);
  if (group.state === "PreparingRebalance") m.tryCompleteJoin(group);
  else m.prepareRebalance(group);
  return parked;
}

function updateMember(
  m: Membership,
  group: Group,
  member: Member,
  req: JoinGroupRequest,
  ctx: RequestContext,
): void {
  member.groupInstanceId = req.groupInstanceId;
  member.clientId = ctx.header.clientId ?? "";
  member.clientHost = `/${ctx.remoteAddress.replace(/:\d+$/, "")}`;
  member.sessionTimeoutMs = req.sessionTimeoutMs;
  // JoinGroup v0 has no rebalance timeout; Kafka uses the session timeout.
  member.rebalanceTimeoutMs = req.rebalanceTimeoutMs < 0
    ? req.sessionTimeoutMs
    : req.rebalanceTimeoutMs;
  member.protocols = req.protocols.map((p) => ({ name: p.name, metadata: p.metadata.slice() }));
  m.touch(group, member);
}

function parkJoin(
  group: Group,
  member: Member,
  ctx: RequestContext,
): Promise<JoinGroupResponseInput> {
  member.awaitingJoin?.(ErrorCode.REBALANCE_IN_PROGRESS);
  return new Promise((resolve) => {
    const onAbort = () => {
      if (member.awaitingJoin !== complete) return;
      // The response can no longer be delivered: the member counts as not rejoined.
      member.awaitingJoin = null;
      resolve(joinError(ErrorCode.NOT_COORDINATOR, member.memberId));
    };
    const complete = (errorCode: number) => {
      ctx.signal.removeEventListener("abort", onAbort);
      resolve(
        errorCode === 0 ? joinResult(group, member) : joinError(errorCode, member.memberId),
      );
    };
    member.awaitingJoin = complete;
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener("abort", onAbort, { once: true });
  });
}

function joinResult(group: Group, member: Member): JoinGroupResponseInput {
  const isLeader = group.leaderId === member.memberId;
  return {
    errorCode: ErrorCode.NONE,
    generationId: group.generationId,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    leader: group.leaderId ?? "",
    memberId: member.memberId,
    members: isLeader
      ? [...group.members.values()].map((x) => ({
        memberId: x.memberId,
        groupInstanceId: x.groupInstanceId,
        metadata: group.metadataFor(x),
      }))
      : [],
  };
}

function joinError(errorCode: number, memberId: string): JoinGroupResponseInput {
  return { errorCode, generationId: -1, protocolName: null, leader: "", memberId, members: [] };
}
