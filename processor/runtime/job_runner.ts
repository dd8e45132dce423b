/**
 * Runs one job in a consumer group: one task per assigned input partition, outputs and consumed
 * offsets committed in one Kafka transaction per checkpoint, consistent with the tasks' state
 * checkpoints on disk.
 *
 * The checkpoint protocol is in `checkpoint.ts`. On assignment a task restores the checkpoint
 * whose offset equals the group's committed offset and consumes from there; on revocation the
 * instance checkpoints before giving partitions up; a lost partition's task is dropped
 * unsaved (its outputs never committed).
 *
 * @module
 */
import {
  Admin,
  Consumer,
  type KafkaConfig,
  Offset,
  Producer,
  type RebalanceEvent,
  type TopicPartition,
} from "@iot/kafka";
import { TaskStore, type TaskStoreOptions } from "../state/task_store.ts";
import type { JobDefinition } from "./job.ts";
import { checkpointTasks } from "./checkpoint.ts";
import { Mutex } from "./mutex.ts";
import type { JobStatus, TaskStatus } from "./status.ts";
import { Task } from "./task.ts";

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
  /** Checkpoint early when this many outputs are buffered (backpressure). Default 200 000. */
  maxPendingOutputs?: number;
  /**
   * `true` (default): state checkpoints and transactions (exactly-once). `false`: no state
   * checkpoints, no offset commits, outputs sent on the interval without a transaction (for
   * benchmarks; state is lost on restart).
   */
  exactlyOnce?: boolean;
  /** Checkpoint store options. */
  store?: TaskStoreOptions;
  /** Consumer group session timeout (ms). Default 10 000. */
  sessionTimeoutMs?: number;
  /** Extra librdkafka properties for the consumer and producer. Default none. */
  kafkaConfig?: KafkaConfig;
  /** Create the job's topics if missing. Default true. */
  createTopics?: boolean;
  /** Stops the job with a final checkpoint. */
  signal?: AbortSignal;
  /** Receives log lines. Default `console.error`. */
  log?: (message: string) => void;
}

