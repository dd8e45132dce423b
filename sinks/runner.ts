/**
 * The sink pipeline: consume committed records, batch them by size and time, decode, write,
 * dead-letter what can never be written, and commit offsets only after all of that is durable.
 * While the store is unavailable, the batch is retried with backoff and the partitions are paused.
 * Kafka is reached only through the sinks' seam (`kafka_seam.ts`). This file is the batch, write
 * and commit loop; its parts live beside it: the outage backoff (`store_backoff.ts`), dead letters
 * (`dead_letter.ts`; the records themselves are `@iot/events`' `deadLetterRecord`), which offsets may be committed (`committable.ts`) and the status with lag
 * (`status.ts`).
 *
 * @module
 */
import { deadLetterRecord } from "@iot/events";
import type { ConsumerRecord, ProducerRecord, RebalanceEvent } from "@iot/kafka";
import { CommittableOffsets, partitionKey } from "./committable.ts";
import { decodeRecord } from "./decode.ts";
import { sendDeadLetters } from "./dead_letter.ts";
import type { DeadLetterOutput, SinkInput, SinkKafkaClients } from "./kafka_seam.ts";
import type { SinkKind, SinkRecord } from "./record.ts";
import { emptyStats, type SinkStats, type SinkStatus, sinkStatus } from "./status.ts";
import { StoreBackoff, type StoreEvent } from "./store_backoff.ts";
import { raceTimeout } from "./timing.ts";
import { describeError, type SinkWriter, type WriteResult } from "./writer.ts";

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
  | StoreEvent
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
  readonly #offsets: CommittableOffsets;
  readonly #store: StoreBackoff;
  #input: SinkInput | null = null;
  #pending: ConsumerRecord[] = [];
  #flushing: Promise<void> = Promise.resolve();

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
    this.#offsets = new CommittableOffsets(options.writer);
    this.#store = new StoreBackoff(options.writer, this.#stats, {
      ...this.#backoff(),
      onEvent: (event) => this.#emit(event),
    });
  }

  /** The sink's name (its consumer group). */
  get name(): string {
    return this.#options.name;
  }

  /** Counters and, while running, the lag of the assigned partitions. */
  status(): Promise<SinkStatus> {
    const { name, writer } = this.#options;
    return sinkStatus(name, writer.store, this.#stats, this.#input);
  }

  /** Consumes, writes and commits until `signal` aborts; what is uncommitted then replays. */
  async run(signal: AbortSignal): Promise<void> {
    const { clients, name } = this.#options;
    if (!(await this.#store.ensureSchema(signal))) return;
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
        : this.#offsets.holding()
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
      if (this.#store.paused) this.#input?.pause(event.partitions);
      return;
    }
    await this.#flushing.catch(() => {});
    const gone = new Set(event.partitions.map(partitionKey));
    this.#offsets.forget(gone);
    this.#pending = this.#pending.filter((r) => !gone.has(partitionKey(r)));
  }

  async #flush(
    input: SinkInput,
    output: DeadLetterOutput,
    records: ConsumerRecord[],
    signal: AbortSignal,
  ): Promise<void> {
    const target = { topic: this.#options.deadLetterTopic, job: this.#options.name };
    const deadLetters: ProducerRecord[] = [];
    const decoded: SinkRecord[] = [];
    const raw = new Map<SinkRecord, ConsumerRecord>();
    for (const record of records) {
      const result = decodeRecord(this.#kinds.get(record.topic)!, record);
      if (result.ok) {
        decoded.push(result.record);
        raw.set(result.record, record);
      } else {
        deadLetters.push(deadLetterRecord(record, result.failure, target));
      }
    }
    const result = await this.#store.write(input, decoded, signal);
    if (result === null) return; // stopped while the store was down: commit nothing
    for (const rejection of result.rejected) {
      if (rejection.record.kind === "dead-letter") {
        // A dead-letter record sent to the dead-letter topic again would loop; report it instead.
        this.#stats.dropped++;
        this.#emit({ type: "dropped", record: rejection.record, reason: rejection.reason });
        continue;
      }
      const failure = { code: rejection.code, reason: rejection.reason };
      deadLetters.push(deadLetterRecord(raw.get(rejection.record)!, failure, target));
    }
    const sent = await sendDeadLetters(output, deadLetters, {
      ...this.#backoff(),
      signal,
      onFailure: (error, retryInMs) => this.#emit({ type: "dead-letter-failed", error, retryInMs }),
    });
    if (!sent) return;
    // The rows are durable: should the commit fail, the records replay (idempotently) unless a
    // later commit covers them.
    if (await this.#commit(input, records)) {
      this.#committed(records.length, result, deadLetters.length);
    }
  }

  /** Commits what `records` (none: what became durable since) allow; false when that failed. */
  async #commit(input: SinkInput, records: ConsumerRecord[]): Promise<boolean> {
    try {
      const offsets = this.#offsets.after(records);
      if (offsets.length > 0) await input.commit(offsets);
      return true;
    } catch (e) {
      this.#emit({ type: "commit-failed", error: describeError(e) });
      return false;
    }
  }

  /**
   * No records for a while: let a buffering writer commit what is due by age (an empty write),
   * then commit the offsets that became durable. A store outage is retried at the next tick.
   */
  async #tick(input: SinkInput): Promise<void> {
    if (this.#offsets.holding() && await this.#store.writeDue()) await this.#commit(input, []);
  }

  /** A buffering writer at a graceful stop: make its rows durable, commit their offsets. */
  async #flushWriter(input: SinkInput): Promise<void> {
    if (this.#options.writer.flush === undefined) return;
    try {
      await this.#options.writer.flush();
    } catch (e) {
      // Nothing is lost: uncommitted records replay and the writer skips what it holds.
      this.#emit({ type: "commit-failed", error: describeError(e) });
      return;
    }
    await this.#commit(input, []);
  }

  #committed(records: number, result: WriteResult, deadLettered: number): void {
    const written = result.written + result.superseded;
    this.#stats.batches++;
    this.#stats.rowsWritten += written;
    this.#stats.deadLetters += deadLettered;
    this.#stats.lastWriteAt = Date.now();
    this.#emit({ type: "flushed", records, written, deadLettered });
  }

  /** The retry delays of store outages and dead-letter sends. */
  #backoff(): { retryMs: number; maxRetryMs: number } {
    const { retryMs = 500, maxRetryMs = 30_000 } = this.#options;
    return { retryMs, maxRetryMs };
  }

  #emit(event: SinkRunnerEvent): void {
    this.#options.onEvent?.(event);
  }
}
