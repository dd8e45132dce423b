/**
 * ConsumerGroupHeartbeat (KIP-848): join (epoch 0), leave (epoch -1, or -2 for a static member),
 * and the periodic heartbeat that carries subscription changes and owned partitions and answers
 * with the member's epoch and, when it changed or the client sent its full state, its assignment.
 *
 * @module
 */
import type {
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponseInput,
} from "../protocol/mod.ts";
import type { RequestContext } from "../api/mod.ts";
import { ASSIGNORS, type TopicPartitions } from "./assignors.ts";
import {
  compileTopicRegex,
  type ConsumerGroup,
  type ConsumerMember,
  isSubset,
  sameAssignment,
} from "./consumer_group.ts";
import type { ConsumerGroups } from "./consumer_groups.ts";
import { ErrorCode } from "../protocol/mod.ts";

type Response = ConsumerGroupHeartbeatResponseInput;

function fail(errorCode: number, errorMessage: string | null = null): Response {
  return {
    throttleTimeMs: 0,
    errorCode,
    errorMessage,
    memberId: null,
    memberEpoch: -1,
    heartbeatIntervalMs: 0,
    assignment: null,
  };
}

/** The first problem with a request's fields, or null. */
function invalid(req: ConsumerGroupHeartbeatRequest): Response | null {
  const bad = (message: string) => fail(ErrorCode.INVALID_REQUEST, message);
  if (req.groupId === "") return bad("GroupId can't be empty.");
  if (req.memberEpoch !== 0 && req.memberId === "") return bad("MemberId can't be empty.");
  if (req.memberEpoch < -2) return bad(`MemberEpoch ${req.memberEpoch} is invalid.`);
  if (req.memberEpoch === -2 && req.instanceId === null) {
    return bad("InstanceId can't be null when leaving with MemberEpoch -2.");
  }
  if (req.memberEpoch === 0) {
    if (req.subscribedTopicNames === null && req.subscribedTopicRegex === null) {
      return bad("SubscribedTopicNames or SubscribedTopicRegex must be set when joining.");
    }
    if (req.rebalanceTimeoutMs === -1) return bad("RebalanceTimeoutMs must be set when joining.");
  }
  if (req.serverAssignor !== null && !ASSIGNORS.has(req.serverAssignor)) {
    return fail(ErrorCode.UNSUPPORTED_ASSIGNOR, `Assignor ${req.serverAssignor} is not supported.`);
  }
  if (req.subscribedTopicRegex !== null) {
    try {
      compileTopicRegex(req.subscribedTopicRegex);
    } catch {
      return fail(
        ErrorCode.INVALID_REGULAR_EXPRESSION,
        `Invalid regex ${req.subscribedTopicRegex}`,
      );
    }
  }
  return null;
}

function owned(req: ConsumerGroupHeartbeatRequest): TopicPartitions | null {
  if (req.topicPartitions === null) return null;
  const out: TopicPartitions = {};
  for (const t of req.topicPartitions) (out[t.topicId] ??= []).push(...t.partitions);
  return out;
}

function join(
  groups: ConsumerGroups,
  group: ConsumerGroup,
  req: ConsumerGroupHeartbeatRequest,
): ConsumerMember {
  const memberId = req.memberId === "" ? crypto.randomUUID() : req.memberId;
  for (const other of [...group.members.values()]) {
    // A static member that comes back replaces its previous incarnation.
    const replaced = req.instanceId !== null && other.instanceId === req.instanceId;
    if (replaced || other.memberId === memberId) groups.remove(group, other);
  }
  const m: ConsumerMember = {
    memberId,
    instanceId: null,
    rackId: null,
    clientId: "",
    clientHost: "",
    rebalanceTimeoutMs: req.rebalanceTimeoutMs,
    subscribedTopicNames: [],
    subscribedTopicRegex: null,
    serverAssignor: null,
    memberEpoch: 0,
    previousMemberEpoch: -1,
    assigned: {},
    revoking: {},
  };
  group.members.set(memberId, m);
  return m;
}

/** Handles ConsumerGroupHeartbeat; resolves once the group's new state is durable. */
export async function consumerGroupHeartbeat(
  groups: ConsumerGroups,
  req: ConsumerGroupHeartbeatRequest,
  ctx: RequestContext,
  classicInUse: (groupId: string) => boolean,
): Promise<Response> {
  if (groups.closed) return fail(ErrorCode.NOT_COORDINATOR);
  const problem = invalid(req);
  if (problem) return problem;
  if (classicInUse(req.groupId)) {
    return fail(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${req.groupId} is not a consumer group.`);
  }
  const ok = (
    m: { memberId: string; memberEpoch: number },
    assignment: Response["assignment"],
  ) => ({
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    memberId: m.memberId,
    memberEpoch: m.memberEpoch,
    heartbeatIntervalMs: groups.options.consumerHeartbeatIntervalMs,
    assignment,
  });
  const existing = groups.groups.get(req.groupId);
  if (req.memberEpoch < 0) {
    const m = existing?.members.get(req.memberId);
    if (existing && m) {
      groups.remove(existing, m);
      existing.refreshTarget(groups.topics());
      await groups.persist(existing);
    }
    return ok({ memberId: req.memberId, memberEpoch: req.memberEpoch }, null);
  }
  const group = req.memberEpoch === 0 ? groups.getOrCreate(req.groupId) : existing;
  const reported = owned(req);
  let m = group?.members.get(req.memberId);
  if (req.memberEpoch === 0) m = join(groups, group!, req);
  else if (!group || !m) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
  else if (req.memberEpoch !== m.memberEpoch) {
    const lostResponse = req.memberEpoch === m.previousMemberEpoch && reported !== null &&
      isSubset(reported, m.assigned);
    if (!lostResponse) return fail(ErrorCode.FENCED_MEMBER_EPOCH);
  }
  update(m!, req, ctx);
  group!.refreshTarget(groups.topics());
  group!.reconcile(m!, reported);
  groups.touch(group!, m!);
  const full = req.memberEpoch === 0 || reported !== null;
  const sent = groups.lastSent.get(m!);
  let assignment: Response["assignment"] = null;
  if (full || sent === undefined || !sameAssignment(sent, m!.assigned)) {
    groups.lastSent.set(m!, structuredClone(m!.assigned));
    assignment = {
      topicPartitions: Object.entries(m!.assigned).map(([topicId, partitions]) => ({
        topicId,
        partitions,
      })),
    };
  }
  await groups.persist(group!);
  return ok(m!, assignment);
}

/** Applies the request's non-null fields (null means "unchanged since the last heartbeat"). */
function update(m: ConsumerMember, req: ConsumerGroupHeartbeatRequest, ctx: RequestContext): void {
  m.clientId = ctx.header.clientId ?? "";
  m.clientHost = `/${ctx.remoteAddress.replace(/:\d+$/, "")}`;
  if (req.instanceId !== null) m.instanceId = req.instanceId;
  if (req.rackId !== null) m.rackId = req.rackId;
  if (req.rebalanceTimeoutMs !== -1) m.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
  if (req.subscribedTopicNames !== null) {
    m.subscribedTopicNames = [...req.subscribedTopicNames].sort();
    if (req.subscribedTopicRegex === null && req.memberEpoch === 0) m.subscribedTopicRegex = null;
  }
  if (req.subscribedTopicRegex !== null) {
    m.subscribedTopicRegex = req.subscribedTopicRegex === "" ? null : req.subscribedTopicRegex;
  }
  if (req.serverAssignor !== null) m.serverAssignor = req.serverAssignor;
}
