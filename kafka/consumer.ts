/**
 * The consumer: group subscription with rebalance events surfaced to the application, batch
 * consumption as an async iterable, manual offset store and commit, seek, pause and resume.
 *
 * @module
 */
import { ClientType, NativeClient } from "./client.ts";
import type { ClientHooks, KafkaConfig } from "./config.ts";
import { check, checkErrorObject, ErrorCode, KafkaError } from "./errors.ts";
import { cstr, librdkafka, readCString } from "./native/library.ts";
import { QueueWakeup } from "./native/libc.ts";
import { writeGroupMetadata } from "./native/group_metadata.ts";
import { pointerAt } from "./native/message.ts";
import { type ConsumerRecord, MAX_BATCH, MessageReader } from "./native/message_reader.ts";
import type { RecordColumns } from "./record_columns.ts";
import {
  fromNativeList,
  type TopicPartition,
  withNativeList,
  withNativeListAsync,
} from "./partitions.ts";

export type { ConsumerRecord, RecordColumns };

/**
 * A change of the partitions this consumer owns. `assigned` is delivered before the partitions
 * are taken up, so a handler may set `offset` on them to choose where to start (default: the
 * committed offset); `revoked` and `lost` are delivered before they are given up, so a handler
 * can checkpoint and commit. With the cooperative protocol, lists are incremental.
 */
export interface RebalanceEvent {
  type: "assigned" | "revoked" | "lost";
  partitions: TopicPartition[];
  /** The group's rebalance protocol. */
  protocol: "eager" | "cooperative";
}

/** Options for {@linkcode Consumer}. */
export interface ConsumerOptions extends ClientHooks {
  /**
   * librdkafka properties: at least `bootstrap.servers`, and `group.id` for subscriptions.
   * E.g. `partition.assignment.strategy: "cooperative-sticky"`, `enable.auto.commit: false`,
   * `enable.auto.offset.store: false`, `isolation.level: "read_committed"`.
   */
  config: KafkaConfig;
  /**
   * Called on every rebalance before it takes effect; the consumer waits for the returned promise.
   * A handler that throws is reported through `onError` and the rebalance proceeds.
   */
  onRebalance?: (event: RebalanceEvent) => void | Promise<void>;
}

/** Options for {@linkcode Consumer.batches}. */
export interface BatchOptions {
  /** Largest batch returned, at most 4096. Default 1000. */
  maxMessages?: number;
  /** Stops the iteration. */
  signal?: AbortSignal;
  /**
   * Read each record's headers (one more FFI call per record, the lists then read per batch).
   * With `false`, `headers` is always empty. Default true for `batches()`, false for
   * `columnBatches()` (where they land in `RecordColumns.headers`).
   */
  headers?: boolean;
  /**
   * While records stream and the queue runs dry for a moment, block the JavaScript thread up to
   * this many ms in librdkafka for the next message (woken directly, as kcat is) instead of
   * waking through the pipe; the event loop still gets a turn at least every 100 ms. Default 0
   * (off): only for a consumer that owns its process's throughput (the processor's input, a
   * benchmark), never in a process that serves requests, where it would delay them.
   */
  streamWaitMs?: number;
}

const IDLE_WAIT_MS = 1000;
/**
 * With `streamWaitMs`, while the queue keeps running dry, the event loop gets a turn at least
 * this often. Why the option exists: waking through the wake-up pipe takes two thread hops (a
 * pipe poll on a worker thread, then the event loop); on a loaded machine each costs
 * milliseconds, and at one empty queue per fetch response that was most of the wall time
 * (measured: 40-110 waits, 0.4-1.3 s per 1M records). librdkafka wakes a blocked caller
 * directly, as kcat waits.
 */
const TURN_EVERY_MS = 100;
const CLOSE_WAIT_MS = 100;
const WAKEUP_PAYLOAD = new Uint8Array([1]);
const DESTROY_F_NO_CONSUMER_CLOSE = 0x8;
const ERR_NO_OFFSET = -168;

/**
 * Defaults that differ from librdkafka's. librdkafka 2.0 stops fetching once
 * `queued.min.messages` (default 100000) are queued and is slow to resume; a JavaScript
 * consumer always drains slower than the fetcher fills, so the default stalls it (measured:
 * 265k msgs/s with it, 860k msgs/s without). Memory stays bounded by `queued.max.messages.kbytes`.
 */
const consumerDefaults: KafkaConfig = { "queued.min.messages": 1_000_000 };

