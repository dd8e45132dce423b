/**
 * {@linkcode FakeConsumer}: a consumer of the in-memory cluster with the calls of `@iot/kafka`'s
 * `Consumer` that the runtimes use: group subscription with rebalance events, manual
 * assignment, batches, pause and resume, positions, committed offsets and watermarks.
 *
 * @module
 */
import type { BatchOptions, ConsumerRecord, RebalanceEvent } from "../consumer.ts";
import type { RecordColumns } from "../record_columns.ts";
import { columnsOf } from "./columns.ts";
import type { KafkaError } from "../errors.ts";
import { Offset, type TopicPartition } from "../partitions.ts";
import { type FakeKafka, turn } from "./cluster.ts";
import type { FakeGroup, GroupMember } from "./group.ts";
import { isMarker } from "./log.ts";

/** Options of {@linkcode FakeConsumer}. */
export interface FakeConsumerOptions {
  /** Consumer group (`group.id`). Default `fake-consumer`. */
  groupId?: string;
  /** `isolation.level`. Default `read_uncommitted`, as in Kafka. */
  isolation?: "read_committed" | "read_uncommitted";
  /** `auto.offset.reset` when nothing is committed. Default `latest`, as in Kafka. */
  autoOffsetReset?: "earliest" | "latest";
  /** Told of each rebalance before it takes effect (awaited), as `Consumer`'s `onRebalance`. */
  onRebalance?: (event: RebalanceEvent) => void | Promise<void>;
  /** Told of errors of rebalance handlers. */
  onError?: (error: KafkaError) => void;
  /** Its name in step hooks. Default `consumer-<n>`. */
  name?: string;
}

const keyOf = (topic: string, partition: number) => `${topic}\u0000${partition}`;
let created = 0;

/**
 * A consumer of a {@linkcode FakeKafka}. With read_committed it reads up to the last stable
 * offset and skips aborted records; its position moves past transaction markers, which occupy
 * offsets but are never returned, as with a real broker.
 */
export class FakeConsumer implements GroupMember, AsyncDisposable {
  /** Its consumer group. */
  readonly groupId: string;
  readonly #kafka: FakeKafka;
  readonly #o: FakeConsumerOptions;
  readonly #name: string;
  #topics: string[] = [];
  /** The assignment once pending rebalance events are applied. */
  #target = new Set<string>();
  readonly #pending: RebalanceEvent[] = [];
  /** Assigned partitions and their positions (next offset to read; -1001 until resolved). */
  readonly #positions = new Map<string, TopicPartition>();
  readonly #paused = new Set<string>();
  #group: FakeGroup | null = null;
  #closed: Promise<void> | null = null;

  /** A consumer of `kafka`. */
  constructor(kafka: FakeKafka, options: FakeConsumerOptions = {}) {
    this.#kafka = kafka;
    this.#o = options;
    this.groupId = options.groupId ?? "fake-consumer";
    this.#name = options.name ?? `consumer-${++created}`;
  }

  /** Its name in step hooks. */
  get name(): string {
    return this.#name;
  }

  /** The topics it subscribed to. */
  get topics(): readonly string[] {
    return this.#topics;
  }

  /** Joins the group for `topics`; partitions arrive as `assigned` events while iterating. */
  subscribe(topics: readonly string[]): void {
    this.#topics = [...topics];
    this.#group ??= this.#kafka.group(this.groupId);
    this.#group.join(this);
  }

  /** Leaves the group (the partitions are revoked). */
  unsubscribe(): void {
    this.#group?.leave(this);
    this.#group = null;
  }

  /** Called by the group with this member's whole new assignment. */
  reassign(partitions: TopicPartition[]): void {
    const next = new Set(partitions.map((tp) => keyOf(tp.topic, tp.partition)));
    const revoked = [...this.#target].filter((k) => !next.has(k));
    const assigned = partitions.filter((tp) => !this.#target.has(keyOf(tp.topic, tp.partition)));
    if (revoked.length > 0) this.#pending.push(event("revoked", revoked.map(parseKey)));
    if (assigned.length > 0) {
      this.#pending.push(event("assigned", assigned.map((tp) => ({ ...tp }))));
    }
    this.#target = next;
  }

  /** Assigns partitions directly (no group); `offset` chooses where to start. */
  assign(partitions: readonly TopicPartition[]): void {
    this.#positions.clear();
    for (const tp of partitions) this.#take(tp);
  }

  /** The assigned partitions. */
  assignment(): TopicPartition[] {
    return [...this.#positions.values()].map(({ topic, partition }) => ({ topic, partition }));
  }

  /** Record batches until `signal` aborts or the consumer closes; applies rebalances in between. */
  async *batches(options: BatchOptions = {}): AsyncGenerator<ConsumerRecord[], void, undefined> {
    const max = Math.min(options.maxMessages ?? 1000, 4096);
    while (!options.signal?.aborted && this.#closed === null) {
      await this.#applyRebalances();
      const batch = this.#kafka.step("fetch", this.#name, () => this.#fetch(max));
      if (batch.length > 0) yield batch;
      else if (this.#pending.length === 0) await this.#kafka.changed(options.signal);
    }
  }

  /** {@linkcode batches} as columns, as `Consumer.columnBatches()` (headers only when asked). */
  async *columnBatches(options: BatchOptions = {}): AsyncGenerator<RecordColumns, void, undefined> {
    for await (const batch of this.batches(options)) {
      yield columnsOf(batch, options.headers ?? false);
    }
  }

  /**
   * Returns what is readable now from the assigned partitions (at most `maxMessages`), without
   * waiting and without applying rebalances: for assigned (not subscribed) readers in tests.
   */
  poll(maxMessages = 1000): ConsumerRecord[] {
    return this.#kafka.step("fetch", this.#name, () => this.#fetch(maxMessages));
  }

  /** Commits `offsets` for the group (outside a transaction). */
  async commit(offsets: readonly TopicPartition[] = []): Promise<void> {
    await turn();
    this.#kafka.step("commit", this.#name, () => {
      const group = this.#kafka.group(this.groupId);
      for (const o of offsets) group.commit(o.topic, o.partition, o.offset!);
    });
  }

  /** The group's committed offsets of `partitions` (-1001 when none). */
  async committed(partitions: readonly TopicPartition[]): Promise<TopicPartition[]> {
    await turn();
    return this.#kafka.step(
      "committed",
      this.#name,
      () =>
        partitions.map(({ topic, partition }) => ({
          topic,
          partition,
          offset: this.#kafka.committedOffset(this.groupId, topic, partition) ?? Offset.INVALID,
        })),
    );
  }

  /** The next offset it reads per partition (-1001 when unknown). */
  position(partitions: readonly TopicPartition[]): TopicPartition[] {
    return partitions.map(({ topic, partition }) => ({
      topic,
      partition,
      offset: this.#positions.get(keyOf(topic, partition))?.offset ?? Offset.INVALID,
    }));
  }

  /** Moves assigned partitions to the given offsets. */
  async seek(partitions: readonly TopicPartition[]): Promise<void> {
    await turn();
    for (const tp of partitions) {
      if (this.#positions.has(keyOf(tp.topic, tp.partition))) this.#take(tp);
    }
    this.#kafka.notify();
  }

  /** Stops fetching from partitions (they stay assigned). */
  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.#paused.add(keyOf(tp.topic, tp.partition));
  }

  /** Resumes fetching from paused partitions. */
  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.#paused.delete(keyOf(tp.topic, tp.partition));
    this.#kafka.notify();
  }

