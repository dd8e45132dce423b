/**
 * ConsumerGroupDescribe (KIP-848): each consumer group's epochs, assignor and members with their
 * subscriptions, current and target assignments (topic ids and names).
 *
 * @module
 */
import type {
  ConsumerGroupDescribeRequest,
  ConsumerGroupDescribeResponseInput,
} from "../protocol/mod.ts";
import type { AssignableTopic, TopicPartitions } from "./assignors.ts";
import type { ConsumerGroups } from "./consumer_groups.ts";
import { ErrorCode } from "../protocol/mod.ts";

/** Kafka's "authorized operations not requested" value. */
const OPS_NOT_REQUESTED = -2147483648;
/** READ, DESCRIBE, DELETE on groups (no ACLs here). */
const ALL_GROUP_OPS = [3, 6, 8].reduce((a, b) => a | (1 << b), 0);

/** The authorized operations a group describe answers (all, or "not requested"). */
export function groupOperations(requested: boolean): number {
  return requested ? ALL_GROUP_OPS : OPS_NOT_REQUESTED;
}

/** A KIP-848-style describe entry for a group that does not exist (consumer and share groups). */
export function groupNotFound(
  groupId: string,
  authorizedOperations: number,
): ConsumerGroupDescribeResponseInput["groups"][number] {
  return {
    errorCode: ErrorCode.GROUP_ID_NOT_FOUND,
    errorMessage: `Group ${groupId} not found.`,
    groupId,
    groupState: "Dead",
    groupEpoch: -1,
    assignmentEpoch: -1,
    assignorName: "",
    members: [],
    authorizedOperations,
  };
}

function described(a: TopicPartitions, topics: Map<string, AssignableTopic>) {
  return {
    topicPartitions: Object.entries(a).map(([topicId, partitions]) => ({
      topicId,
      topicName: topics.get(topicId)?.name ?? "",
      partitions,
    })),
  };
}

/** Handles ConsumerGroupDescribe; unknown and classic groups answer GROUP_ID_NOT_FOUND. */
export function consumerGroupDescribe(
  groups: ConsumerGroups,
  req: ConsumerGroupDescribeRequest,
): ConsumerGroupDescribeResponseInput {
  const topics = new Map(groups.topics().map((t) => [t.id, t]));
  const ops = groupOperations(req.includeAuthorizedOperations);
  return {
    throttleTimeMs: 0,
    groups: req.groupIds.map((groupId) => {
      const g = groups.groups.get(groupId);
      if (!g) return groupNotFound(groupId, ops);
      return {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        groupId,
        groupState: g.state(),
        groupEpoch: g.groupEpoch,
        assignmentEpoch: g.assignmentEpoch,
        assignorName: g.assignor,
        members: [...g.members.values()].map((m) => ({
          memberId: m.memberId,
          instanceId: m.instanceId,
          rackId: m.rackId,
          memberEpoch: m.memberEpoch,
          clientId: m.clientId,
          clientHost: m.clientHost,
          subscribedTopicNames: m.subscribedTopicNames,
          subscribedTopicRegex: m.subscribedTopicRegex,
          assignment: described(m.assigned, topics),
          targetAssignment: described(g.target.get(m.memberId) ?? {}, topics),
        })),
        authorizedOperations: ops,
      };
    }),
  };
}
