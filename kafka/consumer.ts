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
import { RegionCopier } from "./region_copier.ts";
import {
  fromNativeList,
  type TopicPartition,
  withNativeList,
  withNativeListAsync,
} from "./partitions.ts";

/** A consumed record. Key, value and header bytes are copies owned by JavaScript. */
export interface ConsumerRecord {
  topic: string;
  partition: number;
  offset: number;
  /** `null` when the record has no key. */
  key: Uint8Array | null;
  /** `null` for a tombstone. */
  value: Uint8Array | null;
  /** Milliseconds since the epoch; -1 when the record has none. */
  timestamp: number;
  /** What the timestamp means. */
  timestampType: "create" | "log-append" | "none";
  /** Headers in order; a header value may be `null`. */
  headers: Array<[string, Uint8Array | null]>;
}

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
   * Read each record's headers (one more FFI call per record). With `false`, `headers` is
   * always empty. Default true.
   */
  headers?: boolean;
}

/**
 * Bytes copied per message: `rd_kafka_message_t` (72) and, behind it in librdkafka 2.x's
 * `rd_kafka_msg_t`, the link (16), flags (4), timestamp type (4) and timestamp (8). The private
 * part is used only after it matched `rd_kafka_message_timestamp()` (see `#timestampOf`).
 */
const MESSAGE_SIZE = 104;
const PRIVATE_TSTYPE = 92;
const NULL_REGION = -1;
const EMPTY_REGION = -2;
const PRIVATE_TIMESTAMP = 96;
const MAX_BATCH = 4096;
const TWO_32 = 2 ** 32;
const IDLE_WAIT_MS = 1000;
const CLOSE_WAIT_MS = 100;
const WAKEUP_PAYLOAD = new Uint8Array([1]);
const DESTROY_F_NO_CONSUMER_CLOSE = 0x8;
const ERR_NO_OFFSET = -168;
const timestampTypes = ["none", "create", "log-append"] as const;
const decoder = new TextDecoder();

/**
 * Defaults that differ from librdkafka's. librdkafka 2.0 stops fetching once
 * `queued.min.messages` (default 100000) are queued and is slow to resume; a JavaScript
 * consumer always drains slower than the fetcher fills, so the default stalls it (measured:
 * 265k msgs/s with it, 860k msgs/s without). Memory stays bounded by `queued.max.messages.kbytes`.
 */
const consumerDefaults: KafkaConfig = { "queued.min.messages": 1_000_000 };

