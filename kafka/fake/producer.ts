/**
 * {@linkcode FakeProducer}: a producer of the in-memory cluster with the calls of `@iot/kafka`'s
 * `Producer` that the runtimes use, transactions included.
 *
 * @module
 */
import { ErrorCode, KafkaError } from "../errors.ts";
import type { DeliveryReport, Headers, ProducerRecord, RecordBlock } from "../producer.ts";
import type { TopicPartition } from "../partitions.ts";
import { type FakeKafka, turn } from "./cluster.ts";

/** Options of {@linkcode FakeProducer}. */
export interface FakeProducerOptions {
  /** Makes it transactional (`transactional.id`). Default: not transactional. */
  transactionalId?: string;
  /** Its name in step hooks. Default `producer-<n>`. */
  name?: string;
}

/** A consumer whose group a transaction's offsets are committed for. */
export interface FakeGroupMemberRef {
  /** The consumer group. */
  readonly groupId: string;
}

const encoder = new TextEncoder();
let created = 0;

/**
 * An idempotent (it never duplicates or reorders) and optionally transactional producer of a
 * {@linkcode FakeKafka}. Records are appended on send; a transaction's records sit in the log
 * from then on, invisible to read_committed readers until the commit marker.
 */
export class FakeProducer implements AsyncDisposable {
  readonly #kafka: FakeKafka;
  readonly #txnId: string | null;
  readonly #name: string;
  #epoch: number | null = null;
  #txn: number | null = null;
  #closed = false;
  #roundRobin = 0;

  /** A producer of `kafka`. */
  constructor(kafka: FakeKafka, options: FakeProducerOptions = {}) {
    this.#kafka = kafka;
    this.#txnId = options.transactionalId ?? null;
    this.#name = options.name ?? `producer-${++created}`;
  }

  /** Its name in step hooks. */
  get name(): string {
    return this.#name;
  }

  /** Records waiting for delivery: always 0, sends complete at once. */
  get queueLength(): number {
    return 0;
  }

  /** Sends one record. */
  async send(record: ProducerRecord): Promise<DeliveryReport> {
    return (await this.sendBatch([record]))[0];
  }

  /** Sends records in order; resolves with where each was written. */
  sendBatch(records: readonly ProducerRecord[]): Promise<DeliveryReport[]> {
    try {
      this.#usable("send");
      if (this.#txnId !== null && this.#txn === null) {
        throw state("send outside a transaction of a transactional producer");
      }
      const reports = this.#kafka.step(
        "send",
        this.#name,
        () => records.map((r) => this.#append(r)),
      );
      return Promise.resolve(reports);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Sends records in order; resolves once all are written. */
  async sendAll(records: readonly ProducerRecord[]): Promise<void> {
    await this.sendBatch(records);
  }

  /** Sends the records of a block in order (copies of its bytes); resolves once all are written. */
  async sendBlock(block: RecordBlock): Promise<void> {
    await this.sendBatch(recordsOf(block));
  }

  /** Waits for queued records: none are ever queued. */
  async flush(): Promise<void> {
    await turn();
    this.#usable("flush");
  }

  /** Registers the transactional id: aborts what an older instance left open and fences it. */
  async initTransactions(): Promise<void> {
    await turn();
    this.#usable("initTransactions");
    const id = this.#transactionalId("initTransactions");
    this.#epoch = this.#kafka.step("initTransactions", this.#name, () => {
      return this.#kafka.initProducerId(id);
    });
  }

