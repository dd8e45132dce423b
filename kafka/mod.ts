/**
 * A Kafka client for Deno: librdkafka 2.x bound through FFI.
 *
 * - {@linkcode Producer}: single and batched sends with delivery reports as promises,
 *   idempotence, transactions.
 * - {@linkcode Consumer}: group subscription with rebalance events, batch consumption as an
 *   async iterable, manual offset store and commit, seek, pause and resume.
 * - {@linkcode Admin}: topics, configs, consumer-group offsets and lag.
 *
 * librdkafka comes from the operating system (`apt-get install librdkafka1`,
 * `brew install librdkafka`); set `LIBRDKAFKA_PATH` to use another file.
 *
 * @module
 */
export { Producer } from "./producer.ts";
export type {
  DeliveryReport,
  Headers,
  HeaderValue,
  ProducerOptions,
  ProducerRecord,
  RecordBlock,
} from "./producer.ts";
export { Consumer, nextOffsets } from "./consumer.ts";
export type { BatchOptions, ConsumerOptions, ConsumerRecord, RebalanceEvent } from "./consumer.ts";
export { Admin } from "./admin.ts";
export type {
  AdminOptions,
  AdminRequestOptions,
  ConsumerGroupListing,
  CreateTopicsOptions,
  DescribeTopicConfigOptions,
  DescribeTopicsOptions,
  ListTopicsOptions,
  NewTopic,
  PartitionDescription,
  PartitionLag,
  TopicDescription,
} from "./admin_types.ts";
export { RecordColumns, TIMESTAMP_TYPES } from "./record_columns.ts";
export { HeaderColumns } from "./header_columns.ts";
export { Offset } from "./partitions.ts";
export type { TopicPartition } from "./partitions.ts";
export { ErrorCode, KafkaError } from "./errors.ts";
export type { KafkaErrorInit } from "./errors.ts";
export type { ClientHooks, KafkaConfig, KafkaLogRecord } from "./config.ts";
export { defaultLogHandler } from "./config.ts";
export type { BrokerStats, KafkaStats, PartitionStats } from "./stats.ts";
export { parseStats } from "./stats.ts";
export { LibrdkafkaNotFoundError, librdkafkaVersion } from "./native/library.ts";
export { waitForKafka } from "./wait.ts";
export { loadClientProperties, parseClientProperties } from "./properties.ts";
export type { WaitForKafkaOptions } from "./wait.ts";
