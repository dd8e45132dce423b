/**
 * The sink pipeline: consume committed records, batch them by size and time, decode, write,
 * dead-letter what can never be written, and commit offsets only after all of that is durable.
 * While the store is unavailable, the batch is retried with backoff and the partitions are paused.
 * Kafka is reached only through the sinks' seam (`kafka_seam.ts`).
 *
 * @module
 */
import {
  type ConsumerRecord,
  nextOffsets,
  type ProducerRecord,
  type RebalanceEvent,
  type TopicPartition,
} from "@iot/kafka";
import { deadLetterHeaders, type DecodeFailure, decodeRecord } from "./decode.ts";
import type { DeadLetterOutput, SinkInput, SinkKafkaClients } from "./kafka_seam.ts";
import type { SinkKind, SinkRecord } from "./record.ts";
import { emptyStats, type PartitionLag, type SinkStats, type SinkStatus } from "./status.ts";
import { backoffDelay, sleep } from "@iot/service";
import { raceTimeout } from "./timing.ts";
import {
  describeError,
  type SinkWriter,
  StoreUnavailableError,
  type WriteResult,
} from "./writer.ts";

/** Which kind of record a topic carries. */
export interface SinkRoute {
  /** Topic name. */
  readonly topic: string;
  /** What its records are decoded as. */
  readonly kind: SinkKind;
}

/** What the runner reports (for logs and metrics). */
export type SinkRunnerEvent =
  | { type: "flushed"; records: number; written: number; deadLettered: number }
  | { type: "unavailable"; error: StoreUnavailableError; retryInMs: number }
  | { type: "recovered"; afterMs: number }
  | { type: "dropped"; record: SinkRecord; reason: string }
  | { type: "dead-letter-failed"; error: string; retryInMs: number }
  | { type: "commit-failed"; error: string };

/** Options for {@linkcode SinkRunner}. */
export interface SinkRunnerOptions {
  /** The sink's name: the consumer group id and the `dlq-job` header. */
  name: string;
  /** Makes the consumer and the dead-letter producer (`sinkKafkaClients()` for real Kafka). */
  clients: SinkKafkaClients;
  /** Topics to consume and their kinds. */
  routes: readonly SinkRoute[];
  /** Where to write. The runner calls `ensureSchema()`, not `close()`. */
  writer: SinkWriter;
  /** The dead-letter topic. */
  deadLetterTopic: string;
  /** Records per write, at most. Default: 1 000. */
  batchSize?: number;
  /** How long a partial batch may wait for more records, in ms. Default: 500. */
  lingerMs?: number;
  /** First retry delay while the store is unavailable, in ms; doubles up to `maxRetryMs`. Default: 500. */
  retryMs?: number;
  /** Longest retry delay, in ms. Default: 30 000. */
  maxRetryMs?: number;
  /** Consumer group session timeout, in ms. Default: 45 000 (Kafka's). */
  sessionTimeoutMs?: number;
  /** Reports flushes, outages and dropped records. Default: none. */
  onEvent?: (event: SinkRunnerEvent) => void;
}

/**
 * Runs one sink until `signal` aborts, then writes and commits what it holds (when the store
 * takes it). Offsets are committed only after the batch's rows and its dead-letter records are
 * durable, so a crash at any point replays uncommitted records, which the idempotent writers turn
 * into the same rows.
 */
export class SinkRunner {
  readonly #options: SinkRunnerOptions;
  readonly #kinds: Map<string, SinkKind>;
  readonly #stats: SinkStats = emptyStats();
  #input: SinkInput | null = null;
  #pending: ConsumerRecord[] = [];
  #flushing: Promise<void> = Promise.resolve();
  #paused = false;
  /** Next offset per partition of everything written or dead-lettered (`topic\0partition`). */
  readonly #processed = new Map<string, TopicPartition>();

  /** Checks the options; nothing connects before {@linkcode SinkRunner.run}. */
  constructor(options: SinkRunnerOptions) {
    if (options.routes.length === 0) throw new TypeError("SinkRunner needs at least one route");
    this.#options = options;
    this.#kinds = new Map(options.routes.map((r) => [r.topic, r.kind]));
    for (const route of options.routes) {
      if (!options.writer.kinds.has(route.kind)) {
        throw new TypeError(`The ${options.writer.store} writer does not store ${route.kind}`);
      }
    }
  }

