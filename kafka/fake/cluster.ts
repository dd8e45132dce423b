/**
 * {@linkcode FakeKafka}: an in-memory Kafka cluster for unit tests of protocols and faults that
 * cannot be caused for real on demand: topics with per-partition logs, consumer groups with
 * committed offsets, and a transaction coordinator (transactional.id epochs and fencing, markers,
 * the last stable offset). Every client call passes through {@linkcode FakeKafka.onStep}, so a
 * test can make any step fail, before or after it took effect.
 *
 * @module
 */
import { ErrorCode, KafkaError } from "../errors.ts";
import { FakeGroup } from "./group.ts";
import { type LogRecord, PartitionLog, type TxnState } from "./log.ts";

/** A client call the fake cluster reports to {@linkcode FakeKafka.onStep}. */
export type FakeStep =
  | "initTransactions"
  | "beginTransaction"
  | "send"
  | "sendOffsetsToTransaction"
  | "commitTransaction"
  | "abortTransaction"
  | "commit"
  | "committed"
  | "fetch"
  | "watermarkOffsets"
  | "createTopics"
  | "describeTopics"
  | "createPartitions";

/** `before` a step takes effect (a failure leaves no trace) or `after` (it took effect, then the client saw an error). */
export type StepPhase = "before" | "after";

/** A hook told of every step; throwing from it makes the step fail with that error. */
export type StepHook = (step: FakeStep, phase: StepPhase, client: string) => void;

/** Lets a fake call complete on a later microtask, as a network call would. */
export function turn(): Promise<void> {
  return Promise.resolve();
}

interface Txn {
  state: TxnState;
  readonly partitions: Set<PartitionLog>;
  readonly offsets: Array<{ group: string; topic: string; partition: number; offset: number }>;
}

/**
 * An in-memory Kafka cluster. Clients are {@linkcode FakeProducer}, {@linkcode FakeConsumer} and
 * {@linkcode FakeAdmin}; they behave like `@iot/kafka`'s classes where the runtimes depend on it.
 *
 * @example
 * ```ts ignore
 * const kafka = new FakeKafka();
 * kafka.createTopic("in", 2);
 * kafka.failNext("commitTransaction", "after"); // the commit lands, the client sees an error
 * ```
 */
export class FakeKafka {
  readonly #topics = new Map<string, PartitionLog[]>();
  readonly #groups = new Map<string, FakeGroup>();
  readonly #txns = new Map<number, Txn>();
  /** transactional.id → current epoch and its open transaction. */
  readonly #producerIds = new Map<string, { epoch: number; open: number | null }>();
  readonly #hooks = new Set<StepHook>();
  #nextTxn = 1;
  #waiters: Array<() => void> = [];

