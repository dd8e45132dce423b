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
import { type TopicPartition, withNativeListAsync } from "./partitions.ts";
import { type Consumer, consumerGroupMetadata } from "./consumer.ts";

/** A header value; strings are sent as UTF-8. */
export type HeaderValue = string | Uint8Array | null;

/** Record headers, as an object or as ordered pairs (which allows repeated names). */
export type Headers =
  | Readonly<Record<string, HeaderValue>>
  | ReadonlyArray<readonly [string, HeaderValue]>;

/** A record to produce. */
export interface ProducerRecord {
  /** Target topic. */
  topic: string;
  /** Value bytes (strings are sent as UTF-8); `null` produces a tombstone. */
  value: Uint8Array | string | null;
  /** Key bytes; `null`/absent for no key. */
  key?: Uint8Array | string | null;
  /** Target partition; absent lets the configured partitioner choose (by key hash). */
  partition?: number;
  /** Record timestamp (milliseconds since the epoch or a Date); absent means now. */
  timestamp?: number | Date;
  /** Record headers. */
  headers?: Headers;
}

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

const VTYPE = {
  RKT: 2,
  PARTITION: 3,
  VALUE: 4,
  KEY: 5,
  OPAQUE: 6,
  MSGFLAGS: 7,
  TIMESTAMP: 8,
  HEADER: 9,
};
const MSG_F_COPY = 0x2;
const PARTITION_UA = -1;
const VU_SIZE = 72;
const MESSAGE_SIZE = 72;
const INDEX_BITS = 2 ** 20;
const TWO_32 = 2 ** 32;
const PURGE_QUEUE_AND_INFLIGHT = 0x1 | 0x2;
const encoder = new TextEncoder();
const NUL = new Uint8Array(1);
const SHARED_BUFFER_BYTES = 4096;
/** The reference of a null value or header value (addresses are far below -1). */
const NULL_REF = -1;
const MAX_CACHED_HEADER_NAMES = 1024;
const NAME_CHUNK_SIZE = 16 * 1024;
const smallBigInts = Array.from({ length: 64 }, (_, i) => BigInt(i));

interface PendingBatch {
  records: readonly ProducerRecord[];
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
  readonly #drPointers = new Uint8Array(new ArrayBuffer(8 * 1024));
  readonly #drWords = new Uint32Array(this.#drPointers.buffer);
  readonly #drBase = Deno.UnsafePointer.of(this.#drPointers)!;
  readonly #drBaseAddress = Number(Deno.UnsafePointer.value(this.#drBase));
  readonly #drScratch = new Uint8Array(MESSAGE_SIZE);
  readonly #drView = new DataView(this.#drScratch.buffer);
  #vus = new Uint8Array(new ArrayBuffer(VU_SIZE * 16));
  #vuView = new DataView(this.#vus.buffer);
  #arena = new Uint8Array(new ArrayBuffer(64 * 1024));
  #arenaAddress = addressOf(this.#arena);
  #nextBatchId = 1;
  #used = 0;
  #putLength = 0;
  readonly #headerSpans: number[] = [];
  readonly #headerNames = new Map<string, number>();
  /** Addresses of the (non-moving, off-heap) memory of buffers that values were sent from. */
  readonly #bufferAddresses = new WeakMap<ArrayBuffer, number>();
  #nameChunk = new Uint8Array(new ArrayBuffer(NAME_CHUNK_SIZE));
  /** Keeps every chunk alive: the addresses in `#headerNames` point into them. */
  readonly #nameChunks: Uint8Array[] = [this.#nameChunk];
  #nameChunkUsed = 0;
  #enqueueTail: Promise<void> | null = null;
  #closed: Promise<void> | null = null;

