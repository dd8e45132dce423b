/**
 * Runs one job in a consumer group: one task per assigned input partition, outputs and consumed
 * offsets committed in one Kafka transaction per checkpoint, consistent with the tasks' state
 * checkpoints on disk.
 *
 * The checkpoint protocol is in `checkpoint.ts`. On assignment a task restores the local
 * checkpoint whose offset equals the group's committed offset, or, when this instance has none
 * (the partition moved from another machine, the disk was wiped), rebuilds its state from the
 * job's changelog topic (`changelog.ts`), and consumes from there; on revocation the instance
 * checkpoints before giving partitions up; a lost partition's task is dropped unsaved (its
 * outputs never committed). When outputs pile up the input is paused while they are flushed
 * (`backpressure.ts`).
 *
 * Kafka is reached through the narrow interfaces of `kafka_seam.ts` (option `clients`), so unit
 * tests run the runner over the in-memory fakes of `@iot/kafka/testing`.
 *
 * Idle input: a task's windows close only when its own event time advances; there is no
 * processing-time flush. Firing a quiet partition's windows on wall-clock idleness would make
 * the results depend on timing (a late burst after the timeout would find its windows gone),
 * which is why Flink's idleness only stops an idle input from holding back a combined
 * watermark (`PartitionWatermarks`) and never advances a single input's own watermark.
 *
 * @module
 */
import {
  ErrorCode,
  KafkaError,
  Offset,
  type RebalanceEvent,
  type TopicPartition,
} from "@iot/kafka";
import { Backpressure } from "./backpressure.ts";
import { checkpointTasks, EagerOutputs } from "./checkpoint.ts";
import { kafkaClients } from "./kafka_clients.ts";
import type { InputSource, KafkaClients, TransactionalOutput } from "./kafka_seam.ts";
import { Mutex } from "./mutex.ts";
import { processorDefaults } from "../options.ts";
import {
  JobFailedError,
  type JobRunnerOptions,
  type ResolvedOptions,
  resolveOptions,
  RestartableError,
} from "./runner_options.ts";
import type { JobStatus, TaskStatus } from "./status.ts";
import type { Task } from "./task.ts";
import { committedOffsets, createChangelogTopic, createJobTopics, openTask } from "./task_setup.ts";

export { JobFailedError, type JobRunnerOptions, RestartableError };

/**
 * Offset-commit errors that mean "this member's generation is stale, rejoin": ILLEGAL_GENERATION
 * (22), UNKNOWN_MEMBER_ID (25), REBALANCE_IN_PROGRESS (27).
 */
const STALE_MEMBER_CODES: ReadonlySet<number> = new Set([22, 25, ErrorCode.REBALANCE_IN_PROGRESS]);

/**
 * Runs a {@linkcode JobDefinition} until `signal` aborts.
 *
 * @example
 * ```ts ignore
 * const runner = new JobRunner({ job: deviceAggregatesJob(config), bootstrap, stateDir });
 * await runner.run(); // until the signal aborts; ends with a final checkpoint
 * ```
 */
export class JobRunner {
  readonly #o: ResolvedOptions;
  readonly #clients: KafkaClients;
  readonly #backpressure: Backpressure;
  readonly #tasks = new Map<string, Task>();
  readonly #lock = new Mutex();
  readonly #stop = new AbortController();
  #consumer: InputSource | null = null;
  #producer: TransactionalOutput | null = null;
  /** At-least-once: outputs sent as soon as a batch is processed. */
  #eager: EagerOutputs | null = null;
  #failure: unknown = null;
  #lastCheckpoint = performance.now();
  #checkpoints = 0;
  #lastCheckpointDurationMs: number | null = null;
  #recordsIn = 0;
  #recordsOut = 0;
  #changelogRecords = 0;
  readonly #restores = { empty: 0, local: 0, changelog: 0 };
  #rebalances = 0;
  #rewinds = 0;
  #seeking = false;
  /** The input is closing: an assignment delivered now is left alone (no task is restored). */
  #closingInput = false;
  #lastRebalanceMs: number | null = null;