/**
 * A Kafka consumer backed by librdkafka.
 *
 * ```ts ignore
 * await using consumer = new Consumer({
 *   config: { "bootstrap.servers": "127.0.0.1:9092", "group.id": "g", "enable.auto.commit": false },
 *   onRebalance: async (e) => { if (e.type === "revoked") await consumer.commit(); },
 * });
 * consumer.subscribe(["sensor-readings"]);
 * for await (const batch of consumer.batches()) { ... }
 * ```
 */
export class Consumer implements AsyncDisposable {
  readonly #client: NativeClient;
  readonly #lib = librdkafka();
  readonly #queue: Deno.PointerObject;
  readonly #wakeup: QueueWakeup;
  readonly #rebalanceCallback: Deno.UnsafeCallback<{
    readonly parameters: readonly ["pointer", "i32", "pointer", "pointer"];
    readonly result: "void";
  }>;
  readonly #onRebalance?: (event: RebalanceEvent) => void | Promise<void>;
  readonly #onError?: (error: KafkaError) => void;
  readonly #rebalances: RebalanceEvent[] = [];
  readonly #rebalanceErrors: number[] = [];
  readonly #reader: MessageReader;
  #iterating = false;
  #closed: Promise<void> | null = null;

  /** Creates the consumer; throws a {@linkcode KafkaError} for invalid configuration. */
  constructor(options: ConsumerOptions) {
    if (!options.config["group.id"]) {
      throw new KafkaError(
        "invalid Kafka config: a consumer needs group.id (librdkafka's consumer API requires one " +
          "even for assign(); use a stable name, and enable.auto.commit=false if it never commits)",
        { code: ErrorCode.INVALID_ARG, retriable: false },
      );
    }
    this.#wakeup = new QueueWakeup();
    this.#reader = new MessageReader(this.#lib, {
      fatalError: () => this.#client.fatalErrorNow(),
      onError: options.onError,
    });
    this.#onRebalance = options.onRebalance;
    this.#onError = options.onError;
    this.#rebalanceCallback = new Deno.UnsafeCallback(
      { parameters: ["pointer", "i32", "pointer", "pointer"], result: "void" } as const,
      (_rk, err, partitions) => this.#onRebalanceCallback(err, partitions),
    );
    try {
      this.#client = new NativeClient(ClientType.CONSUMER, {
        ...options,
        config: { ...consumerDefaults, ...options.config },
        configure: (conf) =>
          this.#lib.rd_kafka_conf_set_rebalance_cb(conf, this.#rebalanceCallback.pointer),
      });
    } catch (e) {
      this.#rebalanceCallback.close();
      void this.#wakeup.close();
      throw e;
    }
    this.#queue = this.#lib.rd_kafka_queue_get_consumer(this.#client.rk)!;
    this.#rearmWakeup();
  }

  /** The client instance name. */
  get name(): string {
    return this.#client.name;
  }

  /** Joins the group (`group.id`) and subscribes to `topics` (names or `^regex` patterns). */
  subscribe(topics: readonly string[]): void {
    this.#client.assertUsable("subscribe");
    const code = withNativeList(
      topics.map((topic) => ({ topic, partition: -1 })),
      (list) => this.#lib.rd_kafka_subscribe(this.#client.rk, list),
    );
    check(code, `subscribe to ${topics.join(", ")}`);
  }

  /** Leaves the subscription (revoking all partitions). */
  unsubscribe(): void {
    this.#client.assertUsable("unsubscribe");
    check(this.#lib.rd_kafka_unsubscribe(this.#client.rk), "unsubscribe");
  }

  /** Assigns partitions manually, without group management (offsets: where to start). */
  assign(partitions: readonly TopicPartition[]): void {
    this.#client.assertUsable("assign");
    check(
      withNativeList(partitions, (list) => this.#lib.rd_kafka_assign(this.#client.rk, list)),
      "assign",
    );
  }

  /** The partitions currently assigned to this consumer. */
  assignment(): TopicPartition[] {
    this.#client.assertUsable("assignment");
    const out = new Uint8Array(8);
    check(this.#lib.rd_kafka_assignment(this.#client.rk, out), "assignment");
    const list = pointerAt(Deno.UnsafePointer.of(out)!, 0);
    try {
      return fromNativeList(list).map(({ topic, partition }) => ({ topic, partition }));
    } finally {
      if (list) this.#lib.rd_kafka_topic_partition_list_destroy(list);
    }
  }

  /**
   * Yields batches of records as they arrive, handling rebalances between batches. Only one
   * iteration may run at a time; it ends when the consumer closes or `signal` aborts.
   */
  batches(options: BatchOptions = {}): AsyncGenerator<ConsumerRecord[], void, undefined> {
    const readHeaders = options.headers ?? true;
    return this.#iterate(options, (n) => this.#reader.read(n, readHeaders));
  }

  /**
   * Like {@linkcode batches}, but yields each batch as {@linkcode RecordColumns}: one buffer of
   * all keys and values plus a typed array per field, without an object per record (for hot
   * paths; headers only with `headers: true`). Records whose message carried an error are left
   * out, as in `batches()`.
   */
  columnBatches(
    options: BatchOptions = {},
  ): AsyncGenerator<RecordColumns, void, undefined> {
    const headers = options.headers ?? false;
    return this.#iterate(options, (n) => this.#reader.readColumns(n, headers));
  }

  async *#iterate<T extends { length: number }>(
    options: BatchOptions,
    read: (n: number) => T,
  ): AsyncGenerator<T, void, undefined> {
    const max = Math.min(options.maxMessages ?? 1000, MAX_BATCH);
    const streamWaitMs = Math.max(0, options.streamWaitMs ?? 0);
    if (this.#iterating) {
      throw new Error("Consumer.batches(): another iteration is already running");
    }
    this.#iterating = true;
    const signal = options.signal;
    const onAbort = () => this.#wakeup.wake();
    signal?.addEventListener("abort", onAbort);
    // Whether the last read returned records, and when the event loop last had a turn.
    let streaming = false;
    let lastTurn = performance.now();
    try {
      while (!this.#client.closing && !signal?.aborted) {
        await this.#applyRebalances();
        if (this.#client.closing || signal?.aborted) break;
        let n = this.#consume(max);
        if (
          n === 0 && streaming && streamWaitMs > 0 && performance.now() - lastTurn < TURN_EVERY_MS
        ) {
          n = this.#consumeWaiting(max, streamWaitMs);
        }
        const batch = read(n);
        streaming = batch.length > 0;
        if (streaming) {
          yield batch;
          continue;
        }
        if (this.#rebalances.length > 0 || this.#rearmWakeup()) continue;
        await this.#wakeup.wait(IDLE_WAIT_MS);
        lastTurn = performance.now();
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
      this.#iterating = false;
    }
  }

  /**
   * Re-enables the queue's wake-up and returns whether records arrived meanwhile. librdkafka
   * 2.0's rd_kafka_consume_batch_queue() does not reset the queue's "wake-up sent" flag, so
   * without this only the first empty-to-non-empty transition would ever signal the pipe.
   */
  #rearmWakeup(): boolean {
    this.#lib.rd_kafka_queue_io_event_enable(this.#queue, this.#wakeup.writeFd, WAKEUP_PAYLOAD, 1n);
    return this.#lib.rd_kafka_queue_length(this.#queue) > 0n;
  }

  /** Takes up to `max` queued messages into the reader's pointer array; returns how many. */
  #consume(max: number): number {
    const pointers = this.#reader.pointers;
    return Number(this.#lib.rd_kafka_consume_batch_queue(this.#queue, 0, pointers, BigInt(max)));
  }

  /**
   * Blocks up to `timeoutMs` for the next message, then takes up to `max - 1` more that are
   * queued; returns how many are in the reader's pointer array.
   */
  #consumeWaiting(max: number, timeoutMs: number): number {
    const first = this.#lib.rd_kafka_consumer_poll(this.#client.rk, timeoutMs);
    if (first === 0n) return 0;
    this.#reader.setPointer(0, first);
    const rest = this.#reader.pointers.subarray(8);
    return 1 +
      Number(this.#lib.rd_kafka_consume_batch_queue(this.#queue, 0, rest, BigInt(max - 1)));
  }

  /** Reads (and destroys) what is queued, as during close(). */
  #consumeNow(max: number): ConsumerRecord[] {
    return this.#reader.read(this.#consume(max), true);
  }

  #onRebalanceCallback(err: number, partitions: Deno.PointerValue): void {
    const protocol =
      readCString(this.#lib.rd_kafka_rebalance_protocol(this.#client.rk)) === "COOPERATIVE"
        ? "cooperative"
        : "eager";
    const list = fromNativeList(partitions).map(({ topic, partition }) => ({ topic, partition }));
    if (err === ErrorCode.ASSIGN_PARTITIONS) {
      this.#rebalances.push({ type: "assigned", partitions: list, protocol });
    } else if (err === ErrorCode.REVOKE_PARTITIONS) {
      const lost = this.#lib.rd_kafka_assignment_lost(this.#client.rk) !== 0;
      this.#rebalances.push({ type: lost ? "lost" : "revoked", partitions: list, protocol });
    } else {
      this.#rebalanceErrors.push(err);
      this.#rebalances.push({ type: "lost", partitions: list, protocol });
    }
    this.#wakeup.wake();
  }

  async #applyRebalances(): Promise<void> {
    for (const code of this.#rebalanceErrors.splice(0)) {
      this.#onError?.(KafkaError.fromCode(code, "rebalance"));
    }
    while (this.#rebalances.length > 0) {
      const event = this.#rebalances.shift()!;
      if (this.#onRebalance) {
        try {
          await this.#onRebalance(event);
        } catch (e) {
          this.#onError?.(
            new KafkaError(`onRebalance(${event.type}) failed: ${(e as Error)?.message ?? e}`, {
              code: ErrorCode.FAIL,
              retriable: false,
              cause: e,
            }),
          );
        }
      }
      this.#applyAssignment(event);
    }
  }

  #applyAssignment(event: RebalanceEvent): void {
    const lib = this.#lib;
    const rk = this.#client.rk;
    const giveUp = event.type !== "assigned";
    if (event.protocol === "cooperative") {
      withNativeList(event.partitions, (list) =>
        checkErrorObject(
          giveUp
            ? lib.rd_kafka_incremental_unassign(rk, list)
            : lib.rd_kafka_incremental_assign(rk, list),
          `incremental ${giveUp ? "unassign" : "assign"}`,
        ));
    } else if (giveUp) {
      check(lib.rd_kafka_assign(rk, null), "unassign");
    } else {
      withNativeList(event.partitions, (list) => check(lib.rd_kafka_assign(rk, list), "assign"));
    }
  }

  /**
   * Stores offsets (the next offset to consume per partition) for the next commit; used with
   * `enable.auto.offset.store=false`. See {@linkcode nextOffsets}.
   */
  storeOffsets(offsets: readonly TopicPartition[]): void {
    this.#client.assertUsable("storeOffsets");
    if (offsets.length === 0) return;
    check(
      withNativeList(offsets, (list) => this.#lib.rd_kafka_offsets_store(this.#client.rk, list)),
      "storeOffsets",
    );
  }

  /**
   * Commits `offsets` (the next offset to consume per partition), or, without arguments, the
   * stored offsets; resolves when the coordinator acknowledged. Nothing to commit is not an error.
   */
  async commit(offsets?: readonly TopicPartition[]): Promise<void> {
    this.#client.assertUsable("commit");
    const run = (list: Deno.PointerValue) => this.#lib.rd_kafka_commit(this.#client.rk, list, 0);
    const code = offsets ? await withNativeListAsync(offsets, run) : await run(null);
    if (code !== ERR_NO_OFFSET) check(code, "commit");
  }

  /** The committed offsets of `partitions` for this group (offset -1001 when none). */
  async committed(
    partitions: readonly TopicPartition[],
    timeoutMs = 10_000,
  ): Promise<TopicPartition[]> {
    this.#client.assertUsable("committed");
    return await withNativeListAsync(partitions, async (list) => {
      check(await this.#lib.rd_kafka_committed(this.#client.rk, list, timeoutMs), "committed");
      return fromNativeList(list);
    });
  }

  /** The next offset this consumer will read per partition (-1001 when unknown). */
  position(partitions: readonly TopicPartition[]): TopicPartition[] {
    this.#client.assertUsable("position");
    return withNativeList(partitions, (list) => {
      check(this.#lib.rd_kafka_position(this.#client.rk, list), "position");
      return fromNativeList(list);
    });
  }

  /** Moves assigned partitions to the given offsets. */
  async seek(partitions: readonly TopicPartition[], timeoutMs = 10_000): Promise<void> {
    this.#client.assertUsable("seek");
    await withNativeListAsync(partitions, async (list) => {
      checkErrorObject(
        await this.#lib.rd_kafka_seek_partitions(this.#client.rk, list, timeoutMs),
        "seek",
      );
      const failed = fromNativeList(list).find((tp) => tp.error);
      if (failed) {
        throw KafkaError.fromCode(failed.error!, `seek ${failed.topic} [${failed.partition}]`);
      }
    });
  }

  /** Stops fetching from partitions (they stay assigned). */
  pause(partitions: readonly TopicPartition[]): void {
    this.#client.assertUsable("pause");
    check(
      withNativeList(
        partitions,
        (list) => this.#lib.rd_kafka_pause_partitions(this.#client.rk, list),
      ),
      "pause",
    );
  }

  /** Resumes fetching from paused partitions. */
  resume(partitions: readonly TopicPartition[]): void {
    this.#client.assertUsable("resume");
    check(
      withNativeList(
        partitions,
        (list) => this.#lib.rd_kafka_resume_partitions(this.#client.rk, list),
      ),
      "resume",
    );
  }

  /** The low (earliest) and high (next to be written) watermark offsets of a partition, asked of the broker. */
  async watermarkOffsets(
    topic: string,
    partition: number,
    timeoutMs = 10_000,
  ): Promise<{ low: number; high: number }> {
    this.#client.assertUsable("watermarkOffsets");
    const low = new BigInt64Array(1);
    const high = new BigInt64Array(1);
    check(
      await this.#lib.rd_kafka_query_watermark_offsets(
        this.#client.rk,
        cstr(topic),
        partition,
        low,
        high,
        timeoutMs,
      ),
      `watermark offsets of ${topic} [${partition}]`,
    );
    return { low: Number(low[0]), high: Number(high[0]) };
  }

  /** For each partition whose `offset` is a timestamp (ms), the earliest offset at or after it (-1 if none). */
  async offsetsForTimes(
    partitions: readonly TopicPartition[],
    timeoutMs = 10_000,
  ): Promise<TopicPartition[]> {
    this.#client.assertUsable("offsetsForTimes");
    return await withNativeListAsync(partitions, async (list) => {
      check(
        await this.#lib.rd_kafka_offsets_for_times(this.#client.rk, list, timeoutMs),
        "offsetsForTimes",
      );
      return fromNativeList(list);
    });
  }

  /** The member id assigned by the group coordinator, or `""` before joining. */
  memberId(): string {
    this.#client.assertUsable("memberId");
    const ptr = this.#lib.rd_kafka_memberid(this.#client.rk);
    if (ptr === null) return "";
    try {
      return readCString(ptr) ?? "";
    } finally {
      this.#lib.rd_kafka_mem_free(this.#client.rk, ptr);
    }
  }

  /**
   * The consumer's group metadata (group, generation, member), serialized by librdkafka: what
   * a transactional producer needs to commit offsets for this group
   * (`Producer.sendOffsetsToTransaction`).
   */
  groupMetadata(): Uint8Array {
    this.#client.assertUsable("groupMetadata");
    const metadata = this.#lib.rd_kafka_consumer_group_metadata(this.#client.rk);
    if (metadata === null) {
      throw new KafkaError("consumer has no group metadata (is group.id set?)", {
        code: ErrorCode.STATE,
      });
    }
    try {
      return writeGroupMetadata(this.#lib, metadata);
    } finally {
      this.#lib.rd_kafka_consumer_group_metadata_destroy(metadata);
    }
  }

  /**
   * Leaves the group cleanly: the final revocation goes through `onRebalance` (so the
   * application can commit), then the handle is released. Idempotent.
   */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    const lib = this.#lib;
    const rk = this.#client.rk;
    if (!this.#client.closing) {
      const error = KafkaError.fromErrorObject(
        lib.rd_kafka_consumer_close_queue(rk, this.#queue),
        "close",
      );
      if (error) this.#onError?.(error);
      else {
        while (lib.rd_kafka_consumer_closed(rk) === 0) {
          this.#consumeNow(MAX_BATCH);
          await this.#applyRebalances();
          if (lib.rd_kafka_consumer_closed(rk) !== 0) break;
          await this.#wakeup.wait(CLOSE_WAIT_MS);
        }
      }
    }
    // Ops left in the consumer queue hold references that make rd_kafka_destroy() wait forever.
    while (Number(lib.rd_kafka_queue_length(this.#queue)) > 0) {
      this.#consumeNow(MAX_BATCH);
    }
    lib.rd_kafka_queue_io_event_enable(this.#queue, -1, null, 0n);
    await this.#client.close(
      () => lib.rd_kafka_queue_destroy(this.#queue),
      DESTROY_F_NO_CONSUMER_CLOSE,
    );
    await this.#wakeup.close();
    this.#rebalanceCallback.close();
  }

  /** Same as {@linkcode close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** The offsets to commit after processing `records`: per partition, the highest offset + 1. */
export function nextOffsets(records: readonly ConsumerRecord[]): TopicPartition[] {
  const next = new Map<string, TopicPartition>();
  for (const r of records) {
    const id = `${r.partition}\u0000${r.topic}`;
    const current = next.get(id);
    if (!current || current.offset! <= r.offset) {
      next.set(id, { topic: r.topic, partition: r.partition, offset: r.offset + 1 });
    }
  }
  return [...next.values()];
}
