/**
 * Options of the job runner, their defaults, and its error.
 *
 * @module
 */
import type { KafkaConfig } from "@iot/kafka";
import type { TaskStoreOptions } from "../state/task_store.ts";
import { type ProcessingGuarantee, processorDefaults } from "../options.ts";
import type { JobDefinition } from "./job.ts";
import type { KafkaClients } from "./kafka_seam.ts";

export type { ProcessingGuarantee };

/** Options of {@linkcode JobRunner}. */
export interface JobRunnerOptions {
  /** The job to run. */
  job: JobDefinition;
  /** Kafka bootstrap servers, e.g. `"127.0.0.1:9092"`. */
  bootstrap: string;
  /** Root of the state directories: tasks use `<stateDir>/<job>/<topic>-<partition>/`. */
  stateDir: string;
  /**
   * Stable id of this instance; names its transactional id and static group membership
   * (`<groupId>-<instanceId>`), so a restarted instance fences its previous incarnation. Default `"0"`.
   */
  instanceId?: string;
  /** Consumer group. Default `processor-<job>`. */
  groupId?: string;
  /** Time between checkpoints (ms). Default 10 000. */
  checkpointIntervalMs?: number;
  /**
   * Backpressure high-water mark: when this many outputs are pending (buffered in tasks plus
   * queued in the producer) the input partitions are paused and a checkpoint flushes them.
   * Default 200 000.
   */
  maxPendingOutputs?: number;
  /** Backpressure low-water mark: paused input resumes at or below this. Default half the high one. */
  resumePendingOutputs?: number;
  /**
   * With exactly-once: mirror task state to the compacted changelog topic
   * `<groupId>-<job>-changelog` in each checkpoint's transaction, and rebuild a task from it when
   * this instance has no matching local checkpoint. Default true.
   */
  changelog?: boolean;
  /** Give up restoring a task from the changelog after this long (ms). Default 120 000. */
  restoreTimeoutMs?: number;
  /** The processing guarantee. Default `"exactly-once"` (or what `exactlyOnce` says). */
  guarantee?: ProcessingGuarantee;
  /**
   * Shorthand of older callers, used when `guarantee` is absent: `true` is `"exactly-once"`,
   * `false` is `"at-most-once"`.
   */
  exactlyOnce?: boolean;
  /** Checkpoint store options. */
  store?: TaskStoreOptions;
  /** Consumer group session timeout (ms). Default 10 000. */
  sessionTimeoutMs?: number;
  /** Extra librdkafka properties for the consumer and producer. Default none. */
  kafkaConfig?: KafkaConfig;
  /** Extra librdkafka properties for the input consumer only (e.g. fetch sizes). Default none. */
  consumerConfig?: KafkaConfig;
  /**
   * Replicas of the topics the job creates (its own topics and the changelog); -1 takes the
   * broker's `default.replication.factor`. Default -1.
   */
  replicationFactor?: number;
  /** `min.insync.replicas` of the topics the job creates. Default: the broker's. */
  minInsyncReplicas?: number;
  /** Create the job's topics if missing. Default true. */
  createTopics?: boolean;
  /**
   * At start, wait this long (ms) for Kafka to answer, logging `waiting for Kafka at …`.
   * Default 60 000.
   */
  kafkaWaitTimeoutMs?: number;
  /** Makes the Kafka clients. Default: librdkafka clients of `bootstrap` (`kafka_clients.ts`). */
  clients?: KafkaClients;
  /** Stops the job with a final checkpoint. */
  signal?: AbortSignal;
  /** Receives log lines. Default `console.error`. */
  log?: (message: string) => void;
}

/** {@linkcode JobRunnerOptions} with every default filled in. */
export type ResolvedOptions =
  & Required<
    Omit<
      JobRunnerOptions,
      | "signal"
      | "store"
      | "kafkaConfig"
      | "consumerConfig"
      | "resumePendingOutputs"
      | "kafkaWaitTimeoutMs"
      | "clients"
      | "minInsyncReplicas"
      | "guarantee"
    >
  >
  & {
    kafkaWaitTimeoutMs?: number;
    minInsyncReplicas?: number;
    clients?: KafkaClients;
    signal?: AbortSignal;
    store: TaskStoreOptions;
    kafkaConfig: KafkaConfig;
    consumerConfig: KafkaConfig;
    resumePendingOutputs: number;
    guarantee: ProcessingGuarantee;
  };

/**
 * Fills in the defaults of `options` (the changelog is only on with exactly-once: an offset
 * committed outside a transaction could not be matched with the changelog's state); those that
 * are also flags come from the processor's option table ({@linkcode processorDefaults}).
 */
export function resolveOptions(options: JobRunnerOptions): ResolvedOptions {
  const job = options.job;
  const d = processorDefaults;
  const guarantee = options.guarantee ??
    (options.exactlyOnce === false ? "at-most-once" : d.processingGuarantee);
  const o: ResolvedOptions = {
    instanceId: d.instanceId,
    groupId: `${d.groupPrefix}-${job.name}`,
    checkpointIntervalMs: d.checkpointIntervalMs,
    maxPendingOutputs: d.maxPendingOutputs,
    changelog: d.changelog,
    restoreTimeoutMs: 120_000,
    sessionTimeoutMs: d.sessionTimeoutMs,
    createTopics: true,
    replicationFactor: d.replicationFactor,
    log: (m) => console.error(m),
    ...options,
    guarantee,
    exactlyOnce: guarantee === "exactly-once",
    store: options.store ?? {},
    kafkaConfig: options.kafkaConfig ?? {},
    consumerConfig: options.consumerConfig ?? {},
    resumePendingOutputs: options.resumePendingOutputs ??
      Math.floor((options.maxPendingOutputs ?? d.maxPendingOutputs) / 2),
  };
  o.changelog &&= o.exactlyOnce;
  return o;
}

/**
 * A failure that leaves the job's clients usable but its input at unknown offsets, which a restart
 * of the job from its last checkpoint cures as a process restart would (`RestartingJob` restarts
 * on it): a seek that timed out while putting the input back at the tasks' offsets, as librdkafka
 * answers when a rebalance takes the partitions away during the seek.
 */
export class RestartableError extends Error {
  /** @param message what failed. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RestartableError";
  }
}

/** Thrown when a job stops because its runtime failed (e.g. a transaction could not commit). */
export class JobFailedError extends Error {
  /** @param message what failed. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "JobFailedError";
  }
}
