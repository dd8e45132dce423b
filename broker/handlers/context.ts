/**
 * What the data-plane handlers share: the topic store (which signals appends), the broker's identity
 * and settings, and (optionally) the idempotent-producer guard and the transaction view.
 *
 * @module
 */
import type { RecordBatchHeader } from "../records/mod.ts";
import type { LogStore } from "../storage/mod.ts";
import type { Logger } from "@iot/service";

/** Identity and settings of this (single) broker. */
export interface BrokerIdentity {
  /** Node id in Metadata (the controller too). */
  nodeId: number;
  /** Host advertised to clients. */
  host: string;
  /** Port advertised to clients. */
  port: number;
  /** Cluster id in Metadata. */
  clusterId: string;
}

/** Topic auto-creation and defaults. */
export interface TopicDefaults {
  /** Create unknown topics asked for in Metadata when the client allows it. */
  autoCreate: boolean;
  /** Partitions of auto-created topics and of CreateTopics with -1. */
  partitions: number;
  /**
   * An auto-created topic stays out of Metadata answers this long after the request that
   * created it, as on Kafka, where creation goes through the controller and reaches the
   * broker's metadata a few tens of ms later. Default: 0 (visible on the next request).
   */
  settleMs?: number;
  /** Clock for `settleMs`, in ms. Default: `performance.now`. */
  now?: () => number;
}

/** The idempotent-producer checks Produce needs (implemented by `ProducerStates`). */
export interface ProducerGuard {
  /** Decides whether a sequenced batch is new, a retry of an acknowledged one, or invalid. */
  check(
    topic: string,
    partition: number,
    batch: RecordBatchHeader,
  ):
    | { kind: "append" }
    | { kind: "duplicate"; baseOffset: number }
    | { kind: "error"; errorCode: number };
  /** Remembers an appended sequenced batch. */
  record(topic: string, partition: number, batch: RecordBatchHeader, baseOffset: number): void;
  /** Forgets the sequences of a deleted topic, so a recreated one never matches old batches. */
  dropTopic(topic: string): void | Promise<void>;
}

/**
 * The transaction view of the data plane (implemented by the transaction coordinator): which
 * transactional batches may be appended, last stable offsets and aborted transactions.
 */
export interface TransactionLog {
  /** 0 if `batch` may be appended (non-transactional, or its txn holds the partition), else 48. */
  checkProduce(topic: string, partition: number, batch: RecordBatchHeader): number;
  /**
   * Remembers a transactional batch whose offsets were just assigned. Call it from the append's
   * `onAssign`, before the batch is readable: its first batch in a partition opens the
   * transaction there (holding the last stable offset) before the returned promise exists; the
   * promise resolves once that is durable in the coordinator's records.
   */
  recordProduce(
    topic: string,
    partition: number,
    batch: RecordBatchHeader,
    baseOffset: number,
  ): Promise<void>;
  /** First offset of the earliest open transaction, or `highWatermark`. */
  lastStableOffset(topic: string, partition: number, highWatermark: number): number;
  /** Aborted transactions overlapping offsets `[from, to)`. */
  abortedTransactions(
    topic: string,
    partition: number,
    from: number,
    to: number,
  ): { producerId: number; firstOffset: number }[];
  /** Forgets a deleted topic's transaction index. */
  dropTopic(topic: string): void | Promise<void>;
}

/** One described config of a group (as DescribeConfigs reports it). */
export interface GroupConfigEntry {
  /** Config key, e.g. `share.auto.offset.reset`. */
  name: string;
  /** Effective value. */
  value: string;
  /** Kafka ConfigSource: 8 (DYNAMIC_GROUP_CONFIG) for a set value, 5 for a default. */
  source: number;
  /** Kafka ConfigType (2 string, 3 int). */
  type: number;
}

/**
 * The GROUP config resource (type 32) of AlterConfigs, IncrementalAlterConfigs and
 * DescribeConfigs (implemented by the share coordinator's group configs).
 */
export interface GroupConfigStore {
  /**
   * Replaces the group's set values by `change(current)` after validating them; throws the
   * storage's `InvalidConfigError` (INVALID_CONFIG) for an unknown key or a bad value.
   */
  alter(
    group: string,
    change: (current: Readonly<Record<string, string>>) => Record<string, string>,
    validateOnly: boolean,
  ): Promise<void>;
  /** The group's configs (set values and defaults), only `keys` unless null. */
  describe(group: string, keys: readonly string[] | null): GroupConfigEntry[];
}

/** Everything a data-plane handler may use. */
export interface BrokerContext {
  /** Topics and partition logs. */
  store: LogStore;
  /** This broker. */
  identity: BrokerIdentity;
  /** Topic defaults. */
  topics: TopicDefaults;
  /** Idempotent-producer state; when absent, sequenced batches are appended unchecked. */
  producers?: ProducerGuard;
  /** Transactions; when absent, LSO = HWM and transactional batches are appended unchecked. */
  transactions?: TransactionLog;
  /** Log sink. */
  logger: Logger;
  /** Group configs; when absent, GROUP config resources are refused. */
  groupConfigs?: GroupConfigStore;
}