/** Thrown when a job stops because its runtime failed (e.g. a transaction could not commit). */
export class JobFailedError extends Error {
  /** @param message what failed. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "JobFailedError";
  }
}

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
  readonly #o: Required<Omit<JobRunnerOptions, "signal" | "store" | "kafkaConfig">> & {
    signal?: AbortSignal;
    store: TaskStoreOptions;
    kafkaConfig: KafkaConfig;
  };
  readonly #tasks = new Map<string, Task>();
  readonly #lock = new Mutex();
  readonly #stop = new AbortController();
  #consumer: Consumer | null = null;
  #producer: Producer | null = null;
  #failure: unknown = null;
  #lastCheckpoint = performance.now();
  #checkpoints = 0;
  #lastCheckpointMs: number | null = null;
  #recordsIn = 0;
  #recordsOut = 0;

  /** @param options the job, Kafka and state settings. */
  constructor(options: JobRunnerOptions) {
    const job = options.job;
    this.#o = {
      instanceId: "0",
      groupId: `processor-${job.name}`,
      checkpointIntervalMs: 10_000,
      maxPendingOutputs: 200_000,
      exactlyOnce: true,
      sessionTimeoutMs: 10_000,
      createTopics: true,
      log: (m) => console.error(m),
      ...options,
      store: options.store ?? {},
      kafkaConfig: options.kafkaConfig ?? {},
    };
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
    if (o.createTopics) {
      await using admin = new Admin({ config: { "bootstrap.servers": o.bootstrap } });
      await admin.createTopics(o.job.topics, { ignoreExisting: true });
    }
    const transactional: KafkaConfig = o.exactlyOnce
      ? { "transactional.id": `${o.groupId}-${o.instanceId}`, "transaction.timeout.ms": 60_000 }
      : { "enable.idempotence": true };
    const producer = this.#producer = new Producer({
      config: {
        "bootstrap.servers": o.bootstrap,
        "linger.ms": 5,
        ...transactional,
        ...o.kafkaConfig,
      },
    });
    const stop = AbortSignal.any([this.#stop.signal, ...(o.signal ? [o.signal] : [])]);
    try {
      if (o.exactlyOnce) await producer.initTransactions();
      const consumer = this.#consumer = new Consumer({
        config: {
          "bootstrap.servers": o.bootstrap,
          "group.id": o.groupId,
          "group.instance.id": `${o.groupId}-${o.instanceId}`,
          "session.timeout.ms": o.sessionTimeoutMs,
          "partition.assignment.strategy": "cooperative-sticky",
          "enable.auto.commit": false,
          "enable.auto.offset.store": false,
          "auto.offset.reset": "earliest",
          "isolation.level": "read_committed",
          ...o.kafkaConfig,
        },
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
          await this.#lock.run(async () => {
            for (const record of batch) {
              this.#taskOf(record.topic, record.partition).process(record);
            }
            this.#recordsIn += batch.length;
            if (this.#due() || this.#pendingOutputs() >= o.maxPendingOutputs) {
              await this.#checkpoint();
            }
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
      } finally {
        clearInterval(timer);
        await consumer.close();
      }
      this.#throwIfFailed();
    } catch (e) {
      this.#fail(e);
      throw this.#failure;
    } finally {
      for (const task of this.#tasks.values()) await task.close();
      this.#tasks.clear();
      await producer.close();
      this.#consumer = this.#producer = null;
    }
  }

  /** The job's status, with per-task lag asked of the broker. */
  async status(): Promise<JobStatus> {
    const now = Date.now();
    const tasks: TaskStatus[] = [];
    for (const task of [...this.#tasks.values()]) {
      let lag: number | null = null;
      try {
        const consumer = this.#consumer;
        if (consumer !== null && task.nextOffset !== null) {
          const { high } = await consumer.watermarkOffsets(task.topic, task.partition, 2_000);
          lag = Math.max(0, high - task.nextOffset);
        }
      } catch {
        lag = null;
      }
      tasks.push(task.status(lag, now));
    }
    return {
      job: this.#o.job.name,
      instanceId: this.#o.instanceId,
      exactlyOnce: this.#o.exactlyOnce,
      recordsIn: this.#recordsIn,
      recordsOut: this.#recordsOut,
      checkpoints: this.#checkpoints,
      lastCheckpointMs: this.#lastCheckpointMs,
      tasks,
    };
  }

  #due(): boolean {
    return performance.now() - this.#lastCheckpoint >= this.#o.checkpointIntervalMs;
  }

  #pendingOutputs(): number {
    let n = 0;
    for (const task of this.#tasks.values()) n += task.pendingOutputs;
    return n;
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
    try {
      if (event.type === "assigned") await this.#assign(event.partitions);
      else {
        if (event.type === "revoked" && this.#failure === null) await this.#checkpoint();
        for (const { topic, partition } of event.partitions) {
          const key = `${topic}\u0000${partition}`;
          await this.#tasks.get(key)?.close();
          this.#tasks.delete(key);
        }
      }
    } catch (e) {
      this.#fail(e);
      throw e;
    }
  }

  async #assign(partitions: TopicPartition[]): Promise<void> {
    const o = this.#o;
    const committed = o.exactlyOnce && partitions.length > 0
      ? await this.#consumer!.committed(
        partitions.map(({ topic, partition }) => ({ topic, partition })),
      )
      : [];
    for (const tp of partitions) {
      const store = await TaskStore.open(
        `${o.stateDir}/${o.job.name}/${tp.topic}-${tp.partition}`,
        o.store,
      );
      const task = new Task({
        topic: tp.topic,
        partition: tp.partition,
        job: o.job.name,
        deadLetterTopic: o.job.deadLetterTopic,
        logic: o.job.createTask(tp.topic, tp.partition),
        store,
      });
      if (o.exactlyOnce) {
        const offset = committed.find((c) => c.topic === tp.topic && c.partition === tp.partition)
          ?.offset ?? Offset.INVALID;
        await task.restore(offset >= 0 ? offset : null);
        tp.offset = offset >= 0 ? offset : Offset.BEGINNING;
      }
      this.#tasks.set(`${tp.topic}\u0000${tp.partition}`, task);
    }
  }

  async #checkpoint(): Promise<void> {
    this.#lastCheckpoint = performance.now();
    const started = performance.now();
    const done = await checkpointTasks(
      this.#tasks.values(),
      this.#producer!,
      this.#consumer!,
      this.#o.exactlyOnce,
    );
    this.#recordsOut += done.outputs;
    if (done.tasks === 0 || !this.#o.exactlyOnce) return;
    this.#checkpoints++;
    this.#lastCheckpointMs = performance.now() - started;
  }
}
