/**
 * Runs one job in a consumer group: one task per assigned input partition, outputs and consumed
 * offsets committed in one Kafka transaction per checkpoint, consistent with the tasks' state
 * checkpoints on disk.
 *
 * The pieces: the input loop (`input_loop.ts`) hands records to tasks; `checkpointing.ts`
 * decides when to checkpoint (interval, backpressure, revocation, end) over the protocol of
 * `checkpoint.ts`; `rebalancing.ts` opens and restores tasks on assignment (local checkpoint or
 * the changelog topic), checkpoints on revocation and rewinds after an aborted checkpoint;
 * `runner_status.ts` reports. This file wires them for one run and owns its failure.
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
import { Backpressure } from "./backpressure.ts";
import { Checkpointing } from "./checkpointing.ts";
import { consumeInput } from "./input_loop.ts";
import { kafkaClients } from "./kafka_clients.ts";
import type { InputSource, KafkaClients } from "./kafka_seam.ts";
import { Mutex } from "./mutex.ts";
import { processorDefaults } from "../options.ts";
import { Rebalancing } from "./rebalancing.ts";
import {
  JobFailedError,
  type JobRunnerOptions,
  type ResolvedOptions,
  resolveOptions,
  RestartableError,
} from "./runner_options.ts";
import { jobStatus, newCounters } from "./runner_status.ts";
import type { JobStatus } from "./status.ts";
import { createChangelogTopic, createJobTopics } from "./task_setup.ts";
import { TaskSet } from "./task_set.ts";

export { JobFailedError, type JobRunnerOptions, RestartableError };

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
  readonly #tasks = new TaskSet();
  readonly #lock = new Mutex();
  readonly #stop = new AbortController();
  readonly #counters = newCounters();
  #consumer: InputSource | null = null;
  #failure: unknown = null;

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
    const producer = clients.output({
      transactionalId: o.exactlyOnce ? `${o.groupId}-${o.instanceId}` : null,
    });
    try {
      if (o.exactlyOnce) await producer.initTransactions();
      const fail = (e: unknown) => this.#fail(e);
      const parts = { o, tasks: this.#tasks, producer, counters: this.#counters, fail };
      // Created below: rebalances arrive only once the input is read.
      let rebalancing: Rebalancing | null = null;
      const consumer = this.#consumer = clients.input({
        groupId: o.groupId,
        instanceId: `${o.groupId}-${o.instanceId}`,
        sessionTimeoutMs: o.sessionTimeoutMs,
        onRebalance: (event) => this.#lock.run(() => rebalancing!.handle(event)),
        onError: (error) => {
          if (error.fatal) this.#fail(error);
        },
      });
      const checkpointing = new Checkpointing({
        ...parts,
        consumer,
        backpressure: this.#backpressure,
        rewind: (error, revoking) => rebalancing!.rewind(error, revoking),
      });
      rebalancing = new Rebalancing({
        ...parts,
        consumer,
        clients,
        checkpoint: (revoking) => checkpointing.checkpoint(revoking),
        failed: () => this.#failure !== null,
      });
      consumer.subscribe(o.job.inputs);
      const timer = setInterval(() => {
        if (!this.#lock.held && checkpointing.due()) {
          this.#lock.run(() => checkpointing.checkpoint()).catch(fail);
        }
      }, Math.max(10, Math.min(1_000, o.checkpointIntervalMs / 4)));
      try {
        await consumeInput({
          consumer,
          signal: stop,
          lock: this.#lock,
          tasks: this.#tasks,
          rebalancing,
          checkpointing,
          counters: this.#counters,
        });
        this.#throwIfFailed();
        await this.#lock.run(() => checkpointing.checkpoint());
      } catch (e) {
        // Recorded before close(): it delivers pending rebalances, which must then neither
        // checkpoint nor restore tasks, nor replace this failure with one of their own.
        this.#fail(e);
        throw e;
      } finally {
        clearInterval(timer);
        rebalancing.closingInput();
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
      await this.#tasks.removeAll();
      await producer.close();
      this.#consumer = null;
    }
  }

  /** The job's status, with per-task lag asked of the broker. */
  status(): Promise<JobStatus> {
    return jobStatus({
      o: this.#o,
      counters: this.#counters,
      backpressure: this.#backpressure,
      tasks: this.#tasks,
      consumer: this.#consumer,
    });
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
}