  /** The low (always 0: nothing is deleted) and high watermarks of a partition. */
  async watermarkOffsets(topic: string, partition: number): Promise<{ low: number; high: number }> {
    await turn();
    return this.#kafka.step("watermarkOffsets", this.#name, () => ({
      low: 0,
      high: this.#kafka.log(topic, partition).high,
    }));
  }

  /** Leaves the group cleanly: the final revocation goes through `onRebalance`. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      const owned = [...this.#target].map(parseKey);
      this.#group?.leave(this);
      this.#pending.length = 0;
      if (this.#group !== null && owned.length > 0) {
        await this.#handle(event("revoked", owned));
      }
      this.#group = null;
      this.#positions.clear();
      this.#kafka.notify();
    })();
    return this.#closed;
  }

  /** Drops the consumer without revoking anything (a crash): the group deals its partitions out again. */
  crash(): void {
    this.#pending.length = 0;
    this.#closed ??= Promise.resolve();
    this.#group?.leave(this);
    this.#group = null;
    this.#kafka.notify();
  }

  /** Same as {@linkcode close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #applyRebalances(): Promise<void> {
    for (let e = this.#pending.shift(); e !== undefined; e = this.#pending.shift()) {
      await this.#handle(e);
      if (e.type === "assigned") { for (const tp of e.partitions) this.#take(tp); }
      else {
        for (const { topic, partition } of e.partitions) {
          this.#positions.delete(keyOf(topic, partition));
          this.#paused.delete(keyOf(topic, partition));
        }
      }
    }
  }

  async #handle(e: RebalanceEvent): Promise<void> {
    try {
      await this.#o.onRebalance?.(e);
    } catch (error) {
      this.#o.onError?.(error as KafkaError);
    }
  }

  /** Takes up a partition at `tp.offset`, or the committed offset, or the reset policy's. */
  #take(tp: TopicPartition): void {
    const high = this.#kafka.log(tp.topic, tp.partition).high;
    let offset = tp.offset ?? Offset.INVALID;
    if (offset < 0 && offset !== Offset.BEGINNING && offset !== Offset.END) {
      offset = this.#kafka.committedOffset(this.groupId, tp.topic, tp.partition) ??
        (this.#o.autoOffsetReset === "earliest" ? Offset.BEGINNING : Offset.END);
    }
    if (offset === Offset.BEGINNING) offset = 0;
    if (offset === Offset.END) offset = high;
    this.#positions.set(keyOf(tp.topic, tp.partition), {
      topic: tp.topic,
      partition: tp.partition,
      offset,
    });
  }

  #fetch(max: number): ConsumerRecord[] {
    const records: ConsumerRecord[] = [];
    const committedOnly = this.#o.isolation === "read_committed";
    for (const [key, tp] of this.#positions) {
      if (this.#paused.has(key)) continue;
      const log = this.#kafka.log(tp.topic, tp.partition);
      const end = committedOnly ? log.lastStable : log.high;
      let offset = tp.offset!;
      for (; offset < end && records.length < max; offset++) {
        const entry = log.at(offset)!;
        if (isMarker(entry)) continue;
        if (committedOnly && entry.txn !== null && this.#kafka.txnState(entry.txn) === "aborted") {
          continue;
        }
        records.push({
          topic: tp.topic,
          partition: tp.partition,
          offset,
          key: entry.key,
          value: entry.value,
          timestamp: entry.timestamp,
          timestampType: "create",
          headers: entry.headers.map(([name, value]) => [name, value]),
        });
      }
      tp.offset = offset;
      if (records.length >= max) break;
    }
    return records;
  }
}

function event(type: RebalanceEvent["type"], partitions: TopicPartition[]): RebalanceEvent {
  return { type, partitions, protocol: "cooperative" };
}

function parseKey(key: string): TopicPartition {
  const cut = key.lastIndexOf("\u0000");
  return { topic: key.slice(0, cut), partition: Number(key.slice(cut + 1)) };
}
