/**
 * Data-plane request handlers (one file per API), offered with their versions as an API set.
 *
 * @module
 */
import { ApiKey } from "../protocol/mod.ts";
import type { ApiSet } from "../api/mod.ts";
import { alterConfigsHandler, incrementalAlterConfigsHandler } from "./alter_configs.ts";
import {
  describeClusterHandler,
  describeTopicPartitionsHandler,
  electLeadersHandler,
} from "./cluster_admin.ts";
import { createPartitionsHandler } from "./create_partitions.ts";
import { createTopicsHandler } from "./create_topics.ts";
import type { BrokerContext } from "./context.ts";
import { deleteRecordsHandler } from "./delete_records.ts";
import { deleteTopicsHandler } from "./delete_topics.ts";
import { describeConfigsHandler } from "./describe_configs.ts";
import { fetchHandler } from "./fetch.ts";
import { listOffsetsHandler } from "./list_offsets.ts";
import { metadataHandler } from "./metadata.ts";
import { offsetForLeaderEpochHandler } from "./offset_for_leader_epoch.ts";
import { produceHandler } from "./produce.ts";
import {
  alterPartitionReassignmentsHandler,
  listPartitionReassignmentsHandler,
} from "./reassignments.ts";

export type {
  BrokerContext,
  BrokerIdentity,
  GroupConfigEntry,
  GroupConfigStore,
  ProducerGuard,
  TopicDefaults,
} from "./context.ts";
export { errorCodeOf } from "./error_codes.ts";
export { ensureInternalTopics, INTERNAL_TOPICS, isInternalTopic } from "./internal_topics.ts";
export { wireTopicId } from "./topics.ts";

/**
 * Metadata, Produce, Fetch, ListOffsets and the topic and cluster admin APIs, with the versions
 * implemented:
 * Kafka 4.x's minimums (KIP-896) except Produce, whose v0 stays advertised for old librdkafka's
 * feature probe (v0-v2 batches are rejected per partition since only magic v2 is accepted).
 */
export function dataPlaneApis(ctx: BrokerContext): ApiSet {
  return {
    [ApiKey.Metadata]: { handler: metadataHandler(ctx) },
    [ApiKey.Produce]: { handler: produceHandler(ctx) },
    [ApiKey.Fetch]: { handler: fetchHandler(ctx), versions: { min: 4, max: 17 } },
    [ApiKey.ListOffsets]: { handler: listOffsetsHandler(ctx), versions: { min: 1, max: 10 } },
    [ApiKey.CreateTopics]: { handler: createTopicsHandler(ctx), versions: { min: 2, max: 7 } },
    [ApiKey.DeleteTopics]: { handler: deleteTopicsHandler(ctx), versions: { min: 1, max: 6 } },
    [ApiKey.CreatePartitions]: { handler: createPartitionsHandler(ctx) },
    [ApiKey.DescribeConfigs]: {
      handler: describeConfigsHandler(ctx),
      versions: { min: 1, max: 4 },
    },
    [ApiKey.OffsetForLeaderEpoch]: {
      handler: offsetForLeaderEpochHandler(ctx),
      versions: { min: 2, max: 4 },
    },
    [ApiKey.AlterConfigs]: { handler: alterConfigsHandler(ctx) },
    [ApiKey.IncrementalAlterConfigs]: { handler: incrementalAlterConfigsHandler(ctx) },
    [ApiKey.DeleteRecords]: { handler: deleteRecordsHandler(ctx) },
    [ApiKey.DescribeCluster]: { handler: describeClusterHandler(ctx) },
    [ApiKey.DescribeTopicPartitions]: { handler: describeTopicPartitionsHandler(ctx) },
    [ApiKey.ElectLeaders]: { handler: electLeadersHandler(ctx) },
    [ApiKey.AlterPartitionReassignments]: { handler: alterPartitionReassignmentsHandler(ctx) },
    [ApiKey.ListPartitionReassignments]: { handler: listPartitionReassignmentsHandler() },
  };
}
