/**
 * Options and results of the `Admin` client.
 *
 * @module
 */
import type { ClientHooks, KafkaConfig } from "./config.ts";

/** Options for `Admin`. */
export interface AdminOptions extends ClientHooks {
  /**
   * librdkafka properties: at least `bootstrap.servers`. `group.id` (default `iot-kafka-admin`)
   * names the group the handle tracks a coordinator for; it never joins it.
   */
  config: KafkaConfig;
}

/** Options shared by every admin request. */
export interface AdminRequestOptions {
  /** How long the request may take, in milliseconds. Default 30 000. */
  timeoutMs?: number;
}

/** A topic to create with `Admin.createTopics`. */
export interface NewTopic {
  /** Topic name. */
  name: string;
  /** Number of partitions; -1 for the broker's `num.partitions`. Default 1. */
  partitions?: number;
  /** Replicas per partition; -1 for the broker's `default.replication.factor`. Default 1. */
  replicationFactor?: number;
  /** Topic configs, e.g. `{ "cleanup.policy": "compact" }`. Default: none (broker defaults). */
  config?: Readonly<Record<string, string>>;
}

/** Options for `Admin.createTopics`. */
export interface CreateTopicsOptions extends AdminRequestOptions {
  /** Treat topics that already exist as created (their settings are not checked). Default false. */
  ignoreExisting?: boolean;
}

/** Options for `Admin.listTopics`. */
export interface ListTopicsOptions extends AdminRequestOptions {
  /** Include internal topics (names starting with `__`). Default false. */
  includeInternal?: boolean;
}

/** Options for `Admin.describeTopics`. */
export interface DescribeTopicsOptions extends AdminRequestOptions {
  /** Also fetch each topic's configs, defaults included (one more request). Default false. */
  configs?: boolean;
}

/** Options for `Admin.describeTopicConfig`. */
export interface DescribeTopicConfigOptions extends AdminRequestOptions {
  /** Include entries whose value is the default. Default true. */
  includeDefaults?: boolean;
}

/** One partition of a {@linkcode TopicDescription}. */
export interface PartitionDescription {
  partition: number;
  /** Broker id of the leader; -1 when there is none. */
  leader: number;
  /** Broker ids of all replicas. */
  replicas: number[];
  /** Broker ids of the in-sync replicas. */
  isr: number[];
  /** Error code the broker reported for the partition, when not 0. */
  error?: number;
  /** Symbolic name of `error`, when set. */
  errorName?: string;
}

/** A topic as reported by cluster metadata. */
export interface TopicDescription {
  name: string;
  /** Partitions ordered by number. */
  partitions: PartitionDescription[];
  /** Topic configs (defaults included), when asked for with `configs: true`. */
  configs?: Record<string, string>;
}

/** A consumer group as listed by `Admin.listConsumerGroups`. */
export interface ConsumerGroupListing {
  groupId: string;
  /** Group state, e.g. `Stable`, `Empty`, `PreparingRebalance`, `Dead`, `Unknown`. */
  state: string;
  /** Whether the group only commits offsets, without members managed by the coordinator. */
  isSimple: boolean;
}

/** How far a consumer group is behind on one partition. */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** The committed offset (the next one the group reads); -1001 when none is committed. */
  committed: number;
  /** The high watermark: the offset the next record written gets. */
  high: number;
  /** Records left to consume: `high - committed`; from the low watermark when none committed. */
  lag: number;
}
