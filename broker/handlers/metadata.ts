/**
 * Metadata (3): this one broker, and topics with every partition led by it. Auto-creates unknown
 * topics when both the broker (`--auto-create`) and the client (`allowAutoTopicCreation`) allow it.
 *
 * Auto-creation answers as Kafka 4.3.1 does: the request that triggers it gets
 * UNKNOWN_TOPIC_OR_PARTITION without partitions (Kafka creates the topic asynchronously through
 * its controller; clients retry their metadata), and later requests see the topic. So a client
 * that deletes a topic and refreshes metadata at once sees it gone, not re-created with
 * partitions in the same answer. Here the topic is created before that first answer is sent;
 * Metadata keeps answering UNKNOWN_TOPIC_OR_PARTITION for it (and leaves it out of all-topic
 * answers) for `settleMs`, the time Kafka's controller round trip takes, so a client that asks
 * again at once sees what it sees on Kafka (kafka-go's partition watcher counts partitions
 * right after its group's assignment saw none, and rebalances only when it sees them appear).
 * An invalid name gets INVALID_TOPIC_EXCEPTION.
 *
 * @module
 */
import type { ApiKey, MetadataResponseTopicInput } from "../protocol/mod.ts";
import type { Handler } from "../api/mod.ts";
import type { TopicInfo } from "../storage/mod.ts";
import type { BrokerContext } from "./context.ts";
import { errorCodeOf } from "./error_codes.ts";
import { ErrorCode } from "../protocol/mod.ts";
import { isInternalTopic } from "./internal_topics.ts";
import {
  ALL_TOPIC_OPS,
  ensureTopic,
  OPS_NOT_REQUESTED,
  topicById,
  wireTopicId,
  ZERO_UUID,
} from "./topics.ts";

/** Builds the Metadata handler. */
export function metadataHandler(ctx: BrokerContext): Handler<typeof ApiKey.Metadata> {
  const settleMs = ctx.topics.settleMs ?? 0;
  const now = ctx.topics.now ?? (() => performance.now());
  /** Auto-created topics not yet visible, with the time they become so. */
  const settling = new Map<string, number>();
  const visible = (name: string): boolean => {
    const until = settling.get(name);
    if (until === undefined) return true;
    if (now() < until) return false;
    settling.delete(name);
    return true;
  };
  return async (request, { header }) => {
    const version = header.apiVersion;
    const ops = request.includeTopicAuthorizedOperations ? ALL_TOPIC_OPS : OPS_NOT_REQUESTED;
    const describe = (t: TopicInfo): MetadataResponseTopicInput => ({
      errorCode: 0,
      name: t.name,
      topicId: wireTopicId(t),
      isInternal: isInternalTopic(t.name),
      partitions: Array.from({ length: t.partitions }, (_, p) => ({
        errorCode: 0,
        partitionIndex: p,
        leaderId: ctx.identity.nodeId,
        leaderEpoch: 0,
        replicaNodes: [ctx.identity.nodeId],
        isrNodes: [ctx.identity.nodeId],
        offlineReplicas: [],
      })),
      topicAuthorizedOperations: ops,
    });
    const failed = (name: string | null, errorCode: number, topicId = ZERO_UUID) => ({
      errorCode,
      name,
      topicId,
      isInternal: false,
      partitions: [],
      topicAuthorizedOperations: ops,
    });
    // v0: an empty list means all topics; v1+: null means all, empty means none.
    const all = request.topics === null || (version === 0 && request.topics.length === 0);
    const topics: MetadataResponseTopicInput[] = [];
    if (all) {
      for (const t of ctx.store.listTopics()) if (visible(t.name)) topics.push(describe(t));
    } else {
      const allowCreate = ctx.topics.autoCreate && (version < 4 || request.allowAutoTopicCreation);
      for (const wanted of request.topics!) {
        if (wanted.name === null) {
          const t = topicById(ctx, wanted.topicId);
          topics.push(t ? describe(t) : failed(null, ErrorCode.UNKNOWN_TOPIC_ID, wanted.topicId));
          continue;
        }
        const t = ctx.store.topic(wanted.name);
        if (t && visible(t.name)) topics.push(describe(t));
        else if (t) topics.push(failed(wanted.name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
        else if (!allowCreate) {
          topics.push(failed(wanted.name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
        } else {
          try {
            await ensureTopic(ctx, wanted.name);
            if (settleMs > 0) {
              for (const [name, until] of settling) if (now() >= until) settling.delete(name);
              settling.set(wanted.name, now() + settleMs);
            }
            topics.push(failed(wanted.name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
          } catch (e) {
            topics.push(failed(wanted.name, errorCodeOf(e)));
          }
        }
      }
    }
    return {
      throttleTimeMs: 0,
      brokers: [{
        nodeId: ctx.identity.nodeId,
        host: ctx.identity.host,
        port: ctx.identity.port,
        rack: null,
      }],
      clusterId: ctx.identity.clusterId,
      controllerId: ctx.identity.nodeId,
      topics,
      clusterAuthorizedOperations: OPS_NOT_REQUESTED,
    };
  };
}
