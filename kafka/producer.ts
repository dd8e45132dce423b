/**
 * The producer: single and batched sends with delivery reports as promises, flush,
 * idempotence and transactions.
 *
 * @module
 */
import { ClientType, EventType, NativeClient } from "./client.ts";
import type { ClientHooks, KafkaConfig } from "./config.ts";
import { checkErrorObject, ErrorCode, KafkaError } from "./errors.ts";
import { cstr, librdkafka } from "./native/library.ts";
import { DELIVERY_CHUNK, DeliveryReader } from "./native/delivery_reader.ts";
import { withGroupMetadata } from "./native/group_metadata.ts";
import {
  ProduceRequestBuilder,
  type ProducerRecord,
  type RecordBlock,
} from "./native/produce_request.ts";
import { type TopicPartition, withNativeListAsync } from "./partitions.ts";
import type { Consumer } from "./consumer.ts";
import { RefusedTopics } from "./refused_topics.ts";

export type {
  Headers,
  HeaderValue,
  ProducerRecord,
  RecordBlock,
} from "./native/produce_request.ts";

/** Where a record was written. */
export interface DeliveryReport {
  topic: string;
  partition: number;
  /** The record's offset; -1001 when unknown (e.g. `acks=0`). */
  offset: number;
}

/** Options for {@linkcode Producer}. */
export interface ProducerOptions extends ClientHooks {
  /**
   * librdkafka properties: at least `bootstrap.servers`. Set `enable.idempotence: true` for an
   * idempotent producer and `transactional.id` for transactions.
   */
  config: KafkaConfig;
}

const INDEX_BITS = 2 ** 20;
const PURGE_QUEUE_AND_INFLIGHT = 0x1 | 0x2;
/** Ranges of an event's messages shorter than this are read one by one rather than halved. */
const MIN_COUNTED_RANGE = 4;
/** How long the first send with headers to a topic waits for the topic's metadata. */
const TOPIC_CHECK_TIMEOUT_MS = 5_000;
/** What `produce` returns for a record refused before it reached librdkafka (not a code). */
const REFUSED = 1 << 30;

function asKafkaError(e: unknown): KafkaError {
  return e instanceof KafkaError
    ? e
    : new KafkaError(`produce: ${e}`, { code: ErrorCode.FAIL, cause: e });
}

interface PendingBatch {
  /** The records, or the block's topics (for error messages). */
  records: readonly ProducerRecord[] | null;
  block: RecordBlock | null;
  /** `null` when the caller asked for no per-record reports. */
  reports: DeliveryReport[] | null;
  remaining: number;
  error: KafkaError | null;
  failures: number;
  resolve: (reports: DeliveryReport[] | null) => void;
  reject: (error: KafkaError) => void;
}

/**
 * A Kafka producer backed by librdkafka.
 *
 * ```ts ignore
 * await using producer = new Producer({ config: { "bootstrap.servers": "127.0.0.1:9092" } });
 * const report = await producer.send({ topic: "t", key: "k", value: "v" });
 * ```
 */
export class Producer implements AsyncDisposable {
  readonly #client: NativeClient;
  readonly #lib = librdkafka();
  readonly #topics = new Map<string, { rkt: Deno.PointerObject; address: number }>();
  readonly #pending = new Map<number, PendingBatch>();
  /** Topics librdkafka marked failed: a send with headers to one would crash it. */
  readonly #refused = new RefusedTopics();
  readonly #delivery = new DeliveryReader(this.#lib);
  readonly #builder: ProduceRequestBuilder;
  #nextBatchId = 1;
  #enqueueTail: Promise<void> | null = null;
  #closed: Promise<void> | null = null;

