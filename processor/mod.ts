/**
 * The stream processor. This is its pure core (no Kafka, no `Deno.*`; time is passed in):
 *
 * - time: {@linkcode WatermarkGenerator}s ({@linkcode boundedOutOfOrderness},
 *   {@linkcode monotonous}) combined per input partition with idleness by
 *   {@linkcode PartitionWatermarks};
 * - window assignment: {@linkcode tumbling}, {@linkcode sliding}, {@linkcode session},
 *   {@linkcode assignWindows}; windows are `[start, end)`;
 * - accumulation: {@linkcode Aggregator}s ({@linkcode count}, {@linkcode sum}, {@linkcode avg},
 *   {@linkcode min}, {@linkcode max}, {@linkcode stats}, {@linkcode fields});
 * - operators: {@linkcode WindowOperator} (keyed windowed aggregation with allowed lateness and a
 *   late side output), {@linkcode RunningMax}, {@linkcode ThresholdAlert}, on
 *   {@linkcode KeyedState} with TTL.
 *
 * Every stateful piece snapshots to versioned plain data and restores from it; keyed operators
 * also snapshot incrementally (`changedKeys()` / `snapshotKeys(keys)` / `restoreKeys`).
 *
 * Around the core, the runtime does the I/O: {@linkcode JobRunner} runs a
 * {@linkcode JobDefinition} in a consumer group, one task per input partition, with outputs and
 * offsets committed in one Kafka transaction per checkpoint and task state in a
 * {@linkcode TaskStore} (incremental, atomic checkpoints on local disk), mirrored in the same
 * transaction to a compacted changelog topic ({@linkcode changelogTopic}) from which a task is
 * rebuilt when its partition lands on an instance without the matching local checkpoint; the
 * input is paused while too many outputs wait to be committed (backpressure). The jobs are
 * {@linkcode readingsByDeviceJob} (validates raw readings once and keys them by device),
 * {@linkcode deviceAggregatesJob}, {@linkcode overheatingJob} and {@linkcode vehicleMaxJob};
 * `main.ts` is the CLI (`deno task processor --help`).
 *
 * @example
 * ```ts
 * import { boundedOutOfOrderness, PartitionWatermarks, stats, tumbling, WindowOperator } from "@iot/processor";
 * const watermarks = new PartitionWatermarks({ generator: () => boundedOutOfOrderness(30_000) });
 * const op = new WindowOperator({ windows: tumbling(60_000), aggregator: stats() });
 * watermarks.onEvent(0, 10_000, Date.now());
 * op.process("d1", 10_000, 21.5);
 * const { results, late } = op.advanceWatermark(watermarks.currentWatermark(Date.now()));
 * ```
 *
 * @module
 */
export {
  type Aggregator,
  avg,
  type AvgAccumulator,
  count,
  fields,
  type FieldsAccumulator,
  type FieldsInput,
  type FieldsResult,
  max,
  min,
  type Stats,
  stats,
  type StatsAccumulator,
  sum,
} from "./core/aggregator.ts";
export {
  assignWindows,
  session,
  type SessionWindows,
  sliding,
  type SlidingWindows,
  type TimeWindow,
  tumbling,
  type TumblingWindows,
  type WindowKind,
} from "./core/time_window.ts";
export {
  boundedOutOfOrderness,
  DEFAULT_MAX_OUT_OF_ORDERNESS_MS,
  monotonous,
  type WatermarkGenerator,
  type WatermarkGeneratorSnapshot,
} from "./core/watermark.ts";
export {
  type PartitionId,
  PartitionWatermarks,
  type PartitionWatermarksOptions,
  type PartitionWatermarksSnapshot,
} from "./core/partition_watermarks.ts";
export type { LateRecord, WindowOutput, WindowResult } from "./core/window_engine.ts";
export {
  type EmitMode,
  WindowOperator,
  type WindowOperatorMeta,
  type WindowOperatorOptions,
  type WindowOperatorSnapshot,
} from "./core/window_operator.ts";
export type { PaneKeySnapshot } from "./core/pane_windows.ts";
export type { SessionKeySnapshot } from "./core/session_windows.ts";
export {
  type ExpiredEntry,
  KeyedState,
  type KeyedStateEntry,
  type KeyedStateMeta,
  type KeyedStateSnapshot,
  type StateTtl,
  type TtlTimes,
} from "./core/keyed_state.ts";
export {
  type MaxState,
  type NewMax,
  RunningMax,
  type RunningMaxOptions,
} from "./core/running_max.ts";
export {
  type ActiveAlert,
  type AlertChange,
  ThresholdAlert,
  type ThresholdAlertOptions,
} from "./core/threshold_alert.ts";
export {
  type KeyedSnapshot,
  type KeyedSnapshottable,
  SNAPSHOT_VERSION,
  SnapshotError,
} from "./core/snapshot.ts";
export {
  type CheckpointInput,
  type RestoredCheckpoint,
  TaskStore,
  type TaskStoreOptions,
} from "./state/task_store.ts";
export {
  CHECKPOINT_VERSION,
  type CheckpointData,
  CheckpointError,
  type CheckpointManifest,
  type CheckpointStatus,
  foldChain,
} from "./state/format.ts";
export type {
  DeadLetterReason,
  JobDefinition,
  Operator,
  TaskLogic,
  TaskOutput,
} from "./runtime/job.ts";
export { JobFailedError, JobRunner, type JobRunnerOptions } from "./runtime/job_runner.ts";
export {
  isRestartable,
  RestartingJob,
  type RestartingJobOptions,
  type RunnableJob,
} from "./runtime/restarting_job.ts";
export { CHANGELOG_VERSION, type ChangelogMeta, changelogTopic } from "./runtime/changelog.ts";
export type { RestoreSource } from "./runtime/task.ts";
export { deadLetterHeaders, deadLetterRecord } from "./runtime/dead_letter.ts";
export { type JobStatus, renderPrometheus, type TaskStatus } from "./runtime/status.ts";
export {
  type DeviceAggregatesConfig,
  deviceAggregatesJob,
  windowAggregate,
} from "./jobs/device_aggregates.ts";
export {
  DEFAULT_COMMAND_REISSUE_MS,
  type OverheatingConfig,
  overheatingJob,
} from "./jobs/overheating.ts";
export {
  DEFAULT_MAX_FUTURE_MS,
  FUTURE_TIMESTAMP,
  READINGS_BY_DEVICE_TOPIC,
  type ReadingsByDeviceConfig,
  readingsByDeviceJob,
} from "./jobs/readings_by_device.ts";
export { keyPartition, murmur2 } from "./jobs/key_partitioner.ts";
export { DEFAULT_SOURCE_IDLE_MS, type SourceOptions } from "./jobs/event_time.ts";
export { LEGACY_SOURCE, SOURCE_HEADER, sourcesOf } from "./jobs/record_source.ts";
export { type VehicleMaxConfig, vehicleMaxJob } from "./jobs/vehicle_max.ts";
/** The processor's option table (flags, `PROCESSOR_*` variables, defaults). */
export { processorCli, processorDefaults } from "./options.ts";
