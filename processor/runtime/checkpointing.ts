/**
 * When and how a job instance checkpoints (the protocol itself is `checkpoint.ts`): on the
 * interval, when outputs pile up (backpressure pauses the input until they are flushed), on
 * revocation and at the end; an abortable failure rewinds to the last commit instead of failing.
 *
 * @module
 */
import { ErrorCode, KafkaError, type TopicPartition } from "@iot/kafka";
import type { Backpressure } from "./backpressure.ts";
import { checkpointTasks, EagerOutputs } from "./checkpoint.ts";
import type { InputSource, TransactionalOutput } from "./kafka_seam.ts";
import type { ResolvedOptions } from "./runner_options.ts";
import type { RunnerCounters } from "./runner_status.ts";
import type { TaskSet } from "./task_set.ts";

/**
 * Offset-commit errors that mean "this member's generation is stale, rejoin": ILLEGAL_GENERATION
 * (22), UNKNOWN_MEMBER_ID (25), REBALANCE_IN_PROGRESS (27).
 */
const STALE_MEMBER_CODES: ReadonlySet<number> = new Set([22, 25, ErrorCode.REBALANCE_IN_PROGRESS]);

/** What {@linkcode Checkpointing} works with. */
export interface CheckpointingParts {
  /** The runner's options. */
  readonly o: ResolvedOptions;
  /** The owned tasks. */
  readonly tasks: TaskSet;
  /** The job's output. */
  readonly producer: TransactionalOutput;
  /** The job's input. */
  readonly consumer: InputSource;
  /** Counts checkpoints and outputs. */
  readonly counters: RunnerCounters;
  /** The input's backpressure. */
  readonly backpressure: Backpressure;
  /** Aborts and rewinds every task but those of `revoking` to the last commit. */
  readonly rewind: (error: KafkaError, revoking: readonly TopicPartition[]) => Promise<void>;
  /** Records the run's failure and stops it. */
  readonly fail: (error: unknown) => void;
}

/** The checkpoints of one run of a job instance. Call it under the runner's lock. */
export class Checkpointing {
  readonly #p: CheckpointingParts;
  /** At-least-once: outputs sent as soon as a batch is processed. */
  readonly #eager: EagerOutputs | null;
  #last = performance.now();

  /** @param parts what it works with. */
  constructor(parts: CheckpointingParts) {
    this.#p = parts;
    this.#eager = parts.o.guarantee === "at-least-once" ? new EagerOutputs(parts.producer) : null;
  }

  /** Whether the checkpoint interval has passed since the last checkpoint. */
  due(): boolean {
    return performance.now() - this.#last >= this.#p.o.checkpointIntervalMs;
  }

  /**
   * After a batch was processed: sends at-least-once outputs, then pauses the input and flushes
   * when outputs pile up, or checkpoints when one is due or the backlog is full.
   */
  async afterBatch(): Promise<void> {
    this.#eager?.send(this.#p.tasks.values());
    const pressure = this.#pressure();
    if (this.#p.backpressure.update(pressure) === "pause") {
      this.#pauseInput(true);
      await this.checkpoint(); // flushes; resumes the input once below the low mark
    } else if (this.due() || this.#p.backpressure.full(pressure)) await this.checkpoint();
  }

  /**
   * Commits a checkpoint of the dirty tasks. An abortable transaction failure (typically a
   * rebalance that moved the group's generation on while the offsets were being added) rewinds
   * instead of failing (`Rebalancing.rewind`); `revoking` are the partitions a revocation is
   * about to take away (they need no rewind).
   */
  async checkpoint(revoking: readonly TopicPartition[] = []): Promise<void> {
    const p = this.#p;
    this.#last = performance.now();
    const started = performance.now();
    let done;
    try {
      done = await checkpointTasks(
        p.tasks.values(),
        p.producer,
        p.consumer,
        p.o.guarantee,
        this.#eager ?? undefined,
      );
    } catch (e) {
      if (this.#rewindable(e)) {
        await p.rewind(e, revoking);
        return;
      }
      // Fail at once: a revocation that follows must not checkpoint again, since the outputs
      // taken for this transaction are gone from the tasks.
      p.fail(e);
      throw e;
    }
    p.counters.recordsOut += done.outputs;
    p.counters.changelogRecords += done.changelog;
    // Everything sent is acknowledged now (the producer's queue may still hold their delivery
    // events), so only outputs buffered in tasks since count.
    if (p.backpressure.update(p.tasks.buffered()) === "resume") this.#pauseInput(false);
    if (done.tasks === 0 || p.o.guarantee === "at-most-once") return;
    p.counters.checkpoints++;
    p.counters.lastCheckpointDurationMs = performance.now() - started;
  }

  /** Outputs not yet committed: buffered in tasks plus queued in the producer. */
  #pressure(): number {
    return this.#p.tasks.buffered() + this.#p.producer.queueLength;
  }

  #pauseInput(pause: boolean): void {
    const { consumer, o } = this.#p;
    const partitions = this.#p.tasks.partitions();
    if (partitions.length === 0) return;
    if (pause) consumer.pause(partitions);
    else consumer.resume(partitions);
    o.log(
      `${o.job.name}: ${pause ? "paused" : "resumed"} input (${this.#pressure()} pending outputs)`,
    );
  }

  /**
   * Whether a rewind to the last commit recovers from the checkpoint failure `e`: an abortable
   * exactly-once transaction, or an at-least-once offset commit the group refused because a
   * rebalance moved its generation on (Kafka's CommitFailedException; the outputs were sent, so
   * re-processing from the last commit only repeats them, as at-least-once allows).
   */
  #rewindable(e: unknown): e is KafkaError {
    if (!(e instanceof KafkaError) || e.fatal) return false;
    if (this.#p.o.exactlyOnce) return e.txnRequiresAbort;
    return this.#p.o.guarantee === "at-least-once" && STALE_MEMBER_CODES.has(e.code);
  }
}