let groupMetadataOf: (consumer: Consumer) => Deno.PointerValue;

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
  readonly #pointers = new Uint8Array(new ArrayBuffer(8 * MAX_BATCH));
  readonly #pointerView = new Deno.UnsafePointerView(Deno.UnsafePointer.of(this.#pointers)!);
  readonly #base = Deno.UnsafePointer.of(this.#pointers)!;
  readonly #baseAddress = Number(Deno.UnsafePointer.value(this.#base));
  readonly #messages: Array<Deno.PointerObject | null> = new Array(MAX_BATCH).fill(null);
  readonly #pointerWords = new Uint32Array(this.#pointers.buffer);
  readonly #structCopier = new RegionCopier();
  readonly #structStarts = new Int32Array(MAX_BATCH);
  /** The message structs of the batch being read. */
  #structs = new DataView(new ArrayBuffer(0));
  readonly #regions = new Int32Array(2 * MAX_BATCH);
  readonly #copier = new RegionCopier();
  readonly #copyFrom = (address: number, target: Uint8Array) =>
    Deno.UnsafePointerView.copyInto(this.#base, target, address - this.#baseAddress);
  readonly #out = new Uint8Array(new ArrayBuffer(24));
  readonly #outView = new Deno.UnsafePointerView(Deno.UnsafePointer.of(this.#out)!);
  readonly #outData = new DataView(this.#out.buffer);
  readonly #outName = this.#out.subarray(0, 8);
  readonly #outValue = this.#out.subarray(8, 16);
  readonly #outSize = this.#out.subarray(16, 24);
  readonly #topicNames = new Map<number, string>();
  #iterating = false;
  /** Whether the private timestamp fields are trusted; undefined until checked. */
  #privateTimestamps: boolean | undefined = undefined;
  #timestampType: ConsumerRecord["timestampType"] = "none";
  #closed: Promise<void> | null = null;

  static {
    groupMetadataOf = (consumer) => consumer.#groupMetadata();
  }

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
    const list = new Deno.UnsafePointerView(Deno.UnsafePointer.of(out)!).getPointer(0);
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
  async *batches(options: BatchOptions = {}): AsyncGenerator<ConsumerRecord[], void, undefined> {
    const max = Math.min(options.maxMessages ?? 1000, this.#pointers.length / 8);
    if (this.#iterating) {
      throw new Error("Consumer.batches(): another iteration is already running");
    }
    this.#iterating = true;
    const signal = options.signal;
    const onAbort = () => this.#wakeup.wake();
    signal?.addEventListener("abort", onAbort);
    try {
      while (!this.#client.closing && !signal?.aborted) {
        await this.#applyRebalances();
        if (this.#client.closing || signal?.aborted) break;
        const batch = this.#consumeNow(max, options.headers ?? true);
        if (batch.length > 0) {
          yield batch;
          continue;
        }
        if (this.#rebalances.length > 0 || this.#rearmWakeup()) continue;
        await this.#wakeup.wait(IDLE_WAIT_MS);
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

  #consumeNow(max: number, readHeaders = true): ConsumerRecord[] {
    const lib = this.#lib;
    const n = Number(lib.rd_kafka_consume_batch_queue(this.#queue, 0, this.#pointers, BigInt(max)));
    return this.#readBatch(n, readHeaders);
  }

  #readBatch(n: number, readHeaders: boolean): ConsumerRecord[] {
    const lib = this.#lib;
    if (n <= 0) return [];
    const messages = this.#messages;
    const words = this.#pointerWords;
    // Message structs, then keys and values, are each copied with one copy per run of nearby
    // memory (see RegionCopier): an FFI copy per field of every record would cost more.
    const structCopier = this.#structCopier;
    structCopier.reset();
    for (let i = 0; i < n; i++) {
      structCopier.add(words[2 * i] + words[2 * i + 1] * TWO_32, MESSAGE_SIZE);
    }
    structCopier.copy(this.#copyFrom);
    const structs = new DataView(structCopier.buffer.buffer);
    const starts = this.#structStarts;
    const regions = this.#regions;
    const copier = this.#copier;
    copier.reset();
    for (let i = 0; i < n; i++) {
      const at = structCopier.offsetOf(i);
      starts[i] = at;
      if (structs.getInt32(at, true) === 0) {
        // Keys come before values in a record batch, so add them in that order.
        regions[2 * i] = this.#addRegion(structs, at + 40, structs.getUint32(at + 48, true));
        regions[2 * i + 1] = this.#addRegion(structs, at + 24, structs.getUint32(at + 32, true));
      }
    }
    copier.copy(this.#copyFrom);
    this.#structs = structs;
    const records: ConsumerRecord[] = [];
    let fatal: KafkaError | null = null;
    for (let i = 0; i < n; i++) {
      const message = this.#pointerView.getPointer(i * 8)!;
      messages[i] = message;
      try {
        const at = starts[i];
        const err = structs.getInt32(at, true);
        if (err !== 0) {
          const error = this.#messageError(message, at, err);
          if (error?.fatal) fatal = error;
          continue;
        }
        records.push({
          topic: this.#topicName(structs, at, message),
          partition: structs.getInt32(at + 16, true),
          offset: structs.getUint32(at + 56, true) + structs.getInt32(at + 60, true) * TWO_32,
          key: this.#regionBytes(regions[2 * i]),
          value: this.#regionBytes(regions[2 * i + 1]),
          timestamp: this.#timestampOf(message, at),
          timestampType: this.#timestampType,
          headers: readHeaders && lib.rd_kafka_message_headers(message, this.#out) === 0
            ? this.#readHeaders()
            : [],
        });
      } finally {
        messages[i] = null;
        lib.rd_kafka_message_destroy(message);
      }
    }
    if (fatal) throw fatal;
    return records;
  }

  /**
   * Registers the bytes whose address is stored at `at` for copying: a region id, or
   * `NULL_REGION` for a null pointer, `EMPTY_REGION` for zero bytes.
   */
  #addRegion(structs: DataView, at: number, length: number): number {
    const address = structs.getUint32(at, true) + structs.getUint32(at + 4, true) * TWO_32;
    if (address === 0) return NULL_REGION;
    return length === 0 ? EMPTY_REGION : this.#copier.add(address, length);
  }

  #regionBytes(region: number): Uint8Array | null {
    if (region === NULL_REGION) return null;
    return region === EMPTY_REGION ? new Uint8Array(0) : this.#copier.view(region);
  }

  /**
   * The record's timestamp, setting `#timestampType`. Reads librdkafka's private message fields
   * once they matched the public call on a real message; otherwise calls
   * `rd_kafka_message_timestamp()` (one FFI call per record).
   */
  #timestampOf(message: Deno.PointerObject, at: number): number {
    const structs = this.#structs;
    if (this.#privateTimestamps !== false) {
      const type = structs.getInt32(at + PRIVATE_TSTYPE, true);
      const ts = structs.getUint32(at + PRIVATE_TIMESTAMP, true) +
        structs.getInt32(at + PRIVATE_TIMESTAMP + 4, true) * TWO_32;
      if (this.#privateTimestamps) {
        this.#timestampType = timestampTypes[type] ?? "none";
        return ts;
      }
      const public_ = Number(this.#lib.rd_kafka_message_timestamp(message, this.#out));
      const publicType = this.#outData.getInt32(0, true);
      this.#privateTimestamps = public_ === ts && publicType === type;
      this.#timestampType = timestampTypes[publicType] ?? "none";
      return public_;
    }
    const ts = Number(this.#lib.rd_kafka_message_timestamp(message, this.#out));
    this.#timestampType = timestampTypes[this.#outData.getInt32(0, true)] ?? "none";
    return ts;
  }

  #readHeaders(): Array<[string, Uint8Array | null]> {
    const lib = this.#lib;
    const view = this.#outView;
    const hdrs = view.getPointer(0);
    const headers: Array<[string, Uint8Array | null]> = [];
    for (let i = 0;; i++) {
      if (
        lib.rd_kafka_header_get_all(
          hdrs,
          BigInt(i),
          this.#outName,
          this.#outValue,
          this.#outSize,
        ) !==
          0
      ) break;
      const name = readCString(view.getPointer(0)) ?? "";
      const valuePtr = view.getPointer(8);
      headers.push([
        name,
        valuePtr === null ? null : copyBytes(valuePtr, Number(view.getBigUint64(16))),
      ]);
    }
    return headers;
  }

  #topicName(structs: DataView, at: number, message: Deno.PointerObject): string {
    const address = structs.getUint32(at + 8, true) + structs.getUint32(at + 12, true) * TWO_32;
    let name = this.#topicNames.get(address);
    if (name === undefined) {
      const rkt = new Deno.UnsafePointerView(message).getPointer(8);
      name = readCString(this.#lib.rd_kafka_topic_name(rkt)) ?? "";
      this.#topicNames.set(address, name);
    }
    return name;
  }

  #messageError(message: Deno.PointerObject, at: number, err: number): KafkaError | null {
    if (err === ErrorCode.PARTITION_EOF) return null;
    const structs = this.#structs;
    const length = structs.getUint32(at + 32, true);
    const payload = new Deno.UnsafePointerView(message).getPointer(24);
    const detail = payload && length > 0 ? decoder.decode(copyBytes(payload, length)) : null;
    const hasTopic = structs.getUint32(at + 8, true) !== 0 ||
      structs.getUint32(at + 12, true) !== 0;
    const where = hasTopic
      ? ` on ${this.#topicName(structs, at, message)} [${structs.getInt32(at + 16, true)}]`
      : "";
    const error = KafkaError.fromCode(err, `consume${where}`, detail);
    const fatal = this.#client.fatalError;
    if (err === ErrorCode.FATAL && fatal) return fatal;
    this.#onError?.(error);
    return error;
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

  #groupMetadata(): Deno.PointerValue {
    this.#client.assertUsable("groupMetadata");
    const metadata = this.#lib.rd_kafka_consumer_group_metadata(this.#client.rk);
    if (metadata === null) {
      throw new KafkaError("consumer has no group metadata (is group.id set?)", {
        code: ErrorCode.STATE,
      });
    }
    return metadata;
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
          this.#consumeNow(this.#pointers.length / 8);
          await this.#applyRebalances();
          if (lib.rd_kafka_consumer_closed(rk) !== 0) break;
          await this.#wakeup.wait(CLOSE_WAIT_MS);
        }
      }
    }
    // Ops left in the consumer queue hold references that make rd_kafka_destroy() wait forever.
    while (Number(lib.rd_kafka_queue_length(this.#queue)) > 0) {
      this.#consumeNow(this.#pointers.length / 8);
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

/** Internal: the `rd_kafka_consumer_group_metadata_t *` of a consumer (caller destroys it). */
export function consumerGroupMetadata(consumer: Consumer): Deno.PointerValue {
  return groupMetadataOf(consumer);
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

function copyBytes(ptr: Deno.PointerObject, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  if (length > 0) Deno.UnsafePointerView.copyInto(ptr, bytes);
  return bytes;
}
