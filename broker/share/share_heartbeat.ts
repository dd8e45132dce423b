/**
 * ShareGroupHeartbeat (76) and ShareGroupDescribe (77): members join with epoch 0 and a
 * client-generated member id, heartbeat with their epoch, leave with -1; the coordinator answers
 * the member's epoch and, when it changed since last sent, its whole assignment.
 *
 * @module
 */
import {
  ErrorCode,
  type ShareGroupDescribeRequest,
  type ShareGroupDescribeResponseInput,
  type ShareGroupHeartbeatRequest,
  type ShareGroupHeartbeatResponseInput,
} from "../protocol/mod.ts";
import type { RequestContext } from "../api/mod.ts";
import { groupNotFound, groupOperations, type TopicPartitions } from "../group/mod.ts";
import type { ShareContext } from "./context.ts";
import type { ShareMember } from "./share_group.ts";

/** Whether a group id belongs to a classic or consumer group (a share group cannot take it). */
export type OtherGroupCheck = (groupId: string) => boolean;

/** Handles one ShareGroupHeartbeat. */
export async function shareGroupHeartbeat(
  share: ShareContext,
  req: ShareGroupHeartbeatRequest,
  ctx: RequestContext,
  otherGroup: OtherGroupCheck,
): Promise<ShareGroupHeartbeatResponseInput> {
  const interval = share.configs.int(req.groupId, "share.heartbeat.interval.ms");
  const fail = (errorCode: number, errorMessage: string) => ({
    throttleTimeMs: 0,
    errorCode,
    errorMessage,
    memberId: req.memberId,
    memberEpoch: -1,
    heartbeatIntervalMs: 0,
  });
  if (req.groupId === "") return fail(ErrorCode.INVALID_REQUEST, "GroupId can't be empty.");
  if (req.memberId === "") return fail(ErrorCode.INVALID_REQUEST, "MemberId can't be empty.");
  if (otherGroup(req.groupId)) {
    return fail(
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
      `Group ${req.groupId} is not a share group.`,
    );
  }
  const group = req.memberEpoch === 0
    ? await share.ensureGroup(req.groupId)
    : share.groups.get(req.groupId);
  let member = group?.members.get(req.memberId);
  if (req.memberEpoch === -1) {
    if (group && member) await share.removeMember(group, member);
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      memberId: req.memberId,
      memberEpoch: -1,
      heartbeatIntervalMs: 0,
    };
  }
  if (!group) return fail(ErrorCode.UNKNOWN_MEMBER_ID, `Unknown member ${req.memberId}.`);
  const now = share.now();
  const session = share.configs.int(req.groupId, "share.session.timeout.ms");
  if (req.memberEpoch === 0) {
    if (!member && (req.subscribedTopicNames ?? []).length === 0) {
      return fail(ErrorCode.INVALID_REQUEST, "SubscribedTopicNames must be set in first request.");
    }
    if (!member) {
      member = newMember(req.memberId);
      group.epoch++; // membership changed even if no partition moves
    }
    member.sentEpoch = -1; // a (re)joining member gets its whole assignment
    group.members.set(req.memberId, member);
  } else if (!member) {
    return fail(ErrorCode.UNKNOWN_MEMBER_ID, `Unknown member ${req.memberId}.`);
  } else if (req.memberEpoch > member.epoch) {
    return fail(
      ErrorCode.FENCED_MEMBER_EPOCH,
      `Epoch ${req.memberEpoch} is ahead of ${member.epoch}.`,
    );
  }
  member.expiresAt = now + session;
  member.clientId = ctx.header.clientId ?? "";
  member.clientHost = `/${ctx.remoteAddress.replace(/:\d+$/, "")}`;
  if (req.rackId !== null) member.rackId = req.rackId;
  if (req.subscribedTopicNames !== null) member.subscribed = [...req.subscribedTopicNames].sort();
  const epochBefore = group.epoch;
  group.reassign(share.topics());
  if (group.epoch !== epochBefore || req.memberEpoch === 0) await share.saveGroup(group);
  const send = member.sentEpoch !== member.epoch || req.memberEpoch !== member.epoch;
  member.sentEpoch = member.epoch;
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    memberId: member.memberId,
    memberEpoch: member.epoch,
    heartbeatIntervalMs: interval,
    assignment: send ? { topicPartitions: wireAssignment(member.assignment) } : null,
  };
}

/** Handles ShareGroupDescribe. */
export function shareGroupDescribe(
  share: ShareContext,
  req: ShareGroupDescribeRequest,
): ShareGroupDescribeResponseInput {
  const names = new Map(share.topics().map((t) => [t.id, t.name]));
  const ops = groupOperations(req.includeAuthorizedOperations);
  return {
    throttleTimeMs: 0,
    groups: req.groupIds.map((groupId) => {
      const g = share.groups.get(groupId);
      if (!g) return groupNotFound(groupId, ops);
      return {
        errorCode: 0,
        groupId,
        groupState: g.state,
        groupEpoch: g.epoch,
        assignmentEpoch: g.epoch,
        assignorName: "simple",
        members: [...g.members.values()].map((m) => ({
          memberId: m.memberId,
          rackId: m.rackId,
          memberEpoch: m.epoch,
          clientId: m.clientId,
          clientHost: m.clientHost,
          subscribedTopicNames: m.subscribed,
          assignment: {
            topicPartitions: wireAssignment(m.assignment).map((tp) => ({
              ...tp,
              topicName: names.get(tp.topicId) ?? "",
            })),
          },
        })),
        authorizedOperations: ops,
      };
    }),
  };
}

function newMember(memberId: string): ShareMember {
  return {
    memberId,
    epoch: 0,
    sentEpoch: -1,
    rackId: null,
    clientId: "",
    clientHost: "",
    subscribed: [],
    assignment: {},
    expiresAt: 0,
  };
}

function wireAssignment(a: TopicPartitions): { topicId: string; partitions: number[] }[] {
  return Object.entries(a).map(([topicId, partitions]) => ({ topicId, partitions }));
}