  /** Creates `name` with `partitions` partitions; an existing topic is left as it is. */
  createTopic(name: string, partitions = 1): void {
    if (this.#topics.has(name)) return;
    this.#topics.set(name, Array.from({ length: partitions }, () => new PartitionLog()));
    this.notify();
  }

  /** Raises the partition count of `name` to `total`. */
  addPartitions(name: string, total: number): void {
    const logs = this.#partitions(name);
    while (logs.length < total) logs.push(new PartitionLog());
    this.notify();
  }

  /** Names of the topics. */
  topics(): string[] {
    return [...this.#topics.keys()].sort();
  }

  /** The partition count of `topic`, or `undefined` when it does not exist. */
  partitionCount(topic: string): number | undefined {
    return this.#topics.get(topic)?.length;
  }

  /** The log of a partition. @throws {KafkaError} `UNKNOWN_TOPIC_OR_PART` when absent. */
  log(topic: string, partition: number): PartitionLog {
    const log = this.#partitions(topic)[partition];
    if (log === undefined) {
      throw new KafkaError(`Unknown partition ${topic} [${partition}]`, {
        code: ErrorCode.UNKNOWN_TOPIC_OR_PART,
      });
    }
    return log;
  }

  #partitions(topic: string): PartitionLog[] {
    const logs = this.#topics.get(topic);
    if (logs === undefined) {
      throw new KafkaError(`Unknown topic ${topic}`, { code: ErrorCode.UNKNOWN_TOPIC_OR_PART });
    }
    return logs;
  }

  /** The consumer group `id` (created empty on first use). */
  group(id: string): FakeGroup {
    let group = this.#groups.get(id);
    if (group === undefined) this.#groups.set(id, group = new FakeGroup(this));
    return group;
  }

  /** The committed offset of `group` for a partition, or `undefined` when none. */
  committedOffset(group: string, topic: string, partition: number): number | undefined {
    return this.#groups.get(group)?.committed(topic, partition);
  }

  /**
   * Registers a hook told of every step of every client; throwing from it fails the step.
   * Returns a function that removes it.
   */
  onStep(hook: StepHook): () => void {
    this.#hooks.add(hook);
    return () => this.#hooks.delete(hook);
  }

  /**
   * Makes the next call of `step` fail (once), `before` it takes effect (default) or `after`;
   * the error is `error` or a retriable-looking `KafkaError` naming the step.
   */
  failNext(step: FakeStep, phase: StepPhase = "before", error?: Error): void {
    const remove = this.onStep((s, p) => {
      if (s !== step || p !== phase) return;
      remove();
      throw error ?? new KafkaError(`Injected failure ${phase} ${step}`, { code: ErrorCode.FAIL });
    });
  }

  /** Runs `effect` as `step` of `client`, telling the hooks before and after. */
  step<T>(step: FakeStep, client: string, effect: () => T): T {
    for (const hook of [...this.#hooks]) hook(step, "before", client);
    const result = effect();
    for (const hook of [...this.#hooks]) hook(step, "after", client);
    return result;
  }

  /** Wakes everything waiting in {@linkcode changed}. */
  notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves on the next change of the cluster (a write, a marker, a rebalance) or when `signal` aborts. */
  changed(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        signal?.removeEventListener("abort", done);
        resolve();
      };
      signal?.addEventListener("abort", done, { once: true });
      this.#waiters.push(done);
    });
  }

  /** Appends a record (of transaction `txn`, or outside one) and returns its offset. */
  append(topic: string, partition: number, record: Omit<LogRecord, "offset">): number {
    const log = this.log(topic, partition);
    if (record.txn !== null) this.#txn(record.txn).partitions.add(log);
    const offset = log.append(record);
    this.notify();
    return offset;
  }

  /** The state of transaction `txn` (for read_committed readers). */
  txnState(txn: number): TxnState {
    return this.#txn(txn).state;
  }

  #txn(id: number): Txn {
    const txn = this.#txns.get(id);
    if (txn === undefined) throw new Error(`FakeKafka: unknown transaction ${id}`);
    return txn;
  }

  /**
   * Registers `transactionalId` (initTransactions): aborts a transaction a previous instance left
   * open, bumps the epoch (fencing that instance) and returns the new epoch.
   */
  initProducerId(transactionalId: string): number {
    const entry = this.#producerIds.get(transactionalId) ?? { epoch: -1, open: null };
    if (entry.open !== null) this.#endTxn(entry.open, "abort");
    const next = { epoch: entry.epoch + 1, open: null };
    this.#producerIds.set(transactionalId, next);
    return next.epoch;
  }

  /** Throws a fatal `KafkaError` when `epoch` is no longer the current one of `transactionalId`. */
  checkEpoch(transactionalId: string, epoch: number): void {
    if (this.#producerIds.get(transactionalId)?.epoch === epoch) return;
    throw new KafkaError(
      `Producer ${transactionalId} (epoch ${epoch}) is fenced by a newer instance`,
      { code: ErrorCode.FATAL, fatal: true },
    );
  }

  /** Starts a transaction of `transactionalId` and returns its id. */
  beginTxn(transactionalId: string): number {
    const entry = this.#producerIds.get(transactionalId)!;
    const id = this.#nextTxn++;
    this.#txns.set(id, { state: "open", partitions: new Set(), offsets: [] });
    entry.open = id;
    return id;
  }

  /** Adds consumed offsets of `group` to open transaction `txn`. */
  addTxnOffsets(
    txn: number,
    group: string,
    offsets: ReadonlyArray<{ topic: string; partition: number; offset: number }>,
  ): void {
    for (const o of offsets) this.#txn(txn).offsets.push({ group, ...o });
  }

  /** Commits or aborts transaction `txn` of `transactionalId`: markers, then its offsets on commit. */
  endTxn(transactionalId: string, txn: number, result: "commit" | "abort"): void {
    this.#endTxn(txn, result);
    this.#producerIds.get(transactionalId)!.open = null;
  }

  #endTxn(id: number, result: "commit" | "abort"): void {
    const txn = this.#txn(id);
    if (txn.state !== "open") return;
    txn.state = result === "commit" ? "committed" : "aborted";
    for (const log of txn.partitions) log.mark(id, result);
    if (result === "commit") {
      for (const o of txn.offsets) this.group(o.group).commit(o.topic, o.partition, o.offset);
    }
    this.notify();
  }
}
