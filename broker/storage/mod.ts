/**
 * Durable partition logs for the broker: the {@linkcode PartitionLog} interface with
 * {@linkcode MemoryLog} and segmented {@linkcode FileLog} backends, the {@linkcode LogStore} of
 * topics, and the {@linkcode MetadataStore} for coordinator state.
 *
 * @module
 */
export type {
  AppendOptions,
  AppendResult,
  PartitionLog,
  TimestampOffset,
} from "./partition_log.ts";
export { AppendSignal } from "./append_signal.ts";
export { MemoryLog, type MemoryLogOptions } from "./memory_log.ts";
export { FileLog, type FileLogOptions, type FsyncPolicy, type RecoveryReport } from "./file_log.ts";
export type { CompactionResult } from "./compaction.ts";
export { syncData, type SyncFile } from "./group_commit.ts";
export {
  DEFAULT_LOG_CONFIG,
  KNOWN_TOPIC_CONFIGS,
  type LogConfig,
  parseLogConfig,
} from "./log_config.ts";
export {
  type CreateTopicOptions,
  LogStore,
  type LogStoreOptions,
  type MaintenanceResult,
  type TopicInfo,
  validateTopicName,
} from "./log_store.ts";
export {
  type JsonValue,
  type MetadataChange,
  MetadataStore,
  type MetadataStoreOptions,
} from "./metadata_store.ts";
export {
  InvalidConfigError,
  InvalidPartitionsError,
  InvalidTopicError,
  OffsetOutOfRangeError,
  RecordTooLargeError,
  StorageClosedError,
  TopicExistsError,
  UnknownTopicError,
} from "./errors.ts";
