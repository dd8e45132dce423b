/**
 * A data directory of topics: `<dir>/topics.json` (names, ids, partition counts, configs) and one
 * log per partition in `<dir>/<topic>-<partition>/`. Admin operations are serialised.
 *
 * @module
 */
import { AppendSignal } from "./append_signal.ts";
import { FileLog, type FsyncPolicy } from "./file_log.ts";
import type { SyncFile } from "./group_commit.ts";
import { MemoryLog } from "./memory_log.ts";
import { DEFAULT_LOG_CONFIG, type LogConfig, parseLogConfig } from "./log_config.ts";
import {
  InvalidPartitionsError,
  InvalidTopicError,
  StorageClosedError,
  TopicExistsError,
  UnknownTopicError,
} from "./errors.ts";
import { readTextIfExists, writeFileAtomic } from "./fs_util.ts";
import type { PartitionLog } from "./partition_log.ts";

/** A topic as stored. */
export interface TopicInfo {
  /** Topic name. */
  name: string;
  /** Random UUID (Kafka topic id, Metadata v10+/Fetch v13+), e.g. "6f1d...". */
  topicId: string;
  /** Number of partitions, 0..partitions-1. */
  partitions: number;
  /** Topic-level config overrides as Kafka strings (`retention.ms` -> "60000"). */
  configs: Readonly<Record<string, string>>;
}

/** Options for {@linkcode LogStore.open}; every field but `dir` has a default. */
export interface LogStoreOptions {
  /** Data directory (created if missing). Ignored when `memory` is true. */
  dir: string;
  /** Broker-wide defaults under topic configs. Default: Kafka's ({@linkcode DEFAULT_LOG_CONFIG}). */
  defaults?: Partial<LogConfig>;
  /** Keep everything in memory (tests): MemoryLog partitions, nothing persisted. Default: false. */
  memory?: boolean;
  /** fsync policy of file logs. Default: "always". */
  fsync?: FsyncPolicy;
  /** Period of the "interval" policy in ms. Default: 1000. */
  fsyncIntervalMs?: number;
  /** Clock in ms. Default: `Date.now`. */
  now?: () => number;
  /** How file logs fsync a segment (tests pass one they can hold). Default: `file.syncData()`. */
  sync?: SyncFile;
}

/** Options for {@linkcode LogStore.createTopic}. */
export interface CreateTopicOptions {
  /** Default: 1. */
  partitions?: number;
  /** Topic config overrides. Default: none. */
  configs?: Record<string, string>;
}

/** Totals of one {@linkcode LogStore.maintain} pass. */
export interface MaintenanceResult {
  /** Segments deleted by retention. */
  segmentsDeleted: number;
  /** Segments rewritten by compaction. */
  segmentsCompacted: number;
  /** Records removed by compaction. */
  recordsRemoved: number;
}

const TOPICS_FILE = "topics.json";
const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** Throws {@linkcode InvalidTopicError} unless `name` is a legal Kafka topic name. */
export function validateTopicName(name: string): void {
  if (name.length === 0 || name.length > 249) {
    throw new InvalidTopicError(name, "length must be 1-249");
  }
  if (name === "." || name === "..") throw new InvalidTopicError(name, "'.' and '..' are reserved");
  if (!LEGAL.test(name)) throw new InvalidTopicError(name, "only [a-zA-Z0-9._-] are allowed");
}

/** Topics and their partition logs. Open with {@linkcode LogStore.open}. */
export class LogStore implements AsyncDisposable {
  /**
   * Fires for a partition when an append to it becomes readable, and for every partition of a
   * deleted topic: what Fetch long polls wait on.
   */
  readonly appends: AppendSignal = new AppendSignal();
  #options: LogStoreOptions;
  #base: LogConfig;
  #topics = new Map<string, TopicInfo>();
  #logs = new Map<string, PartitionLog[]>();
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(options: LogStoreOptions) {
    this.#options = options;
    this.#base = { ...DEFAULT_LOG_CONFIG, ...options.defaults };
  }

  /** Opens the data directory and every partition log in it (recovering torn tails). */
  static async open(options: LogStoreOptions): Promise<LogStore> {
    const store = new LogStore(options);
    if (options.memory) return store;
    await Deno.mkdir(options.dir, { recursive: true });
    const text = await readTextIfExists(`${options.dir}/${TOPICS_FILE}`);
    const topics: TopicInfo[] = text ? JSON.parse(text).topics : [];
    for await (const e of Deno.readDir(options.dir)) {
      if (e.isDirectory && e.name.endsWith(".deleted")) {
        await Deno.remove(`${options.dir}/${e.name}`, { recursive: true });
      }
    }
    for (const t of topics) {
      store.#topics.set(t.name, t);
      store.#logs.set(t.name, await store.#openPartitions(t, 0, t.partitions));
    }
    return store;
  }

