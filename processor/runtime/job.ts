/**
 * What a job is to the runtime: the topics it reads and writes, and a factory of per-partition
 * task logic. Job logic turns consumed records into produced records and keeps its state in
 * named core operators; the runtime does every bit of I/O.
 *
 * @module
 */
import type { ConsumerRecord, NewTopic, ProducerRecord } from "@iot/kafka";
import type { KeyedSnapshottable } from "../core/snapshot.ts";

/** A stateful core operator the runtime checkpoints (e.g. a `WindowOperator`). */
// deno-lint-ignore no-explicit-any
export type Operator = KeyedSnapshottable<any, any>;

/** Why a record went to the dead-letter topic. */
export interface DeadLetterReason {
  /** A short machine-readable code, e.g. `"invalid-json"` or `"schema"`. */
  readonly code: string;
  /** One line saying what is wrong. */
  readonly message: string;
}

/** Where task logic sends what it produces. Outputs commit with the next checkpoint. */
export interface TaskOutput {
  /** Sends a result record. */
  emit(record: ProducerRecord): void;
  /**
   * Counts a late record and, when `record` is given, sends it to the late side output (a job
   * sharing its input with another that already publishes late records only counts them).
   */
  late(record?: ProducerRecord): void;
  /** Sends the consumed `record` unchanged to the dead-letter topic, with `reason` in headers. */
  deadLetter(record: ConsumerRecord, reason: DeadLetterReason): void;
}

/** The logic of one task: one input topic-partition of a job. */
export interface TaskLogic {
  /** The stateful operators, by stable name (names are part of the checkpoint format). */
  readonly operators: Readonly<Record<string, Operator>>;
  /**
   * Processes one record, in offset order. Must be deterministic in the records seen.
   *
   * `record` may be a reused `RecordView` (Flink's object reuse; today only tests pass one, see
   * `input_loop.ts`): it is valid only during the call. Keep its fields, never `record` itself:
   * `key`, `value` and header values are views of the batch's buffers (never reused).
   */
  process(record: ConsumerRecord, out: TaskOutput): void;
  /** Scalar state not held by operators (e.g. the watermark generator), as plain data. */
  snapshotMeta(): unknown;
  /** Restores what {@linkcode snapshotMeta} returned. */
  restoreMeta(meta: unknown): void;
  /** The task's event-time watermark for status, or `null` before the first record. */
  watermarkMs(): number | null;
}

/** A job: a named pipeline from input topics to output topics. */
export interface JobDefinition {
  /** Stable name: it names the consumer group, transactional id and state directory. */
  readonly name: string;
  /** Topics consumed; each partition becomes a task. */
  readonly inputs: readonly string[];
  /** Topics the job needs (inputs, outputs, internal ones), created if missing. */
  readonly topics: readonly NewTopic[];
  /** The dead-letter topic. */
  readonly deadLetterTopic: string;
  /** Makes the logic of the task reading `topic` partition `partition`. */
  createTask(topic: string, partition: number): TaskLogic;
}