  /** @param options the job, Kafka and state settings. */
  constructor(options: JobRunnerOptions) {
    this.#o = resolveOptions(options);
    this.#clients = options.clients ?? kafkaClients(this.#o);
    this.#backpressure = new Backpressure(
      this.#o.maxPendingOutputs,
      this.#o.resumePendingOutputs,
    );
  }

  /** The job's name. */
  get name(): string {
    return this.#o.job.name;
  }

  /**
   * Runs until the signal aborts (then takes a final checkpoint and leaves the group) or the
   * runtime fails.
   *
   * @throws {JobFailedError} when a checkpoint, transaction or restore failed.
   */
  async run(): Promise<void> {
    const o = this.#o;
    const clients = this.#clients;
    const stop = AbortSignal.any([this.#stop.signal, ...(o.signal ? [o.signal] : [])]);
    await clients.waitReady({
      timeoutMs: o.kafkaWaitTimeoutMs ?? processorDefaults.kafkaWaitMs,
      signal: stop,
      log: (line) => o.log(`${o.job.name}: ${line}`),
    });
    if (o.createTopics) await createJobTopics(o, clients);
    if (o.changelog) await createChangelogTopic(o, clients);
    const producer = this.#producer = clients.output({
      transactionalId: o.exactlyOnce ? `${o.groupId}-${o.instanceId}` : null,
    });
    try {
      if (o.exactlyOnce) await producer.initTransactions();
      if (o.guarantee === "at-least-once") this.#eager = new EagerOutputs(producer);
      const consumer = this.#consumer = clients.input({
        groupId: o.groupId,
        instanceId: `${o.groupId}-${o.instanceId}`,
        sessionTimeoutMs: o.sessionTimeoutMs,
        onRebalance: (event) => this.#lock.run(() => this.#onRebalance(event)),
        onError: (error) => {
          if (error.fatal) this.#fail(error);
        },
      });
      consumer.subscribe(o.job.inputs);
      const timer = setInterval(() => {
        if (!this.#lock.held && this.#due()) {
          this.#lock.run(() => this.#checkpoint()).catch((e) => this.#fail(e));
        }
      }, Math.max(10, Math.min(1_000, o.checkpointIntervalMs / 4)));
      let lastYield = performance.now();
      try {
        for await (const batch of consumer.batches({ maxMessages: 4096, signal: stop })) {
          const rewinds = this.#seeking ? -1 : this.#rewinds;
          await this.#lock.run(async () => {
            // Fetched around a rewind's seek: put the input back where the tasks are.
            if (rewinds !== this.#rewinds) return await this.#seekToTasks();
            // Batches come in runs of one partition: look the task up once per run.
            let task: Task | null = null, topic = "", partition = -1;
            for (const record of batch) {
              if (record.partition !== partition || record.topic !== topic) {
                ({ topic, partition } = record);
                task = this.#taskOf(topic, partition);
              }
              task!.process(record);
            }
            this.#recordsIn += batch.length;
            this.#eager?.send(this.#tasks.values());
            const pressure = this.#pressure();
            if (this.#backpressure.update(pressure) === "pause") {
              this.#pauseInput(true);
              await this.#checkpoint(); // flushes; resumes the input once below the low mark
            } else if (this.#due() || this.#backpressure.full(pressure)) await this.#checkpoint();
          });
          // With a backlog, batches arrive without a macrotask turn; let timers and the status
          // server run now and then.
          if (performance.now() - lastYield > 25) {
            await new Promise((resolve) => setTimeout(resolve, 0));
            lastYield = performance.now();
          }
        }
        this.#throwIfFailed();
        await this.#lock.run(() => this.#checkpoint());
      } catch (e) {
        // Recorded before close(): it delivers pending rebalances, which must then neither
        // checkpoint nor restore tasks, nor replace this failure with one of their own.
        this.#fail(e);
        throw e;
      } finally {
        clearInterval(timer);
        this.#closingInput = true;
        await consumer.close().catch((e) => {
          // After a committed final checkpoint nothing is left to lose: a group that fenced this
          // member meanwhile (e.g. its coordinator moved to another broker) is only reported.
          if (this.#failure !== null) throw e;
          o.log(`${o.job.name}: leaving the group failed: ${(e as Error).message}`);
        });
      }
      this.#throwIfFailed();
    } catch (e) {
      this.#fail(e);
      throw this.#failure;
    } finally {
      for (const task of this.#tasks.values()) await task.close();
      this.#tasks.clear();
      await producer.close();
      this.#consumer = this.#producer = this.#eager = null;
    }
  }

  /** The job's status, with per-task lag asked of the broker. */
  async status(): Promise<JobStatus> {
    const now = Date.now();
    const tasks: TaskStatus[] = [];
    for (const task of [...this.#tasks.values()]) {
      tasks.push(task.status(await this.#lag(task), now));
    }
    return {
      job: this.#o.job.name,
      instanceId: this.#o.instanceId,
      exactlyOnce: this.#o.exactlyOnce,
      guarantee: this.#o.guarantee,
      recordsIn: this.#recordsIn,
      recordsOut: this.#recordsOut,
      checkpoints: this.#checkpoints,
      lastCheckpointDurationMs: this.#lastCheckpointDurationMs,
      changelogRecords: this.#changelogRecords,
      restores: { ...this.#restores },
      groupId: this.#o.groupId,
      rebalances: this.#rebalances,
      lastRebalanceMs: this.#lastRebalanceMs,
      paused: this.#backpressure.paused,
      pauses: this.#backpressure.pauses,
      tasks,
    };
  }

  /**
   * Records after the task's position, or `null` when unknown. On a transactional input the
   * commit marker occupies the offset after the last record: the consumer's position moves past
   * it while the task's next offset does not, so the position counts when it is ahead.
   */
  async #lag(task: Task): Promise<number | null> {
    const consumer = this.#consumer;
    if (consumer === null || task.nextOffset === null) return null;
    try {
      const tp = { topic: task.topic, partition: task.partition };
      const { high } = await consumer.watermarkOffsets(tp.topic, tp.partition, 2_000);
      const position = consumer.position([tp])[0]?.offset ?? -1;
      return Math.max(0, high - Math.max(task.nextOffset, position));
    } catch {
      return null;
    }
  }

  #due(): boolean {
    return performance.now() - this.#lastCheckpoint >= this.#o.checkpointIntervalMs;
  }

  /** Outputs not yet committed: buffered in tasks plus queued in the producer. */
  #pressure(): number {
    return this.#buffered() + (this.#producer?.queueLength ?? 0);
  }

  #buffered(): number {
    let n = 0;
    for (const task of this.#tasks.values()) n += task.pendingOutputs;
    return n;
  }

  #pauseInput(pause: boolean): void {
    const consumer = this.#consumer;
    if (consumer === null) return;
    const partitions = [...this.#tasks.values()].map(({ topic, partition }) => ({
      topic,
      partition,
    }));
    if (partitions.length === 0) return;
    if (pause) consumer.pause(partitions);
    else consumer.resume(partitions);
    this.#o.log(
      `${this.#o.job.name}: ${
        pause ? "paused" : "resumed"
      } input (${this.#pressure()} pending outputs)`,
    );
  }

  #taskOf(topic: string, partition: number): Task {
    const task = this.#tasks.get(`${topic}\u0000${partition}`);
    if (task === undefined) {
      throw new JobFailedError(`Received a record of ${topic} [${partition}], which has no task`);
    }
    return task;
  }

  #fail(error: unknown): void {
    if (this.#failure !== null) return;
    // Logged at once: what follows (closing the clients) can take long.
    this.#o.log(`${this.#o.job.name}: stopping after a failure: ${(error as Error)?.message}`);
    this.#failure = error instanceof JobFailedError ? error : new JobFailedError(
      `Job ${this.#o.job.name} failed: ${(error as Error)?.message ?? error}`,
      { cause: error },
    );
    this.#stop.abort();
  }

  #throwIfFailed(): void {
    if (this.#failure !== null) throw this.#failure;
  }

  async #onRebalance(event: RebalanceEvent): Promise<void> {
    const list = event.partitions.map((p) => `${p.topic}[${p.partition}]`).join(", ");
    this.#o.log(`${this.#o.job.name}: ${event.type} ${list || "nothing"}`);
    const started = performance.now();
    try {
      if (event.type === "assigned") {
        // A consumer that is leaving the group gives these up at once; restoring them could
        // wait up to restoreTimeoutMs on the committed offsets of a closing consumer.
        if (!this.#closingInput) await this.#assign(event.partitions);
      } else {
        if (event.type === "revoked" && this.#failure === null) {
          await this.#checkpoint(event.partitions);
        }
        for (const { topic, partition } of event.partitions) {
          const key = `${topic}\u0000${partition}`;
          await this.#tasks.get(key)?.close();
          this.#tasks.delete(key);
        }
      }
      // How long this instance held the group's work up: checkpoint on revoke, restore on assign.
      const ms = Math.round(performance.now() - started);
      this.#rebalances++;
      this.#lastRebalanceMs = ms;
      this.#o.log(
        `${this.#o.job.name}: rebalance ${event.type} done in ${ms} ms ` +
          `(${this.#tasks.size} tasks owned)`,
      );
    } catch (e) {
      this.#fail(e);
      throw e;
    }
  }

  async #assign(partitions: TopicPartition[]): Promise<void> {
    const o = this.#o;
    const committed = o.guarantee !== "at-most-once" && partitions.length > 0
      ? await committedOffsets(
        this.#consumer!,
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
      const { task, source } = await openTask(o, this.#clients, tp, offset >= 0 ? offset : null);
      if (source !== null) this.#restores[source]++;
      if (source === "changelog") {
        o.log(
          `${o.job.name}: restored ${tp.topic}[${tp.partition}] from the changelog: ` +
            `${task.stateKeys()} keys in ${Math.round(performance.now() - started)} ms`,
        );
      }
      if (o.guarantee !== "at-most-once") tp.offset = task.nextOffset ?? Offset.BEGINNING;
      this.#tasks.set(`${tp.topic}\u0000${tp.partition}`, task);
    }
  }

  /**
   * Whether a rewind to the last commit recovers from the checkpoint failure `e`: an abortable
   * exactly-once transaction, or an at-least-once offset commit the group refused because a
   * rebalance moved its generation on (Kafka's CommitFailedException; the outputs were sent, so
   * re-processing from the last commit only repeats them, as at-least-once allows).
   */
  #rewindable(e: unknown): e is KafkaError {
    if (!(e instanceof KafkaError) || e.fatal) return false;
    if (this.#o.exactlyOnce) return e.txnRequiresAbort;
    return this.#o.guarantee === "at-least-once" && STALE_MEMBER_CODES.has(e.code);
  }

  /**
   * Aborts the failed transaction (exactly-once) and rewinds every task (except those of `revoking`) to its
   * last committed checkpoint, as if just assigned: state restored, input re-read from the
   * committed offsets. The aborted outputs are never seen by read_committed readers, so the
   * re-processing duplicates nothing; the instance keeps its partitions and goes on.
   */
  async #rewind(error: KafkaError, revoking: readonly TopicPartition[]): Promise<void> {
    const o = this.#o;
    o.log(`${o.job.name}: checkpoint aborted, rewinding to the last commit: ${error.message}`);
    this.#seeking = true;
    this.#rewinds++;
    try {
      if (this.#o.exactlyOnce) await this.#producer!.abortTransaction();
      const gone = new Set(revoking.map((p) => `${p.topic}\u0000${p.partition}`));
      const keep: TopicPartition[] = [];
      for (const [key, task] of this.#tasks) {
        await task.close();
        this.#tasks.delete(key);
        if (!gone.has(key)) keep.push({ topic: task.topic, partition: task.partition });
      }
      if (keep.length > 0) await this.#assign(keep);
    } finally {
      this.#seeking = false;
    }
    await this.#seekToTasks();
  }

  /**
   * Moves the input to each task's next offset. Batches fetched before this or while it runs
   * are dropped by the batch loop (which then calls it again), so no record is skipped or seen
   * twice whatever the consumer had fetched ahead.
   */
  async #seekToTasks(): Promise<void> {
    const tasks = [...this.#tasks.values()];
    this.#seeking = true;
    this.#rewinds++;
    try {
      if (tasks.length === 0) return;
      await this.#consumer!.seek(tasks.map(({ topic, partition, nextOffset }) => ({
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

  /**
   * Commits a checkpoint of the dirty tasks. An abortable transaction failure (typically a
   * rebalance that moved the group's generation on while the offsets were being added) rewinds
   * instead of failing: see {@linkcode JobRunner.#rewind}; `revoking` are the partitions a
   * revocation is about to take away (they need no rewind).
   */
  async #checkpoint(revoking: readonly TopicPartition[] = []): Promise<void> {
    this.#lastCheckpoint = performance.now();
    const started = performance.now();
    let done;
    try {
      done = await checkpointTasks(
        this.#tasks.values(),
        this.#producer!,
        this.#consumer!,
        this.#o.guarantee,
        this.#eager ?? undefined,
      );
    } catch (e) {
      if (this.#rewindable(e)) {
        await this.#rewind(e, revoking);
        return;
      }
      // Fail at once: a revocation that follows must not checkpoint again, since the outputs
      // taken for this transaction are gone from the tasks.
      this.#fail(e);
      throw e;
    }
    this.#recordsOut += done.outputs;
    this.#changelogRecords += done.changelog;
    // Everything sent is acknowledged now (the producer's queue may still hold their delivery
    // events), so only outputs buffered in tasks since count.
    if (this.#backpressure.update(this.#buffered()) === "resume") this.#pauseInput(false);
    if (done.tasks === 0 || this.#o.guarantee === "at-most-once") return;
    this.#checkpoints++;
    this.#lastCheckpointDurationMs = performance.now() - started;
  }
}