  /** Creates the producer; throws a {@linkcode KafkaError} for invalid configuration. */
  constructor(options: ProducerOptions) {
    this.#client = new NativeClient(ClientType.PRODUCER, {
      ...options,
      events: EventType.DR,
      onDeliveryEvent: (event) => this.#onDeliveryEvent(event),
    });
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

  async #sendChunk(
    records: readonly ProducerRecord[],
    reports: boolean,
  ): Promise<DeliveryReport[] | null> {
    const batchId = this.#nextBatchId++;
    const { promise, resolve, reject } = Promise.withResolvers<DeliveryReport[] | null>();
    const batch: PendingBatch = {
      records,
      reports: reports ? new Array(records.length) : null,
      remaining: records.length,
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
      await this.#enqueue(batch, batchId);
    } catch (e) {
      this.#pending.delete(batchId);
      reject(
        e instanceof KafkaError ? e : new KafkaError(`produce: ${e}`, {
          code: ErrorCode.FAIL,
          cause: e,
        }),
      );
    } finally {
      if (this.#enqueueTail === done) this.#enqueueTail = null;
      release();
    }
    return promise;
  }

  async #enqueue(batch: PendingBatch, batchId: number): Promise<void> {
    const records = batch.records;
    for (let i = 0; i < records.length; i++) {
      const opaque = batchId * INDEX_BITS + i;
      let code = this.#produceOne(records[i], opaque);
      while (code === ErrorCode.QUEUE_FULL) {
        this.#client.serveNow();
        code = this.#produceOne(records[i], opaque);
        if (code !== ErrorCode.QUEUE_FULL) break;
        await this.#client.nextDrain();
        this.#client.assertUsable("produce");
        code = this.#produceOne(records[i], opaque);
      }
      if (code !== ErrorCode.NO_ERROR) {
        const error = KafkaError.fromCode(code, `produce to ${records[i].topic}`);
        this.#settle(batch, batchId, i, -1, -1, error);
      }
    }
  }

  /**
   * Where the bytes of `data` are for the next `rd_kafka_produceva()` call, as a reference for
   * `resolve()`: minus the address of a Uint8Array's own memory (no copy; librdkafka copies it
   * during the call), or an offset in the arena for strings and buffers whose memory may move.
   * Sets `#putLength`.
   */
  #locate(data: Uint8Array | string): number {
    if (typeof data !== "string" && data.length > 0) {
      const buffer = data.buffer;
      // Small buffers of their own are cheaper to copy than to look up; buffers shared by many
      // values (a batch encoded at once) are looked up once and then sent from in place.
      if (
        buffer.byteLength >= SHARED_BUFFER_BYTES && buffer instanceof ArrayBuffer &&
        !buffer.resizable
      ) {
        let base = this.#bufferAddresses.get(buffer);
        if (base === undefined) {
          base = addressOf(new Uint8Array(buffer));
          this.#bufferAddresses.set(buffer, base);
        }
        this.#putLength = data.length;
        return -(base + data.byteOffset);
      }
    }
    return this.#put(data);
  }

  /** Copies `data` into the arena after what is already there; returns its start. */
  #put(data: Uint8Array | string): number {
    const start = this.#used;
    if (typeof data === "string") {
      const room = start + data.length * 3 + 1;
      if (room > this.#arena.length) this.#growArena(room);
      const target = start === 0 ? this.#arena : this.#arena.subarray(start);
      this.#used += encoder.encodeInto(data, target).written;
    } else {
      if (start + data.length > this.#arena.length) this.#growArena(start + data.length);
      this.#arena.set(data, start);
      this.#used += data.length;
    }
    this.#putLength = this.#used - start;
    return start;
  }

  /**
   * The address of `name` as a NUL-terminated string in memory kept for the producer's life, or
   * 0 when it is not cached (long names, or once many distinct names were seen).
   */
  #headerName(name: string): number {
    const cached = this.#headerNames.get(name);
    if (cached !== undefined) return cached;
    if (this.#headerNames.size >= MAX_CACHED_HEADER_NAMES || name.length > 255) return 0;
    if (this.#nameChunkUsed + name.length * 3 + 1 > this.#nameChunk.length) {
      this.#nameChunk = new Uint8Array(new ArrayBuffer(NAME_CHUNK_SIZE));
      this.#nameChunks.push(this.#nameChunk);
      this.#nameChunkUsed = 0;
    }
    const target = this.#nameChunk.subarray(this.#nameChunkUsed);
    const { written } = encoder.encodeInto(name, target);
    target[written] = 0;
    const address = addressOf(this.#nameChunk) + this.#nameChunkUsed;
    this.#nameChunkUsed += written + 1;
    this.#headerNames.set(name, address);
    return address;
  }

  /** Starts the next `rd_kafka_vu_t` entry of `type`; returns the offset of its value union. */
  #entry(index: number, type: number): number {
    const at = index * VU_SIZE;
    this.#vuView.setInt32(at, type, true);
    return at + 8;
  }

  #produceOne(record: ProducerRecord, opaque: number): number {
    this.#used = 0;
    // Lay out the bytes first (the arena may grow and move), then write the entries.
    const hasValue = record.value !== null;
    const valueRef = hasValue ? this.#locate(record.value!) : NULL_REF;
    const valueLength = hasValue ? this.#putLength : 0;
    const hasKey = record.key !== undefined && record.key !== null;
    const keyRef = hasKey ? this.#locate(record.key!) : NULL_REF;
    const keyLength = this.#putLength;
    const headers = record.headers === undefined
      ? null
      : Array.isArray(record.headers)
      ? record.headers as ReadonlyArray<readonly [string, HeaderValue]>
      : Object.entries(record.headers);
    const spans = this.#headerSpans;
    if (headers) {
      if ((7 + headers.length) * VU_SIZE > this.#vus.length) {
        this.#vus = new Uint8Array(new ArrayBuffer((7 + headers.length) * VU_SIZE * 2));
        this.#vuView = new DataView(this.#vus.buffer);
      }
      spans.length = 0;
      for (let h = 0; h < headers.length; h++) {
        const name = headers[h][0];
        const value = headers[h][1];
        const cached = this.#headerName(name); // an address, or 0
        if (cached > 0) spans.push(-cached);
        else {
          spans.push(this.#put(name));
          this.#put(NUL);
        }
        if (value === null) spans.push(NULL_REF, -1);
        else spans.push(this.#locate(value), this.#putLength);
      }
    }
    const base = this.#arenaAddress;
    const vu = this.#vuView;
    let count = 0;
    writeAddress(vu, this.#entry(count++, VTYPE.RKT), this.#topic(record.topic));
    vu.setInt32(this.#entry(count++, VTYPE.PARTITION), record.partition ?? PARTITION_UA, true);
    let at = this.#entry(count++, VTYPE.VALUE);
    writeAddress(vu, at, hasValue ? resolve(valueRef, base) : 0);
    writeAddress(vu, at + 8, valueLength);
    if (hasKey) {
      at = this.#entry(count++, VTYPE.KEY);
      writeAddress(vu, at, resolve(keyRef, base));
      writeAddress(vu, at + 8, keyLength);
    }
    writeAddress(vu, this.#entry(count++, VTYPE.OPAQUE), opaque);
    vu.setInt32(this.#entry(count++, VTYPE.MSGFLAGS), MSG_F_COPY, true);
    if (record.timestamp !== undefined) {
      const ts = typeof record.timestamp === "number"
        ? record.timestamp
        : record.timestamp.getTime();
      writeAddress(vu, this.#entry(count++, VTYPE.TIMESTAMP), ts);
    }
    if (headers) {
      for (let h = 0; h < spans.length; h += 3) {
        at = this.#entry(count++, VTYPE.HEADER);
        writeAddress(vu, at, resolve(spans[h], base));
        writeAddress(vu, at + 8, spans[h + 1] === NULL_REF ? 0 : resolve(spans[h + 1], base));
        writeSigned(vu, at + 16, spans[h + 2]);
      }
    }
    const error = this.#lib.rd_kafka_produceva(
      this.#client.rk,
      this.#vus,
      smallBigInts[count] ?? BigInt(count),
    );
    if (error === null) return ErrorCode.NO_ERROR;
    const code = this.#lib.rd_kafka_error_code(error);
    this.#lib.rd_kafka_error_destroy(error);
    return code;
  }

  #growArena(minimum: number): void {
    let size = this.#arena.length * 2;
    while (size < minimum) size *= 2;
    const next = new Uint8Array(new ArrayBuffer(size));
    next.set(this.#arena);
    this.#arena = next;
    this.#arenaAddress = addressOf(next);
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
    const lib = this.#lib;
    const pointers = this.#drPointers;
    const capacity = pointers.length / 8;
    const capacityArg = BigInt(capacity);
    const words = this.#drWords;
    const base = this.#drBase;
    const baseAddress = this.#drBaseAddress;
    const scratch = this.#drScratch;
    const view = this.#drView;
    let lastBatchId = -1;
    let lastBatch: PendingBatch | null = null;
    let n: number;
    // A delivery event holds up to batch.num.messages reports; read them in chunks.
    while ((n = Number(lib.rd_kafka_event_message_array(event, pointers, capacityArg))) > 0) {
      for (let i = 0; i < n; i++) {
        const address = words[2 * i] + words[2 * i + 1] * TWO_32;
        Deno.UnsafePointerView.copyInto(base, scratch, address - baseAddress);
        const err = view.getInt32(0, true);
        const partition = view.getInt32(16, true);
        const offset = view.getUint32(56, true) + view.getInt32(60, true) * TWO_32;
        const opaque = view.getUint32(64, true) + view.getUint32(68, true) * TWO_32;
        const batchId = Math.floor(opaque / INDEX_BITS);
        const index = opaque % INDEX_BITS;
        let batch: PendingBatch | null = lastBatch;
        if (batchId !== lastBatchId) {
          batch = this.#pending.get(batchId) ?? null;
          lastBatch = batch;
          lastBatchId = batchId;
        }
        if (!batch) continue;
        const error = err === 0
          ? null
          : KafkaError.fromCode(err, `delivery to ${batch.records[index].topic} [${partition}]`);
        this.#settle(batch, batchId, index, partition, offset, error);
      }
      if (n < capacity) break;
    }
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
      batch.reports[index] = { topic: batch.records[index].topic, partition, offset };
    }
    if (error) {
      batch.failures++;
      batch.error ??= error;
    }
    if (--batch.remaining > 0) return;
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
    const metadata = consumerGroupMetadata(consumer);
    try {
      await withNativeListAsync(offsets, async (list) => {
        checkErrorObject(
          await this.#lib.rd_kafka_send_offsets_to_transaction(
            this.#client.rk,
            list,
            metadata,
            timeoutMs,
          ),
          "sendOffsetsToTransaction",
        );
      });
    } finally {
      this.#lib.rd_kafka_consumer_group_metadata_destroy(metadata);
    }
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

function addressOf(buffer: Uint8Array): number {
  return Number(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buffer)));
}

function writeAddress(view: DataView, at: number, value: number): void {
  view.setUint32(at, value >>> 0, true);
  view.setUint32(at + 4, Math.floor(value / TWO_32), true);
}

/** A reference from `#locate()`: an arena offset (>= 0) or minus an absolute address. */
function resolve(ref: number, arenaBase: number): number {
  return ref < 0 ? -ref : arenaBase + ref;
}

function writeSigned(view: DataView, at: number, value: number): void {
  view.setUint32(at, value >>> 0, true);
  view.setInt32(at + 4, Math.floor(value / TWO_32), true);
}
