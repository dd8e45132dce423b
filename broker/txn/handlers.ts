/**
 * The transaction APIs as an {@linkcode ApiSet} over a
 * {@linkcode TransactionCoordinator}: InitProducerId (transactional ids abort their open
 * transaction first), AddPartitionsToTxn (v0-3 client form and the v4+ batched form),
 * AddOffsetsToTxn, EndTxn and TxnOffsetCommit, each with the versions served.
 *
 * @module
 */
import {
  type AddPartitionsToTxnRequestAddPartitionsToTxnTopic,
  type AddPartitionsToTxnResponseAddPartitionsToTxnTopicResultInput,
  ApiKey,
} from "../protocol/mod.ts";
import type { ApiSet, HandlerTable } from "../api/mod.ts";
import type { TopicPartition, TransactionCoordinator } from "./coordinator.ts";

/**
 * Versions served: what librdkafka 2.x, KafkaJS and the Java 4.x client send without
 * `transaction.version` 2 (so EndTxn stops at v4; TxnOffsetCommit's schema ends at v4).
 */
const TXN_VERSIONS = {
  [ApiKey.AddPartitionsToTxn]: { min: 0, max: 5 },
  [ApiKey.AddOffsetsToTxn]: { min: 0, max: 4 },
  [ApiKey.EndTxn]: { min: 0, max: 4 },
  [ApiKey.TxnOffsetCommit]: { min: 0, max: 4 },
} as const;

function flatten(topics: AddPartitionsToTxnRequestAddPartitionsToTxnTopic[]): TopicPartition[] {
  return topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
}

/** Groups per-partition error codes (in `flatten` order) back into topic results. */
function topicResults(
  topics: AddPartitionsToTxnRequestAddPartitionsToTxnTopic[],
  codes: number[],
): AddPartitionsToTxnResponseAddPartitionsToTxnTopicResultInput[] {
  let i = 0;
  return topics.map((t) => ({
    name: t.name,
    resultsByPartition: t.partitions.map((partitionIndex) => ({
      partitionIndex,
      partitionErrorCode: codes[i++],
    })),
  }));
}

/**
 * InitProducerId (registered only here: transactional ids must abort their open transaction
 * first) and the transaction APIs, with their versions.
 */
export function transactionApis(txns: TransactionCoordinator): ApiSet {
  const handlers = transactionHandlers(txns);
  const apis: Record<number, unknown> = {};
  for (const [key, handler] of Object.entries(handlers)) {
    apis[Number(key)] = {
      handler,
      versions: TXN_VERSIONS[Number(key) as keyof typeof TXN_VERSIONS],
    };
  }
  return apis as ApiSet;
}

function transactionHandlers(txns: TransactionCoordinator): HandlerTable {
  return {
    [ApiKey.InitProducerId]: (req, ctx) => txns.initProducerId(req, ctx.header.apiVersion),
    [ApiKey.AddPartitionsToTxn]: async (req, ctx) => {
      const version = ctx.header.apiVersion;
      if (version < 4) {
        const codes = await txns.addPartitions(
          req.v3AndBelowTransactionalId,
          Number(req.v3AndBelowProducerId),
          req.v3AndBelowProducerEpoch,
          flatten(req.v3AndBelowTopics),
          version,
        );
        return {
          throttleTimeMs: 0,
          resultsByTopicV3AndBelow: topicResults(req.v3AndBelowTopics, codes),
        };
      }
      const resultsByTransaction = [];
      for (const t of req.transactions) {
        const partitions = flatten(t.topics);
        const pid = Number(t.producerId);
        const codes = t.verifyOnly
          ? txns.verifyPartitions(t.transactionalId, pid, t.producerEpoch, partitions)
          : await txns.addPartitions(t.transactionalId, pid, t.producerEpoch, partitions, version);
        resultsByTransaction.push({
          transactionalId: t.transactionalId,
          topicResults: topicResults(t.topics, codes),
        });
      }
      return { throttleTimeMs: 0, errorCode: 0, resultsByTransaction };
    },
    [ApiKey.AddOffsetsToTxn]: async (req, ctx) => ({
      throttleTimeMs: 0,
      errorCode: await txns.addOffsets(
        req.transactionalId,
        Number(req.producerId),
        req.producerEpoch,
        req.groupId,
        ctx.header.apiVersion,
      ),
    }),
    [ApiKey.EndTxn]: async (req, ctx) => ({
      throttleTimeMs: 0,
      errorCode: await txns.endTxn(
        req.transactionalId,
        Number(req.producerId),
        req.producerEpoch,
        req.committed,
        ctx.header.apiVersion,
      ),
    }),
    [ApiKey.TxnOffsetCommit]: async (req, ctx) => {
      const offsets = req.topics.flatMap((t) =>
        t.partitions.map((p) => ({
          groupId: req.groupId,
          topic: t.name,
          partition: p.partitionIndex,
          offset: Number(p.committedOffset),
          leaderEpoch: p.committedLeaderEpoch,
          metadata: p.committedMetadata ?? "",
        }))
      );
      const errorCode = await txns.commitOffsets(
        req.transactionalId,
        Number(req.producerId),
        req.producerEpoch,
        offsets,
        ctx.header.apiVersion,
      );
      return {
        throttleTimeMs: 0,
        topics: req.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
        })),
      };
    },
  };
}
