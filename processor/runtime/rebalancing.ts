/**
 * A job instance's side of the group's rebalances, and putting its input back where its tasks
 * are: on assignment each task restores the checkpoint of the group's committed offset (from
 * local disk or the changelog, `task_setup.ts`); on revocation the instance checkpoints before
 * giving partitions up; a lost partition's task is dropped unsaved (its outputs never committed).
 * After an aborted checkpoint every task rewinds to the last commit and the input seeks back.
 *
 * @module
 */
import { KafkaError, Offset, type RebalanceEvent, type TopicPartition } from "@iot/kafka";
import type { InputSource, KafkaClients, TransactionalOutput } from "./kafka_seam.ts";
import { type ResolvedOptions, RestartableError } from "./runner_options.ts";
import type { RunnerCounters } from "./runner_status.ts";
import { committedOffsets, openTask } from "./task_setup.ts";
import type { TaskSet } from "./task_set.ts";

/** What {@linkcode Rebalancing} works with. */
export interface RebalancingParts {
  /** The runner's options. */
  readonly o: ResolvedOptions;
  /** Makes the changelog reader of a restore. */
  readonly clients: KafkaClients;
  /** The owned tasks. */
  readonly tasks: TaskSet;
  /** The job's input. */
  readonly consumer: InputSource;
  /** The job's output (its transaction is aborted by a rewind). */
  readonly producer: TransactionalOutput;
  /** Counts rebalances and restores. */
  readonly counters: RunnerCounters;
  /** Checkpoints the dirty tasks before `revoking` are given up. */
  readonly checkpoint: (revoking: readonly TopicPartition[]) => Promise<void>;
  /** Whether the run has failed (then nothing is checkpointed any more). */
  readonly failed: () => boolean;
  /** Records the run's failure and stops it. */
  readonly fail: (error: unknown) => void;
}

/**
 * Rebalances and rewinds of one run of a job instance. Call it under the runner's lock. The
 * input loop asks {@linkcode Rebalancing.mark} before a batch and {@linkcode Rebalancing.moved}
 * after taking the lock: a batch fetched around a seek is dropped and the seek repeated.
 */
export class Rebalancing {
  readonly #p: RebalancingParts;
  #seeks = 0;
  #seeking = false;
  #closing = false;

  /** @param parts what it works with. */
  constructor(parts: RebalancingParts) {
    this.#p = parts;
  }

  /** A mark of the input's place: changes with every seek, -1 while one runs. */
  mark(): number {
    return this.#seeking ? -1 : this.#seeks;
  }

  /** Whether the input was (or is being) moved since `mark` was taken. */
  moved(mark: number): boolean {
    return mark !== this.#seeks;
  }

  /**
   * The input is closing: an assignment delivered now is left alone. A consumer leaving the group
   * gives those partitions up at once, and restoring them could wait up to restoreTimeoutMs on
   * the committed offsets of a closing consumer (seen after a broker kill: that timeout then
   * replaced a restartable failure and the instance exited).
   */
  closingInput(): void {
    this.#closing = true;
  }

  /** Handles a rebalance before it takes effect (the consumer awaits it). */
  async handle(event: RebalanceEvent): Promise<void> {
    const { o, tasks, counters } = this.#p;
    const list = event.partitions.map((p) => `${p.topic}[${p.partition}]`).join(", ");
    o.log(`${o.job.name}: ${event.type} ${list || "nothing"}`);
    const started = performance.now();
    try {
      if (event.type === "assigned") {
        if (!this.#closing) await this.#assign(event.partitions);
      } else {
        if (event.type === "revoked" && !this.#p.failed()) {
          await this.#p.checkpoint(event.partitions);
        }
        for (const { topic, partition } of event.partitions) await tasks.remove(topic, partition);
      }
      // How long this instance held the group's work up: checkpoint on revoke, restore on assign.
      const ms = Math.round(performance.now() - started);
      counters.rebalances++;
      counters.lastRebalanceMs = ms;
      o.log(
        `${o.job.name}: rebalance ${event.type} done in ${ms} ms (${tasks.size} tasks owned)`,
      );
    } catch (e) {
      this.#p.fail(e);
      throw e;
    }
  }

  async #assign(partitions: TopicPartition[]): Promise<void> {
    const { o, clients } = this.#p;
    const committed = o.guarantee !== "at-most-once" && partitions.length > 0
      ? await committedOffsets(
        this.#p.consumer,
        partitions.map(({ topic, partition }) => ({ topic, partition })),
        o.restoreTimeoutMs,
        () =>
          o.log(
            `${o.job.name}: waiting for the committed offsets (a transaction of a crashed ` +
              "previous owner holds them until it times out)",
          ),
      )
      : [];
    for (const tp of partitions) {
      const offset = committed.find((c) => c.topic === tp.topic && c.partition === tp.partition)
        ?.offset ?? Offset.INVALID;
      const started = performance.now();
      const { task, source } = await openTask(o, clients, tp, offset >= 0 ? offset : null);
      if (source !== null) this.#p.counters.restores[source]++;
      if (source === "changelog") {
        o.log(
          `${o.job.name}: restored ${tp.topic}[${tp.partition}] from the changelog: ` +
            `${task.stateKeys()} keys in ${Math.round(performance.now() - started)} ms`,
        );
      }
      if (o.guarantee !== "at-most-once") tp.offset = task.nextOffset ?? Offset.BEGINNING;
      this.#p.tasks.add(task);
    }
  }

  /**
   * Aborts the failed transaction (exactly-once) and rewinds every task (except those of
   * `revoking`) to its last committed checkpoint, as if just assigned: state restored, input
   * re-read from the committed offsets. The aborted outputs are never seen by read_committed
   * readers, so the re-processing duplicates nothing; the instance keeps its partitions.
   */
  async rewind(error: KafkaError, revoking: readonly TopicPartition[]): Promise<void> {
    const { o, tasks } = this.#p;
    o.log(`${o.job.name}: checkpoint aborted, rewinding to the last commit: ${error.message}`);
    this.#seeking = true;
    this.#seeks++;
    try {
      if (o.exactlyOnce) await this.#p.producer.abortTransaction();
      const gone = new Set(revoking.map((p) => `${p.topic}\u0000${p.partition}`));
      const keep = (await tasks.removeAll())
        .filter((tp) => !gone.has(`${tp.topic}\u0000${tp.partition}`));
      if (keep.length > 0) await this.#assign(keep);
    } finally {
      this.#seeking = false;
    }
    await this.seekToTasks();
  }

  /**
   * Moves the input to each task's next offset. Batches fetched before this or while it runs
   * are dropped by the input loop (which then calls it again), so no record is skipped or seen
   * twice whatever the consumer had fetched ahead.
   *
   * @throws {RestartableError} when the seek fails without a fatal error.
   */
  async seekToTasks(): Promise<void> {
    const tasks = [...this.#p.tasks.values()];
    this.#seeking = true;
    this.#seeks++;
    try {
      if (tasks.length === 0) return;
      await this.#p.consumer.seek(tasks.map(({ topic, partition, nextOffset }) => ({
        topic,
        partition,
        offset: nextOffset ?? Offset.BEGINNING,
      }))).catch((e) => {
        // Seen under load when a rebalance revoked the partitions mid-seek: the input is at
        // unknown offsets, so the job restarts from its checkpoint instead of reading on.
        if (e instanceof KafkaError && !e.fatal) {
          throw new RestartableError(e.message, { cause: e });
        }
        throw e;
      });
    } finally {
      this.#seeking = false;
    }
  }
}
