/**
 * A running task: one input topic-partition of a job with its logic, checkpoint store, buffered
 * outputs and counters.
 *
 * @module
 */
import type { ConsumerRecord, ProducerRecord } from "@iot/kafka";
import { CheckpointError, type CheckpointManifest } from "../state/format.ts";
import type { CheckpointInput, TaskStore } from "../state/task_store.ts";
import { type ChangelogPlace, changelogRecords, type ChangelogState } from "./changelog.ts";
import { deadLetterRecord } from "./dead_letter.ts";
import type { TaskStatus } from "./status.ts";
import type { DeadLetterReason, TaskLogic, TaskOutput } from "./job.ts";

/** Counters of a task; they are checkpointed, so they count each input record once. */
export interface TaskCounters {
  /** Records consumed. */
  recordsIn: number;
  /** Records produced (results, late records and dead letters). */
  recordsOut: number;
  /** Records sent to the late side output. */
  late: number;
  /** Records sent to the dead-letter topic. */
  deadLetters: number;
}

/** The last checkpoint of a task, for status. */
export interface CheckpointInfo {
  /** When it was written (ms since the epoch). */
  readonly atMs: number;
  /** How long writing the task's files took (ms). */
  readonly durationMs: number;
  /** Bytes of its data files. */
  readonly bytes: number;
  /** Keys with state, over all operators. */
  readonly keys: number;
}

interface TaskMeta {
  readonly logic: unknown;
  readonly counters: TaskCounters;
  /** The changelog epoch (absent in checkpoints written without a changelog). */
  readonly epoch?: string;
}

/** Where a task's state came from on assignment. */
export type RestoreSource = "empty" | "local" | "changelog";

/** One task's logic, state store and pending outputs. */
export class Task implements TaskOutput {
  /** The input topic. */
  readonly topic: string;
  /** The input partition. */
  readonly partition: number;
  /** The counters (checkpointed). */
  counters: TaskCounters = { recordsIn: 0, recordsOut: 0, late: 0, deadLetters: 0 };
  /** The next offset to consume, or `null` before the first record or checkpoint. */
  nextOffset: number | null = null;
  /** The last checkpoint, or `null` before the first. */
  lastCheckpoint: CheckpointInfo | null = null;
  readonly #logic: TaskLogic;
  readonly #store: TaskStore;
  readonly #job: string;
  readonly #deadLetterTopic: string;
  #outputs: ProducerRecord[] = [];
  #checkpointedOffset: number | null = null;
  readonly #changelog: ChangelogPlace | null;
  #epoch: string | null = null;
  readonly #eagerRestore: boolean;

  /** Wraps `logic` reading `topic`/`partition` with its `store`. */
  constructor(
    options: {
      topic: string;
      partition: number;
      job: string;
      deadLetterTopic: string;
      logic: TaskLogic;
      store: TaskStore;
      /** Where the task's changelog lives; `null`/absent: no changelog. */
      changelog?: ChangelogPlace | null;
      /**
       * Build every key's state at restore instead of on first use (`RestoreOptions.eager`);
       * only benchmarks set it, as the baseline of the lazy restore. Default false.
       */
      eagerRestore?: boolean;
    },
  ) {
    this.#changelog = options.changelog ?? null;
    this.#eagerRestore = options.eagerRestore ?? false;
    this.topic = options.topic;
    this.partition = options.partition;
    this.#job = options.job;
    this.#deadLetterTopic = options.deadLetterTopic;
    this.#logic = options.logic;
    this.#store = options.store;
  }

  /** Whether records were consumed since the last checkpoint. */
  get dirty(): boolean {
    return this.nextOffset !== this.#checkpointedOffset;
  }

  /** Outputs waiting for the next checkpoint's transaction. */
  get pendingOutputs(): number {
    return this.#outputs.length;
  }

  /** The task's watermark. */
  watermarkMs(): number | null {
    return this.#logic.watermarkMs();
  }

