/**
 * The cluster-shape admin APIs of a one-node cluster: DescribeCluster (60),
 * DescribeTopicPartitions (75, the paged Metadata of Kafka 3.8+) and ElectLeaders (43), where
 * this node leads every partition so no election is ever needed.
 *
 * @module
 */
import { isInternalTopic } from "./internal_topics.ts";
import {
  type ApiKey,
  type DescribeTopicPartitionsResponsePartitionInput,
  type DescribeTopicPartitionsResponseTopicInput,
  ErrorCode,
} from "../protocol/mod.ts";
import type { Handler } from "../api/mod.ts";
import type { TopicInfo } from "../storage/mod.ts";
import type { BrokerContext } from "./context.ts";
import { ALL_TOPIC_OPS, OPS_NOT_REQUESTED, wireTopicId, ZERO_UUID } from "./topics.ts";

/** ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE, CREATE. */
const ALL_CLUSTER_OPS = [4, 7, 8, 9, 10, 11, 12].reduce((a, b) => a | (1 << b), 0);

/** Builds the DescribeCluster handler: this node is the only broker and the controller. */
export function describeClusterHandler(ctx: BrokerContext): Handler<typeof ApiKey.DescribeCluster> {
  return (request) => ({
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    endpointType: request.endpointType,
    clusterId: ctx.identity.clusterId,
    controllerId: ctx.identity.nodeId,
    brokers: [{
      brokerId: ctx.identity.nodeId,
      host: ctx.identity.host,
      port: ctx.identity.port,
      rack: null,
    }],
    clusterAuthorizedOperations: request.includeClusterAuthorizedOperations
      ? ALL_CLUSTER_OPS
      : OPS_NOT_REQUESTED,
  });
}

/**
 * Builds the DescribeTopicPartitions handler: the named topics (all of them when none is named),
 * sorted by name as Kafka does, at most `responsePartitionLimit` partitions per response, with a
 * cursor to continue from.
 */
export function describeTopicPartitionsHandler(
  ctx: BrokerContext,
): Handler<typeof ApiKey.DescribeTopicPartitions> {
  return (request) => {
    const names = request.topics.length === 0
      ? ctx.store.listTopics().map((t) => t.name)
      : [...new Set(request.topics.map((t) => t.name))].sort();
    const cursor = request.cursor;
    let budget = Math.max(1, request.responsePartitionLimit);
    const topics: DescribeTopicPartitionsResponseTopicInput[] = [];
    let nextCursor: { topicName: string; partitionIndex: number } | null = null;
    for (const name of names) {
      if (cursor && name < cursor.topicName) continue;
      const topic = ctx.store.topic(name);
      if (!topic) {
        topics.push(unknownTopic(name));
        continue;
      }
      const from = cursor && name === cursor.topicName ? cursor.partitionIndex : 0;
      if (budget === 0) {
        nextCursor = { topicName: name, partitionIndex: from };
        break;
      }
      const to = Math.min(topic.partitions, from + budget);
      budget -= to - from;
      topics.push(describe(ctx, topic, from, to));
      if (to < topic.partitions) {
        nextCursor = { topicName: name, partitionIndex: to };
        break;
      }
    }
    return { throttleTimeMs: 0, topics, nextCursor };
  };
}

function unknownTopic(name: string): DescribeTopicPartitionsResponseTopicInput {
  return {
    errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    name,
    topicId: ZERO_UUID,
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: OPS_NOT_REQUESTED,
  };
}

function describe(
  ctx: BrokerContext,
  topic: TopicInfo,
  from: number,
  to: number,
): DescribeTopicPartitionsResponseTopicInput {
  const node = ctx.identity.nodeId;
  const partitions: DescribeTopicPartitionsResponsePartitionInput[] = [];
  for (let p = from; p < to; p++) {
    partitions.push({
      errorCode: ErrorCode.NONE,
      partitionIndex: p,
      leaderId: node,
      leaderEpoch: 0,
      replicaNodes: [node],
      isrNodes: [node],
      eligibleLeaderReplicas: [],
      lastKnownElr: [],
      offlineReplicas: [],
    });
  }
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: wireTopicId(topic),
    isInternal: isInternalTopic(topic.name),
    partitions,
    topicAuthorizedOperations: ALL_TOPIC_OPS,
  };
}

/**
 * Builds the ElectLeaders handler: this node already leads every partition, so each known one
 * answers ELECTION_NOT_NEEDED (as Kafka does when the preferred leader leads) and unknown ones
 * UNKNOWN_TOPIC_OR_PARTITION; the request as a whole succeeds.
 */
export function electLeadersHandler(ctx: BrokerContext): Handler<typeof ApiKey.ElectLeaders> {
  return (request) => {
    const wanted = request.topicPartitions ?? ctx.store.listTopics().map((t) => ({
      topic: t.name,
      partitions: Array.from({ length: t.partitions }, (_, p) => p),
    }));
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      replicaElectionResults: wanted.map((t) => {
        const count = ctx.store.topic(t.topic)?.partitions ?? 0;
        return {
          topic: t.topic,
          partitionResult: t.partitions.map((partitionId) =>
            partitionId >= 0 && partitionId < count
              ? { partitionId, errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: null }
              : {
                partitionId,
                errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                errorMessage: `${t.topic}-${partitionId} does not exist`,
              }
          ),
        };
      }),
    };
  };
}
