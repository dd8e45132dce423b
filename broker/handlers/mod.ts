/**
 * Data-plane request handlers (one file per API) and the version limits they implement.
 *
 * @module
 */
import { ApiKey, type VersionRange } from "../protocol/mod.ts";
import type { HandlerTable } from "../server/handler.ts";
import { createPartitionsHandler } from "./create_partitions.ts";
import { createTopicsHandler } from "./create_topics.ts";
import type { BrokerContext } from "./context.ts";
import { deleteTopicsHandler } from "./delete_topics.ts";
import { describeConfigsHandler } from "./describe_configs.ts";
import { fetchHandler } from "./fetch.ts";
import { listOffsetsHandler } from "./list_offsets.ts";
import { metadataHandler } from "./metadata.ts";
import { offsetForLeaderEpochHandler } from "./offset_for_leader_epoch.ts";
import { produceHandler } from "./produce.ts";

export { apiVersionsHandler } from "./api_versions.ts";
export { AppendNotifier } from "./append_notifier.ts";
export type { BrokerContext, BrokerIdentity, ProducerGuard, TopicDefaults } from "./context.ts";
export { ErrorCode, errorCodeOf } from "./error_codes.ts";
export { ensureInternalTopics, INTERNAL_TOPICS, isInternalTopic } from "./internal_topics.ts";
export { wireTopicId } from "./topics.ts";

/**
 * Version limits of the data-plane APIs, applied on top of the generated schema ranges: Kafka
 * 4.x's minimums (KIP-896) except Produce, whose v0 stays advertised for old librdkafka's
 * feature probe (v0-v2 batches are rejected per partition since only magic v2 is accepted).
 */
export const DATA_PLANE_VERSION_LIMITS: ReadonlyMap<number, VersionRange> = new Map([
  [ApiKey.Fetch, { min: 4, max: 17 }],
  [ApiKey.ListOffsets, { min: 1, max: 10 }],
  [ApiKey.CreateTopics, { min: 2, max: 7 }],
  [ApiKey.DeleteTopics, { min: 1, max: 6 }],
  [ApiKey.DescribeConfigs, { min: 1, max: 4 }],
  [ApiKey.OffsetForLeaderEpoch, { min: 2, max: 4 }],
]);

/** Handlers for Metadata, Produce, Fetch, ListOffsets and the topic admin APIs. */
export function dataPlaneHandlers(ctx: BrokerContext): HandlerTable {
  return {
    [ApiKey.Metadata]: metadataHandler(ctx),
    [ApiKey.Produce]: produceHandler(ctx),
    [ApiKey.Fetch]: fetchHandler(ctx),
    [ApiKey.ListOffsets]: listOffsetsHandler(ctx),
    [ApiKey.CreateTopics]: createTopicsHandler(ctx),
    [ApiKey.DeleteTopics]: deleteTopicsHandler(ctx),
    [ApiKey.CreatePartitions]: createPartitionsHandler(ctx),
    [ApiKey.DescribeConfigs]: describeConfigsHandler(ctx),
    [ApiKey.OffsetForLeaderEpoch]: offsetForLeaderEpochHandler(ctx),
  };
}