  /** Keys with state as of the last checkpoint. */
  stateKeys(): number {
    return Object.values(this.#store.keyCounts()).reduce((a, b) => a + b, 0);
  }

  /**
   * Rebuilds the state of the checkpoint whose offset is `committedOffset` (`null`: nothing
   * committed, start empty): from the local checkpoint with that offset when there is one,
   * otherwise from `loadChangelog()` (then written locally as a fresh base checkpoint).
   *
   * @throws {CheckpointError} when neither holds the state of `committedOffset`.
   */
  async restore(
    committedOffset: number | null,
    loadChangelog?: () => Promise<ChangelogState | null>,
  ): Promise<RestoreSource> {
    this.#checkpointedOffset = this.nextOffset = committedOffset;
    if (committedOffset === null) {
      await this.#store.restore(null);
      return "empty";
    }
    let localError: CheckpointError;
    try {
      const restored = await this.#store.restore(committedOffset);
      if (restored !== null) {
        restored.chain.forEach((data, i) => this.#applyOperators(data.operators, i === 0));
        this.#applyMeta(restored.manifest.task as TaskMeta);
        this.lastCheckpoint = checkpointInfo(restored.manifest, 0, this.stateKeys());
        return "local";
      }
      localError = new CheckpointError("no local checkpoint");
    } catch (e) {
      if (!(e instanceof CheckpointError)) throw e;
      localError = e;
    }
    const state = loadChangelog ? await loadChangelog() : null;
    if (state !== null && state.meta.offset === committedOffset) {
      await this.#restoreFromChangelog(state);
      return "changelog";
    }
    // A stateless task (e.g. a re-keying stage) needs no checkpoint to resume.
    if (Object.keys(this.#logic.operators).length === 0) {
      await this.#store.restore(null);
      return "empty";
    }
    const found = state === null
      ? (this.#changelog === null ? "no changelog" : "no state in the changelog")
      : `the changelog holds offset ${state.meta.offset}`;
    throw new CheckpointError(`${localError.message}; ${found}`, { cause: localError });
  }

  async #restoreFromChangelog(state: ChangelogState): Promise<void> {
    await this.#store.restore(null);
    this.#applyOperators(state.operators, true);
    const meta = state.meta.task as TaskMeta;
    this.#applyMeta({ ...meta, epoch: state.meta.epoch });
    const operators: CheckpointInput["operators"] = {};
    for (const [name, op] of Object.entries(this.#logic.operators)) operators[name] = op.snapshot();
    const task: TaskMeta = { ...meta, epoch: state.meta.epoch };
    const manifest = await this.writeCheckpoint({
      offset: state.meta.offset,
      task,
      kind: "base",
      operators,
    });
    await this.#store.markCommitted(manifest);
  }

  #applyOperators(operators: CheckpointInput["operators"], full: boolean): void {
    for (const [name, op] of Object.entries(this.#logic.operators)) {
      const snapshot = operators[name];
      if (snapshot === undefined) continue;
      // Just parsed from a checkpoint file or the changelog, used for nothing else: no copy.
      if (full) op.restore(snapshot, { owned: true, eager: this.#eagerRestore });
      else op.restoreKeys(snapshot, { owned: true });
    }
  }

  #applyMeta(meta: TaskMeta): void {
    this.#logic.restoreMeta(meta.logic);
    this.counters = { ...meta.counters };
    this.#epoch = meta.epoch ?? null;
  }

  /** Processes one consumed record. */
  process(record: ConsumerRecord): void {
    this.counters.recordsIn++;
    this.#logic.process(record, this);
    this.nextOffset = record.offset + 1;
  }

  emit(record: ProducerRecord): void {
    this.counters.recordsOut++;
    this.#outputs.push(record);
  }

  late(record?: ProducerRecord): void {
    this.counters.late++;
    if (record !== undefined) this.emit(record);
  }

  deadLetter(record: ConsumerRecord, reason: DeadLetterReason): void {
    this.counters.deadLetters++;
    this.emit(deadLetterRecord(this.#deadLetterTopic, this.#job, record, reason));
  }

  /** Takes the outputs buffered since the last call. */
  takeOutputs(): ProducerRecord[] {
    const outputs = this.#outputs;
    this.#outputs = [];
    return outputs;
  }

  /** Captures the state to checkpoint now (a base or the changed keys), synchronously. */
  captureCheckpoint(): CheckpointInput {
    if (this.nextOffset === null) throw new Error("captureCheckpoint: nothing consumed yet");
    // A changelog needs a base of its own before deltas mean anything (new epoch).
    const base = this.#store.needsBase || (this.#changelog !== null && this.#epoch === null);
    if (base) this.#epoch = crypto.randomUUID();
    const operators: CheckpointInput["operators"] = {};
    for (const [name, op] of Object.entries(this.#logic.operators)) {
      operators[name] = base ? op.snapshot() : op.snapshotKeys(op.changedKeys());
    }
    const task: TaskMeta = {
      logic: this.#logic.snapshotMeta(),
      counters: { ...this.counters },
      ...(this.#epoch !== null ? { epoch: this.#epoch } : {}),
    };
    return { offset: this.nextOffset, task, kind: base ? "base" : "delta", operators };
  }

  /** The changelog records of a captured checkpoint (none without a changelog). */
  changelogRecords(input: CheckpointInput): ProducerRecord[] {
    if (this.#changelog === null) return [];
    return changelogRecords(this.#changelog, input, (input.task as TaskMeta).epoch!);
  }

  /** Writes a captured checkpoint as pending. */
  async writeCheckpoint(input: CheckpointInput): Promise<CheckpointManifest> {
    const started = performance.now();
    const manifest = await this.#store.write(input);
    this.lastCheckpoint = checkpointInfo(manifest, performance.now() - started, this.stateKeys());
    return manifest;
  }

  /** Marks a checkpoint committed once its transaction committed. */
  async committed(manifest: CheckpointManifest): Promise<void> {
    this.#checkpointedOffset = manifest.offset;
    await this.#store.markCommitted(manifest);
  }

  /** Marks the task clean without a checkpoint (when checkpoints are off). */
  skipCheckpoint(): void {
    this.#checkpointedOffset = this.nextOffset;
  }

  /** The task's status, given its `lag` (asked of the broker) at wall-clock time `nowMs`. */
  status(lag: number | null, nowMs: number): TaskStatus {
    const cp = this.lastCheckpoint;
    return {
      topic: this.topic,
      partition: this.partition,
      offset: this.nextOffset,
      lag,
      watermarkMs: this.watermarkMs(),
      ...this.counters,
      stateKeys: this.stateKeys(),
      pendingOutputs: this.pendingOutputs,
      checkpointAgeMs: cp ? nowMs - cp.atMs : null,
      checkpointDurationMs: cp ? cp.durationMs : null,
      checkpointBytes: cp ? cp.bytes : null,
    };
  }

  /** Waits for background work of the store. */
  async close(): Promise<void> {
    await this.#store.close();
  }
}

function checkpointInfo(m: CheckpointManifest, durationMs: number, keys: number): CheckpointInfo {
  return { atMs: m.createdAtMs, durationMs, bytes: m.bytes, keys };
}