  /** Creates the producer; throws a {@linkcode KafkaError} for invalid configuration. */
  constructor(options: ProducerOptions) {
    this.#client = new NativeClient(ClientType.PRODUCER, {
      ...options,
      events: EventType.DR,
      onDeliveryEvent: (event) => this.#onDeliveryEvent(event),
    });
    this.#builder = new ProduceRequestBuilder(
      this.#lib,
      this.#client.rk,
      (name) => this.#topic(name),
    );
  }

  /** The client instance name. */
  get name(): string {
    return this.#client.name;
  }

  /** Messages waiting to be sent or acknowledged. */
  get queueLength(): number {
    return this.#lib.rd_kafka_outq_len(this.#client.rk);
  }

  /** Produces one record and resolves when the broker acknowledged it. */
  async send(record: ProducerRecord): Promise<DeliveryReport> {
    const [report] = await this.sendBatch([record]);
    return report;
  }

  /**
   * Produces records in order (also across calls) and resolves with their delivery reports, in
   * the same order, once all are acknowledged. Waits for room when librdkafka's queue is full.
   * Rejects with the first {@linkcode KafkaError} if any record failed (the others may have been
   * written). Record bytes are copied before the promise settles; don't change them before.
   */
  async sendBatch(records: readonly ProducerRecord[]): Promise<DeliveryReport[]> {
    const chunks = this.#sendChunks(records, true) as Promise<DeliveryReport[]>[];
    if (chunks.length === 1) return await chunks[0];
    return (await Promise.all(chunks)).flat();
  }

  /**
   * Like {@linkcode sendBatch} without per-record delivery reports: resolves once every record
   * is acknowledged. Cheaper for high-volume producers that only need to know that all arrived.
   */
  async sendAll(records: readonly ProducerRecord[]): Promise<void> {
    await Promise.all(this.#sendChunks(records, false));
  }

  /**
   * Produces the records of `block` in order (also across calls) and resolves once every one
   * is acknowledged; rejects like {@linkcode sendAll}. The cheapest way to send many records:
   * their bytes are already laid out, and delivery reports are counted per batch. The block's
   * buffers are copied once the returned promise settles (or earlier); don't change them before.
   */
  async sendBlock(block: RecordBlock): Promise<void> {
    this.#client.assertUsable("produce");
    if (block.count > INDEX_BITS) {
      throw new RangeError(`sendBlock: at most ${INDEX_BITS} records, got ${block.count}`);
    }
    if (block.count === 0) return;
    await this.#sendPending({ records: null, block }, block.count, false);
  }

  #sendChunks(
    records: readonly ProducerRecord[],
    reports: boolean,
  ): Promise<DeliveryReport[] | null>[] {
    this.#client.assertUsable("produce");
    const chunks: Promise<DeliveryReport[] | null>[] = [];
    for (let start = 0; start < records.length; start += INDEX_BITS) {
      const chunk = start === 0 && records.length <= INDEX_BITS
        ? records
        : records.slice(start, start + INDEX_BITS);
      chunks.push(this.#sendChunk(chunk, reports));
    }
    return chunks.length > 0 ? chunks : [Promise.resolve(reports ? [] : null)];
  }

  #sendChunk(
    records: readonly ProducerRecord[],
    reports: boolean,
  ): Promise<DeliveryReport[] | null> {
    return this.#sendPending({ records, block: null }, records.length, reports);
  }

  async #sendPending(
    what: Pick<PendingBatch, "records" | "block">,
    count: number,
    reports: boolean,
  ): Promise<DeliveryReport[] | null> {
    const batchId = this.#nextBatchId++;
    const { promise, resolve, reject } = Promise.withResolvers<DeliveryReport[] | null>();
    const batch: PendingBatch = {
      ...what,
      reports: reports ? new Array(count) : null,
      remaining: count,
      error: null,
      failures: 0,
      resolve,
      reject,
    };
    this.#pending.set(batchId, batch);
    // Calls enqueue one after another, so records keep the order of the calls that sent them
    // even when a full queue makes a call wait.
    const previous = this.#enqueueTail;
    const { promise: done, resolve: release } = Promise.withResolvers<void>();
    this.#enqueueTail = done;
    try {
      if (previous) await previous;
      await this.#enqueue(batch, batchId, count);
    } catch (e) {
      this.#pending.delete(batchId);
      reject(asKafkaError(e));
    } finally {
      if (this.#enqueueTail === done) this.#enqueueTail = null;
      release();
    }
    return promise;
  }

  async #enqueue(batch: PendingBatch, batchId: number, count: number): Promise<void> {
    const builder = this.#builder;
    const { records, block } = batch;
    await this.#checkTopics(batch, count);
    const send = records
      ? (i: number, opaque: number) => builder.produce(records[i], opaque)
      : (i: number, opaque: number) => builder.produceAt(i, opaque);
    // Checked before every call: delivery reports read while waiting for room may refuse more.
    const produce = (i: number, opaque: number) =>
      this.#refused.size > 0 && this.#refuse(batch, batchId, i) ? REFUSED : send(i, opaque);
    if (block) builder.beginBlock(block);
    let i = 0;
    try {
      for (; i < count; i++) {
        const opaque = batchId * INDEX_BITS + i;
        let code = produce(i, opaque);
        while (code === ErrorCode.QUEUE_FULL) {
          this.#client.serveNow();
          code = produce(i, opaque);
          if (code !== ErrorCode.QUEUE_FULL) break;
          if (block) builder.endBlock();
          await this.#client.nextDrain();
          this.#client.assertUsable("produce");
          if (block) builder.beginBlock(block);
          code = produce(i, opaque);
        }
        if (code !== ErrorCode.NO_ERROR && code !== REFUSED) {
          const error = KafkaError.fromCode(code, `produce to ${this.#topicOf(batch, i)}`);
          this.#settle(batch, batchId, i, -1, -1, error);
        }
      }
    } catch (e) {
      if (i === 0) throw e;
      // Records before `i` are queued, so the batch stays pending until they are reported (its
      // promise settles once all are accounted for); the rest fail now.
      const error = asKafkaError(e);
      for (; i < count; i++) this.#settle(batch, batchId, i, -1, -1, error);
    } finally {
      if (block) builder.endBlock();
    }
  }

  /** Checks each new topic of the batch's records with headers once (see RefusedTopics). */
  async #checkTopics({ records, block }: PendingBatch, count: number): Promise<void> {
    for (const topic of this.#refused.unchecked(records, block, count)) {
      this.#topic(topic);
      const { rkt } = this.#topics.get(topic)!;
      await this.#refused.check(this.#lib, this.#client.rk, rkt, topic, TOPIC_CHECK_TIMEOUT_MS);
      this.#client.assertUsable("produce");
    }
  }

  /** Fails record `index` at once if it has headers and its topic is refused; says whether. */
  #refuse(batch: PendingBatch, batchId: number, index: number): boolean {
    const error = this.#refused.refusalAt(batch.records, batch.block, index);
    if (error) this.#settle(batch, batchId, index, -1, -1, error);
    return error !== null;
  }

  #topicOf(batch: PendingBatch, index: number): string {
    return batch.records
      ? batch.records[index].topic
      : batch.block!.topics[batch.block!.topicIndex[index]];
  }

  #topic(name: string): number {
    let topic = this.#topics.get(name);
    if (!topic) {
      const rkt = this.#lib.rd_kafka_topic_new(this.#client.rk, cstr(name), null);
      if (rkt === null) {
        throw new KafkaError(`cannot create topic handle for ${name}`, {
          code: ErrorCode.INVALID_ARG,
        });
      }
      topic = { rkt, address: Number(Deno.UnsafePointer.value(rkt)) };
      this.#topics.set(name, topic);
    }
    return topic.address;
  }

  #onDeliveryEvent(event: Deno.PointerObject): void {
    const reader = this.#delivery;
    const ok = reader.eventError(event) === 0;
    let n: number;
    // A delivery event holds up to batch.num.messages reports; read them in chunks.
    while ((n = reader.next(event)) > 0) {
      if (ok) this.#settleRange(0, n - 1, reader.opaqueAt(0), reader.opaqueAt(n - 1));
      else this.#settleEach(0, n - 1);
      if (n < DELIVERY_CHUNK) break;
    }
  }

  /**
   * Settles the successful messages `lo..hi` of the current chunk, whose first and last
   * opaques are given: a run of one batch that wants no per-record reports is counted at once;
   * otherwise the range is halved (a partition's messages arrive in produce order, so each
   * batch is one run).
   */
  #settleRange(lo: number, hi: number, first: number, last: number): void {
    const batchId = Math.floor(first / INDEX_BITS);
    if (batchId === Math.floor(last / INDEX_BITS)) {
      const batch = this.#pending.get(batchId);
      if (!batch) return;
      if (!batch.reports) return this.#settleCount(batch, batchId, hi - lo + 1);
      return this.#settleEach(lo, hi);
    }
    if (hi - lo + 1 < MIN_COUNTED_RANGE) return this.#settleEach(lo, hi);
    const mid = (lo + hi) >> 1;
    const reader = this.#delivery;
    this.#settleRange(lo, mid, first, reader.opaqueAt(mid));
    this.#settleRange(mid + 1, hi, reader.opaqueAt(mid + 1), last);
  }

  /** Settles messages `lo..hi` of the current chunk one by one. */
  #settleEach(lo: number, hi: number): void {
    const reader = this.#delivery;
    let lastBatchId = -1;
    let batch: PendingBatch | undefined;
    for (let i = lo; i <= hi; i++) {
      const { err, partition, offset, opaque } = reader.messageAt(i);
      const batchId = Math.floor(opaque / INDEX_BITS);
      const index = opaque % INDEX_BITS;
      if (batchId !== lastBatchId) {
        batch = this.#pending.get(batchId);
        lastBatchId = batchId;
      }
      if (!batch) continue;
      const error = err === 0
        ? null
        : KafkaError.fromCode(err, `delivery to ${this.#topicOf(batch, index)} [${partition}]`);
      this.#settle(batch, batchId, index, partition, offset, error);
    }
  }

  /** Settles `count` successful records of `batch`, which wants no per-record reports. */
  #settleCount(batch: PendingBatch, batchId: number, count: number): void {
    batch.remaining -= count;
    if (batch.remaining <= 0) this.#finish(batch, batchId);
  }

  #settle(
    batch: PendingBatch,
    batchId: number,
    index: number,
    partition: number,
    offset: number,
    error: KafkaError | null,
  ): void {
    if (batch.reports && !error) {
      batch.reports[index] = { topic: this.#topicOf(batch, index), partition, offset };
    }
    if (error) {
      this.#refused.note(this.#topicOf(batch, index), error);
      batch.failures++;
      batch.error ??= error;
    }
    if (--batch.remaining > 0) return;
    this.#finish(batch, batchId);
  }

  #finish(batch: PendingBatch, batchId: number): void {
    this.#pending.delete(batchId);
    if (batch.error) {
      const error = batch.failures > 1
        ? new KafkaError(`${batch.error.message} (and ${batch.failures - 1} more failed records)`, {
          code: batch.error.code,
          retriable: batch.error.retriable,
          fatal: batch.error.fatal,
          cause: batch.error,
        })
        : batch.error;
      batch.reject(error);
    } else {
      batch.resolve(batch.reports);
    }
  }

  /** Waits until every queued record is acknowledged or failed; throws on timeout. */
  async flush(timeoutMs = 30_000): Promise<void> {
    this.#client.assertUsable("flush");
    const code = await this.#lib.rd_kafka_flush(this.#client.rk, timeoutMs);
    this.#client.serveNow();
    if (code !== ErrorCode.NO_ERROR) {
      throw KafkaError.fromCode(code, `flush: ${this.queueLength} records still queued`);
    }
  }

  /** Registers the `transactional.id` with the coordinator; call once before the first transaction. */
  async initTransactions(timeoutMs = 30_000): Promise<void> {
    this.#client.assertUsable("initTransactions");
    checkErrorObject(
      await this.#lib.rd_kafka_init_transactions(this.#client.rk, timeoutMs),
      "initTransactions",
    );
  }

  /** Starts a transaction; records sent until commit or abort belong to it. */
  beginTransaction(): void {
    this.#client.assertUsable("beginTransaction");
    checkErrorObject(this.#lib.rd_kafka_begin_transaction(this.#client.rk), "beginTransaction");
  }

  /**
   * Adds consumed offsets (the next offsets to read) to the current transaction, so they commit
   * atomically with its records for `consumer`'s group.
   */
  async sendOffsetsToTransaction(
    offsets: readonly TopicPartition[],
    consumer: Consumer,
    timeoutMs = 30_000,
  ): Promise<void> {
    this.#client.assertUsable("sendOffsetsToTransaction");
    await withGroupMetadata(
      this.#lib,
      consumer.groupMetadata(),
      (metadata) =>
        withNativeListAsync(offsets, async (list) => {
          checkErrorObject(
            await this.#lib.rd_kafka_send_offsets_to_transaction(
              this.#client.rk,
              list,
              metadata,
              timeoutMs,
            ),
            "sendOffsetsToTransaction",
          );
        }),
    );
  }

  /** Commits the current transaction (flushing its records first). */
  async commitTransaction(timeoutMs = 30_000): Promise<void> {
    this.#client.assertUsable("commitTransaction");
    checkErrorObject(
      await this.#lib.rd_kafka_commit_transaction(this.#client.rk, timeoutMs),
      "commitTransaction",
    );
  }

  /** Aborts the current transaction; its records are never seen by read_committed consumers. */
  async abortTransaction(timeoutMs = 30_000): Promise<void> {
    this.#client.assertUsable("abortTransaction");
    checkErrorObject(
      await this.#lib.rd_kafka_abort_transaction(this.#client.rk, timeoutMs),
      "abortTransaction",
    );
  }

  /**
   * Flushes (up to `timeoutMs`), fails whatever is still queued, and releases the client.
   * Idempotent.
   */
  close(timeoutMs = 30_000): Promise<void> {
    this.#closed ??= this.#close(timeoutMs);
    return this.#closed;
  }

  async #close(timeoutMs: number): Promise<void> {
    if (!this.#client.closing && !this.#client.fatalError && this.#pending.size > 0) {
      await this.#lib.rd_kafka_flush(this.#client.rk, timeoutMs);
    }
    this.#lib.rd_kafka_purge(this.#client.rk, PURGE_QUEUE_AND_INFLIGHT);
    await this.#client.close(() => {
      for (const { rkt } of this.#topics.values()) this.#lib.rd_kafka_topic_destroy(rkt);
      this.#topics.clear();
    });
    for (const [batchId, batch] of this.#pending) {
      this.#pending.delete(batchId);
      batch.reject(
        new KafkaError("producer closed before delivery", { code: ErrorCode.PURGE_QUEUE }),
      );
    }
  }

  /** Same as {@linkcode close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