  /** The sink's name (its consumer group). */
  get name(): string {
    return this.#options.name;
  }

  /** Counters and, while running, the lag of the assigned partitions. */
  async status(): Promise<SinkStatus> {
    const { lastWriteAt, ...stats } = this.#stats;
    const partitions = await this.#lag().catch(() => []);
    return {
      pipeline: this.#options.name,
      store: this.#options.writer.store,
      ...stats,
      lastWriteAgeMs: lastWriteAt === null ? null : Math.max(0, Date.now() - lastWriteAt),
      lag: partitions.reduce((n, p) => n + p.lag, 0),
      partitions,
    };
  }

  async #lag(): Promise<PartitionLag[]> {
    const input = this.#input;
    if (input === null) return [];
    const assigned = input.assignment();
    const committed = await input.committed(assigned);
    return await Promise.all(committed.map(async ({ topic, partition, offset }) => {
      const { high } = await input.watermarkOffsets(topic, partition);
      const done = Math.max(0, offset ?? 0);
      return { topic, partition, committed: done, high, lag: Math.max(0, high - done) };
    }));
  }

  /** Consumes, writes and commits until `signal` aborts; what is uncommitted then replays. */
  async run(signal: AbortSignal): Promise<void> {
    const { clients, name } = this.#options;
    if (!(await this.#ensureSchema(signal))) return;
    const deadLetters = clients.deadLetters();
    const input = clients.input({
      groupId: name,
      ...(this.#options.sessionTimeoutMs !== undefined
        ? { sessionTimeoutMs: this.#options.sessionTimeoutMs }
        : {}),
      onRebalance: (event) => this.#onRebalance(event),
    });
    try {
      this.#input = input;
      input.subscribe(this.#options.routes.map((r) => r.topic));
      await this.#loop(input, deadLetters, signal);
    } finally {
      this.#input = null;
      await input.close();
      await deadLetters.close();
    }
  }

  async #loop(input: SinkInput, deadLetters: DeadLetterOutput, signal: AbortSignal) {
    const batchSize = this.#options.batchSize ?? 1000;
    const lingerMs = this.#options.lingerMs ?? 500;
    const batches = input.batches({ maxMessages: batchSize, signal })[Symbol.asyncIterator]();
    let next = batches.next();
    let lingerUntil = Infinity;
    while (!signal.aborted) {
      const waitMs = this.#pending.length > 0
        ? lingerUntil - performance.now()
        : this.#holding()
        ? Math.max(lingerMs, 100)
        : Infinity;
      const result = await raceTimeout(next, waitMs);
      if (result !== "timeout") {
        if (result.done) break;
        if (this.#pending.length === 0) lingerUntil = performance.now() + lingerMs;
        this.#pending.push(...result.value);
        this.#stats.recordsIn += result.value.length;
        // Fetch on while deciding (and writing): the iterator runs rebalances meanwhile.
        next = batches.next();
        if (this.#pending.length < batchSize && performance.now() < lingerUntil) continue;
      }
      const records = this.#pending.splice(0, batchSize);
      if (records.length === 0) {
        this.#flushing = this.#tick(input);
        await this.#flushing;
        continue;
      }
      lingerUntil = performance.now() + lingerMs;
      this.#flushing = this.#flush(input, deadLetters, records, signal);
      await this.#flushing;
    }
    // The iteration ends on abort; let it finish before the input closes.
    await next.catch(() => {});
    // Graceful stop: write and commit what was read (a single attempt if the store is down).
    while (this.#pending.length > 0) {
      this.#flushing = this.#flush(input, deadLetters, this.#pending.splice(0, batchSize), signal);
      await this.#flushing;
    }
    await this.#flushWriter(input);
  }

  /**
   * Before partitions are given up: wait for a write in progress (it commits while they are
   * still ours), then forget uncommitted records of theirs; the next owner reads them again.
   */
  async #onRebalance(event: RebalanceEvent): Promise<void> {
    if (event.type === "assigned") {
      if (this.#paused) this.#input?.pause(event.partitions);
      return;
    }
    await this.#flushing.catch(() => {});
    const gone = new Set(event.partitions.map((p) => `${p.topic}\u0000${p.partition}`));
    for (const key of gone) this.#processed.delete(key);
    this.#pending = this.#pending.filter((r) => !gone.has(`${r.topic}\u0000${r.partition}`));
  }

  async #flush(
    input: SinkInput,
    output: DeadLetterOutput,
    records: ConsumerRecord[],
    signal: AbortSignal,
  ): Promise<void> {
    const deadLetters: ProducerRecord[] = [];
    const decoded: SinkRecord[] = [];
    const raw = new Map<SinkRecord, ConsumerRecord>();
    for (const record of records) {
      const result = decodeRecord(this.#kinds.get(record.topic)!, record);
      if (result.ok) {
        decoded.push(result.record);
        raw.set(result.record, record);
      } else {
        deadLetters.push(this.#deadLetter(record, result.failure));
      }
    }
    const result = await this.#writeWithRetry(input, decoded, signal);
    if (result === null) return; // stopped while the store was down: commit nothing
    for (const rejection of result.rejected) {
      if (rejection.record.kind === "dead-letter") {
        // A dead-letter record sent to the dead-letter topic again would loop; report it instead.
        this.#stats.dropped++;
        this.#emit({ type: "dropped", record: rejection.record, reason: rejection.reason });
        continue;
      }
      const failure = { code: rejection.code, reason: rejection.reason };
      deadLetters.push(this.#deadLetter(raw.get(rejection.record)!, failure));
    }
    if (!(await this.#sendDeadLetters(output, deadLetters, signal))) return;
    try {
      const offsets = this.#committable(records);
      if (offsets.length > 0) await input.commit(offsets);
    } catch (e) {
      // The rows are durable; the records replay (idempotently) unless a later commit covers them.
      this.#emit({ type: "commit-failed", error: describeError(e) });
      return;
    }
    this.#committed(records.length, result, deadLetters.length);
  }

  /**
   * The next offsets of every partition processed so far, held back to the first record a
   * buffering writer has not made durable yet.
   */
  #committable(records: ConsumerRecord[]): TopicPartition[] {
    const next = nextOffsets(records);
    if (this.#options.writer.heldOffsets === undefined) return next;
    for (const p of next) this.#processed.set(`${p.topic}\u0000${p.partition}`, p);
    const held = new Map(
      (this.#options.writer.heldOffsets?.() ?? []).map((
        p,
      ) => [`${p.topic}\u0000${p.partition}`, p]),
    );
    return [...this.#processed].map(([key, p]) => {
      const h = held.get(key);
      return h?.offset !== undefined && h.offset < (p.offset ?? Infinity)
        ? { ...p, offset: h.offset }
        : p;
    });
  }

  /** Whether a buffering writer holds records not yet durable. */
  #holding(): boolean {
    return (this.#options.writer.heldOffsets?.().length ?? 0) > 0;
  }

  /**
   * No records for a while: let a buffering writer commit what is due by age (an empty write),
   * then commit the offsets that became durable. A store outage is retried at the next tick.
   */
  async #tick(input: SinkInput): Promise<void> {
    if (!this.#holding()) return;
    try {
      await this.#options.writer.write([]);
    } catch (e) {
      if (!(e instanceof StoreUnavailableError)) throw e;
      this.#stats.retries++;
      this.#stats.lastError = describeError(e);
      return;
    }
    try {
      const offsets = this.#committable([]);
      if (offsets.length > 0) await input.commit(offsets);
    } catch (e) {
      this.#emit({ type: "commit-failed", error: describeError(e) });
    }
  }

  /** A buffering writer at a graceful stop: make its rows durable, commit their offsets. */
  async #flushWriter(input: SinkInput): Promise<void> {
    if (this.#options.writer.flush === undefined) return;
    try {
      await this.#options.writer.flush();
      const offsets = this.#committable([]);
      if (offsets.length > 0) await input.commit(offsets);
    } catch (e) {
      // Nothing is lost: uncommitted records replay and the writer skips what it holds.
      this.#emit({ type: "commit-failed", error: describeError(e) });
    }
  }

  #committed(records: number, result: WriteResult, deadLettered: number): void {
    const written = result.written + result.superseded;
    this.#stats.batches++;
    this.#stats.rowsWritten += written;
    this.#stats.deadLetters += deadLettered;
    this.#stats.lastWriteAt = Date.now();
    this.#emit({ type: "flushed", records, written, deadLettered });
  }

  /** Sends dead letters, retrying with backoff; false when stopped first (commit nothing). */
  async #sendDeadLetters(
    output: DeadLetterOutput,
    records: ProducerRecord[],
    signal: AbortSignal,
  ): Promise<boolean> {
    const { retryMs = 500, maxRetryMs = 30_000 } = this.#options;
    for (let attempt = 0; records.length > 0; attempt++) {
      const delayMs = backoffDelay(attempt, { initialMs: retryMs, maxMs: maxRetryMs });
      try {
        await output.sendAll(records);
        return true;
      } catch (e) {
        this.#emit({ type: "dead-letter-failed", error: describeError(e), retryInMs: delayMs });
        if (!(await sleep(delayMs, signal))) return false;
      }
    }
    return true;
  }

  /**
   * Creates the store's schema, retrying with backoff while the store is unavailable (not up yet,
   * or another process holds its lock), as writes do; false when stopped first.
   */
  async #ensureSchema(signal: AbortSignal): Promise<boolean> {
    const done = await this.#whileUnavailable(
      () => this.#options.writer.ensureSchema().then(() => true),
      signal,
      () => (this.#stats.waitingForStore = true),
    );
    if (done) this.#stats.waitingForStore = false;
    return done ?? false;
  }

  /** Writes `batch`, retrying with backoff (partitions paused) while the store is unavailable. */
  async #writeWithRetry(
    input: SinkInput,
    batch: SinkRecord[],
    signal: AbortSignal,
  ): Promise<WriteResult | null> {
    let downSince = 0;
    const result = await this.#whileUnavailable(
      () => this.#options.writer.write(batch),
      signal,
      () => {
        if (this.#paused) return;
        this.#setPaused(input, true, 0);
        downSince = performance.now();
      },
    );
    if (result !== null && this.#paused) this.#setPaused(input, false, downSince);
    return result;
  }

  /**
   * Runs `attempt` until it succeeds, retrying with a doubling backoff while it throws
   * {@linkcode StoreUnavailableError} (counted, reported, `onDown` told); null when stopped first.
   */
  async #whileUnavailable<T>(
    attempt: () => Promise<T>,
    signal: AbortSignal,
    onDown: () => void,
  ): Promise<T | null> {
    const { retryMs = 500, maxRetryMs = 30_000 } = this.#options;
    for (let retry = 0;; retry++) {
      const delayMs = backoffDelay(retry, { initialMs: retryMs, maxMs: maxRetryMs });
      try {
        return await attempt();
      } catch (e) {
        if (!(e instanceof StoreUnavailableError)) throw e;
        this.#stats.retries++;
        this.#stats.lastError = describeError(e);
        onDown();
        this.#emit({ type: "unavailable", error: e, retryInMs: delayMs });
        if (!(await sleep(delayMs, signal))) return null;
      }
    }
  }

  /** Pauses (records would only pile up in memory while nothing can be written) or resumes. */
  #setPaused(input: SinkInput, paused: boolean, downSince: number): void {
    const assigned = input.assignment();
    if (assigned.length > 0) paused ? input.pause(assigned) : input.resume(assigned);
    this.#paused = paused;
    this.#stats.waitingForStore = paused;
    if (!paused) {
      this.#stats.lastError = null;
      this.#emit({ type: "recovered", afterMs: Math.round(performance.now() - downSince) });
    }
  }

  #emit(event: SinkRunnerEvent): void {
    this.#options.onEvent?.(event);
  }

  /** The dead-letter record of `record`: its key, value and headers, plus why and where. */
  #deadLetter(record: ConsumerRecord, failure: DecodeFailure): ProducerRecord {
    const headers: Array<[string, string | Uint8Array | null]> = [...record.headers];
    headers.push(
      [deadLetterHeaders.reason, failure.reason],
      [deadLetterHeaders.code, failure.code],
      [deadLetterHeaders.topic, record.topic],
      [deadLetterHeaders.partition, String(record.partition)],
      [deadLetterHeaders.offset, String(record.offset)],
      [deadLetterHeaders.job, this.#options.name],
    );
    return {
      topic: this.#options.deadLetterTopic,
      key: record.key,
      value: record.value,
      headers,
      ...(record.timestamp >= 0 ? { timestamp: record.timestamp } : {}),
    };
  }
}