  /** All topics, sorted by name. */
  listTopics(): TopicInfo[] {
    return [...this.#topics.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A topic by name, or undefined. */
  topic(name: string): TopicInfo | undefined {
    return this.#topics.get(name);
  }

  /** The effective log settings of a topic (defaults + overrides). */
  logConfig(name: string): LogConfig {
    const t = this.#topics.get(name);
    if (!t) throw new UnknownTopicError(name);
    return parseLogConfig(t.configs, this.#base);
  }

  /** The log of one partition, or undefined for an unknown topic or partition. */
  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.#logs.get(topic)?.[partition];
  }

  /**
   * Creates a topic with empty partition logs.
   *
   * @throws {InvalidTopicError} {TopicExistsError} {InvalidPartitionsError} {InvalidConfigError}
   */
  createTopic(name: string, options: CreateTopicOptions = {}): Promise<TopicInfo> {
    return this.#serial(async () => {
      validateTopicName(name);
      if (this.#topics.has(name)) throw new TopicExistsError(name);
      const partitions = options.partitions ?? 1;
      if (!Number.isInteger(partitions) || partitions < 1 || partitions > 100_000) {
        throw new InvalidPartitionsError(`Partition count ${partitions} must be 1-100000`);
      }
      const configs = { ...options.configs };
      parseLogConfig(configs, this.#base);
      const topic: TopicInfo = { name, topicId: crypto.randomUUID(), partitions, configs };
      for (let p = 0; p < partitions; p++) await this.#removeDir(`${name}-${p}`); // stale leftovers
      this.#logs.set(name, await this.#openPartitions(topic, 0, partitions));
      this.#topics.set(name, topic);
      await this.#persist();
      return topic;
    });
  }

  /** Deletes a topic and its data. @throws {UnknownTopicError} */
  deleteTopic(name: string): Promise<void> {
    return this.#serial(async () => {
      const topic = this.#topics.get(name);
      if (!topic) throw new UnknownTopicError(name);
      this.#topics.delete(name);
      const logs = this.#logs.get(name) ?? [];
      this.#logs.delete(name);
      await this.#persist();
      for (const log of logs) await log.close();
      // Long polls on the topic wake and answer UNKNOWN_TOPIC_OR_PARTITION.
      for (let p = 0; p < topic.partitions; p++) this.appends.notify(name, p);
      if (this.#options.memory) return;
      const tag = crypto.randomUUID();
      for (let p = 0; p < topic.partitions; p++) {
        const dir = `${this.#options.dir}/${name}-${p}`;
        await Deno.rename(dir, `${dir}.${tag}.deleted`);
        await Deno.remove(`${dir}.${tag}.deleted`, { recursive: true });
      }
    });
  }

  /** Raises the partition count to `total` (CreatePartitions). @throws {InvalidPartitionsError} */
  createPartitions(name: string, total: number): Promise<TopicInfo> {
    return this.#serial(async () => {
      const topic = this.#topics.get(name);
      if (!topic) throw new UnknownTopicError(name);
      if (!Number.isInteger(total) || total <= topic.partitions || total > 100_000) {
        throw new InvalidPartitionsError(
          `Topic ${name} has ${topic.partitions} partitions; the new count ${total} must be larger`,
        );
      }
      const updated = { ...topic, partitions: total };
      for (let p = topic.partitions; p < total; p++) await this.#removeDir(`${name}-${p}`);
      this.#logs.get(name)!.push(...await this.#openPartitions(updated, topic.partitions, total));
      this.#topics.set(name, updated);
      await this.#persist();
      return updated;
    });
  }

  /**
   * Replaces a topic's config overrides (AlterConfigs; merge first for the incremental API).
   *
   * @throws {UnknownTopicError} {InvalidConfigError}
   */
  setTopicConfigs(name: string, configs: Record<string, string>): Promise<TopicInfo> {
    return this.#serial(async () => {
      const topic = this.#topics.get(name);
      if (!topic) throw new UnknownTopicError(name);
      const config = parseLogConfig(configs, this.#base);
      const updated = { ...topic, configs: { ...configs } };
      this.#topics.set(name, updated);
      for (const log of this.#logs.get(name)!) if (log instanceof FileLog) log.config = config;
      await this.#persist();
      return updated;
    });
  }

  /** Applies retention and compaction to every file log (call periodically). */
  maintain(): Promise<MaintenanceResult> {
    return this.#serial(async () => {
      const total: MaintenanceResult = {
        segmentsDeleted: 0,
        segmentsCompacted: 0,
        recordsRemoved: 0,
      };
      for (const logs of this.#logs.values()) {
        for (const log of logs) {
          if (!(log instanceof FileLog)) continue;
          total.segmentsDeleted += await log.applyRetention();
          const c = await log.compact();
          total.segmentsCompacted += c.segmentsRewritten;
          total.recordsRemoved += c.recordsRemoved;
        }
      }
      return total;
    });
  }

  /** Flushes every partition log. */
  async flush(): Promise<void> {
    for (const logs of this.#logs.values()) await Promise.all(logs.map((l) => l.flush()));
  }

  /** Closes every partition log; idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue.catch(() => {});
    for (const logs of this.#logs.values()) await Promise.all(logs.map((l) => l.close()));
  }

  /** Same as {@linkcode close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #serial<T>(op: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new StorageClosedError("LogStore"));
    const next = this.#queue.then(op, op);
    this.#queue = next.catch(() => {});
    return next;
  }

  async #openPartitions(topic: TopicInfo, from: number, to: number): Promise<PartitionLog[]> {
    const config = parseLogConfig(topic.configs, this.#base);
    const { now, fsync, fsyncIntervalMs, sync } = this.#options;
    const logs: PartitionLog[] = [];
    for (let p = from; p < to; p++) {
      const onAppended = () => this.appends.notify(topic.name, p);
      logs.push(
        this.#options.memory
          ? new MemoryLog({ config, now, onAppended })
          : await FileLog.open(`${this.#options.dir}/${topic.name}-${p}`, {
            config,
            now,
            fsync,
            fsyncIntervalMs,
            sync,
            onAppended,
          }),
      );
    }
    return logs;
  }

  async #removeDir(name: string): Promise<void> {
    if (this.#options.memory) return;
    try {
      await Deno.remove(`${this.#options.dir}/${name}`, { recursive: true });
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }

  async #persist(): Promise<void> {
    if (this.#options.memory) return;
    const json = JSON.stringify({ version: 1, topics: this.listTopics() }, null, 2);
    await writeFileAtomic(`${this.#options.dir}/${TOPICS_FILE}`, new TextEncoder().encode(json));
  }
}