  /** Starts a transaction. */
  beginTransaction(): void {
    const id = this.#fenceCheck("beginTransaction");
    if (this.#txn !== null) throw state("beginTransaction: a transaction is already open");
    this.#txn = this.#kafka.step("beginTransaction", this.#name, () => this.#kafka.beginTxn(id));
  }

  /** Adds offsets of `consumer`'s group (a {@linkcode FakeGroupMemberRef}) to the open transaction. */
  async sendOffsetsToTransaction(
    offsets: readonly TopicPartition[],
    consumer: object,
  ): Promise<void> {
    await turn();
    this.#fenceCheck("sendOffsetsToTransaction");
    const txn = this.#open("sendOffsetsToTransaction");
    const group = (consumer as Partial<FakeGroupMemberRef>).groupId;
    if (typeof group !== "string") {
      throw new TypeError("sendOffsetsToTransaction: the consumer is not a FakeConsumer");
    }
    const list = offsets.map(({ topic, partition, offset }) => ({
      topic,
      partition,
      offset: offset ?? -1001,
    }));
    this.#kafka.step("sendOffsetsToTransaction", this.#name, () => {
      this.#kafka.addTxnOffsets(txn, group, list);
    });
  }

  /** Commits the open transaction. */
  async commitTransaction(): Promise<void> {
    await this.#end("commitTransaction", "commit");
  }

  /** Aborts the open transaction. */
  async abortTransaction(): Promise<void> {
    await this.#end("abortTransaction", "abort");
  }

  async #end(step: "commitTransaction" | "abortTransaction", result: "commit" | "abort") {
    await turn();
    const id = this.#fenceCheck(step);
    const txn = this.#open(step);
    this.#kafka.step(step, this.#name, () => {
      this.#kafka.endTxn(id, txn, result);
      this.#txn = null;
    });
  }

  /**
   * Releases the producer. An open transaction stays open, as when a process dies: the next
   * instance with the same transactional id aborts it in `initTransactions`. Idempotent.
   */
  async close(): Promise<void> {
    await turn();
    this.crash();
  }

  /** Drops the producer at once without ending its transaction (a crash). */
  crash(): void {
    this.#closed = true;
  }

  /** Same as {@linkcode close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #usable(what: string): void {
    if (this.#closed) throw state(`${what}: the producer is closed`);
  }

  #transactionalId(what: string): string {
    if (this.#txnId === null) throw state(`${what}: the producer has no transactional.id`);
    return this.#txnId;
  }

  #fenceCheck(what: string): string {
    this.#usable(what);
    const id = this.#transactionalId(what);
    if (this.#epoch === null) throw state(`${what}: call initTransactions first`);
    this.#kafka.checkEpoch(id, this.#epoch);
    return id;
  }

  #open(what: string): number {
    if (this.#txn === null) throw state(`${what}: no open transaction`);
    return this.#txn;
  }

  #append(record: ProducerRecord): DeliveryReport {
    const count = this.#kafka.partitionCount(record.topic);
    if (count === undefined) {
      throw new KafkaError(`Unknown topic ${record.topic}`, {
        code: ErrorCode.UNKNOWN_TOPIC_OR_PART,
      });
    }
    const key = bytes(record.key ?? null);
    const partition = record.partition ??
      (key === null ? this.#roundRobin++ % count : hash(key) % count);
    const ts = record.timestamp;
    const offset = this.#kafka.append(record.topic, partition, {
      key,
      value: bytes(record.value),
      headers: headerList(record.headers),
      timestamp: ts === undefined ? Date.now() : ts instanceof Date ? ts.getTime() : ts,
      txn: this.#txn,
    });
    return { topic: record.topic, partition, offset };
  }
}

function state(message: string): KafkaError {
  return new KafkaError(message, { code: ErrorCode.STATE });
}

function bytes(value: Uint8Array | string | null): Uint8Array | null {
  return typeof value === "string" ? encoder.encode(value) : value;
}

function headerList(headers: Headers | undefined): Array<[string, Uint8Array | null]> {
  if (headers === undefined) return [];
  const pairs = Array.isArray(headers) ? headers : Object.entries(headers);
  return pairs.map(([name, value]) => [name, bytes(value)]);
}

/** FNV-1a: a stable partition per key (not Kafka's murmur2; tests need stability, not parity). */
function hash(key: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of key) h = Math.imul(h ^ b, 0x01000193);
  return h >>> 0;
}

/** The records of `block` as {@linkcode ProducerRecord}s, with copies of its bytes. */
function recordsOf(block: RecordBlock): ProducerRecord[] {
  const records: ProducerRecord[] = [];
  for (let i = 0; i < block.count; i++) {
    const keyStart = block.keyStart[i], keyLength = block.keyLength[i];
    const valueStart = block.valueStart[i];
    records.push({
      topic: block.topics[block.topicIndex[i]],
      key: keyLength < 0 ? null : block.keys.slice(keyStart, keyStart + keyLength),
      value: block.values.slice(valueStart, valueStart + block.valueLength[i]),
      timestamp: block.timestamps[i],
      headers: block.headers.map(([name, value]) => [name, value.slice()] as const),
    });
  }
  return records;
}
