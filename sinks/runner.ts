/**
 * The sink pipeline: consume committed records, batch them by size and time, decode, write,
 * dead-letter what can never be written, and commit offsets only after all of that is durable.
 * While the store is unavailable, the batch is retried with backoff and the partitions are paused.
 *
 * @module
 */
import {
  Consumer,
  type ConsumerRecord,
  type KafkaConfig,
  nextOffsets,
  Producer,
  type ProducerRecord,
  type RebalanceEvent,
} from "@iot/kafka";
import { deadLetterHeaders, type DecodeFailure, decodeRecord } from "./decode.ts";
import type { SinkKind, SinkRecord } from "./record.ts";
import { type SinkWriter, StoreUnavailableError } from "./writer.ts";

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
  | { type: "dropped"; record: SinkRecord; reason: string };

/** Options for {@linkcode SinkRunner}. */
export interface SinkRunnerOptions {
  /** The sink's name: the consumer group id and the `dlq-job` header. */
  name: string;
  /** librdkafka properties shared by the consumer and the dead-letter producer. */
  kafka: KafkaConfig;
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
  /** Reports flushes, outages and dropped records. Default: none. */
  onEvent?: (event: SinkRunnerEvent) => void;
}

/**
 * Runs one sink until `signal` aborts. Offsets are committed only after the batch's rows and its
 * dead-letter records are durable, so a crash at any point replays uncommitted records, which
 * the idempotent writers turn into the same rows.
 */
export class SinkRunner {
  readonly #options: SinkRunnerOptions;
  readonly #kinds: Map<string, SinkKind>;
  #consumer: Consumer | null = null;
  #pending: ConsumerRecord[] = [];
  #flushing: Promise<void> = Promise.resolve();
  #paused = false;

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

  /** Consumes, writes and commits until `signal` aborts; uncommitted records are left to replay. */
  async run(signal: AbortSignal): Promise<void> {
    const { kafka, name, writer } = this.#options;
    await writer.ensureSchema();
    await using producer = new Producer({ config: { ...kafka, "enable.idempotence": true } });
    await using consumer = new Consumer({
      config: {
        ...kafka,
        "group.id": name,
        "enable.auto.commit": false,
        "enable.auto.offset.store": false,
        "isolation.level": "read_committed",
        "auto.offset.reset": "earliest",
      },
      onRebalance: (event) => this.#onRebalance(event),
    });
    this.#consumer = consumer;
    consumer.subscribe(this.#options.routes.map((r) => r.topic));
    await this.#loop(consumer, producer, signal);
  }

  async #loop(consumer: Consumer, producer: Producer, signal: AbortSignal): Promise<void> {
    const batchSize = this.#options.batchSize ?? 1000;
    const lingerMs = this.#options.lingerMs ?? 500;
    const batches = consumer.batches({ maxMessages: batchSize, signal })[Symbol.asyncIterator]();
    let next = batches.next();
    let lingerUntil = Infinity;
    while (!signal.aborted) {
      const waitMs = this.#pending.length === 0 ? Infinity : lingerUntil - performance.now();
      const result = await raceTimeout(next, waitMs);
      if (result !== "timeout") {
        if (result.done) break;
        if (this.#pending.length === 0) lingerUntil = performance.now() + lingerMs;
        this.#pending.push(...result.value);
        // Fetch on while deciding (and writing): the iterator runs rebalances meanwhile.
        next = batches.next();
        if (this.#pending.length < batchSize && performance.now() < lingerUntil) continue;
      }
      const records = this.#pending.splice(0, batchSize);
      if (records.length === 0) continue;
      lingerUntil = performance.now() + lingerMs;
      this.#flushing = this.#flush(consumer, producer, records, signal);
      await this.#flushing;
    }
    // The iteration ends on abort; let it finish before the consumer closes.
    await next.catch(() => {});
  }

  /**
   * Before partitions are given up: wait for a write in progress (it commits while they are
   * still ours), then forget uncommitted records of theirs; the next owner reads them again.
   */
  async #onRebalance(event: RebalanceEvent): Promise<void> {
    if (event.type === "assigned") {
      if (this.#paused) this.#consumer?.pause(event.partitions);
      return;
    }
    await this.#flushing.catch(() => {});
    const gone = new Set(event.partitions.map((p) => `${p.topic}\u0000${p.partition}`));
    this.#pending = this.#pending.filter((r) => !gone.has(`${r.topic}\u0000${r.partition}`));
  }

  async #flush(
    consumer: Consumer,
    producer: Producer,
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
    const result = await this.#writeWithRetry(consumer, decoded, signal);
    if (result === null) return; // aborted while the store was down: commit nothing
    for (const rejection of result.rejected) {
      if (rejection.record.kind === "dead-letter") {
        // A dead-letter record sent to the dead-letter topic again would loop; report it instead.
        this.#options.onEvent?.({
          type: "dropped",
          record: rejection.record,
          reason: rejection.reason,
        });
        continue;
      }
      const failure = { code: rejection.code, reason: rejection.reason };
      deadLetters.push(this.#deadLetter(raw.get(rejection.record)!, failure));
    }
    if (deadLetters.length > 0) await producer.sendBatch(deadLetters);
    await consumer.commit(nextOffsets(records));
    this.#options.onEvent?.({
      type: "flushed",
      records: records.length,
      written: result.written + result.superseded,
      deadLettered: deadLetters.length,
    });
  }

  /** Writes `batch`, retrying with backoff (partitions paused) while the store is unavailable. */
  async #writeWithRetry(consumer: Consumer, batch: SinkRecord[], signal: AbortSignal) {
    const { writer, retryMs = 500, maxRetryMs = 30_000, onEvent } = this.#options;
    let delayMs = retryMs;
    let downSince = 0;
    while (true) {
      try {
        const result = await writer.write(batch);
        if (this.#paused) {
          const assigned = consumer.assignment();
          if (assigned.length > 0) consumer.resume(assigned);
          this.#paused = false;
          onEvent?.({ type: "recovered", afterMs: Math.round(performance.now() - downSince) });
        }
        return result;
      } catch (e) {
        if (!(e instanceof StoreUnavailableError)) throw e;
        if (!this.#paused) {
          // Stop fetching: records would only pile up in memory while nothing can be written.
          const assigned = consumer.assignment();
          if (assigned.length > 0) consumer.pause(assigned);
          this.#paused = true;
          downSince = performance.now();
        }
        onEvent?.({ type: "unavailable", error: e, retryInMs: delayMs });
        if (!(await sleep(delayMs, signal))) return null;
        delayMs = Math.min(delayMs * 2, maxRetryMs);
      }
    }
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

/** Resolves with `promise`'s result, or "timeout" after `ms` (never for Infinity). */
async function raceTimeout<T>(promise: Promise<T>, ms: number): Promise<T | "timeout"> {
  if (ms === Infinity) return await promise;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), Math.max(0, ms));
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits `ms`; resolves false when `signal` aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
