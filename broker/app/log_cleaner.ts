/**
 * Prompt compaction: Kafka's log cleaner picks up a compacted partition soon after a segment
 * rolls (`log.cleaner.backoff.ms`), not at the retention check interval. This cleaner listens to
 * the store's append signal and compacts a `cleanup.policy=compact` partition `backoffMs` after
 * an append that follows a roll; retention stays with the periodic maintenance.
 *
 * @module
 */
import { errorField, type Logger } from "@iot/service";
import { FileLog, type LogStore, StorageClosedError, UnknownTopicError } from "../storage/mod.ts";

/** Settings of {@linkcode LogCleaner}. */
export interface LogCleanerOptions {
  /** The topic store whose compacted partitions are cleaned. */
  store: LogStore;
  /** Delay between a roll being noticed and its compaction. */
  backoffMs: number;
  /** Log sink. */
  logger: Logger;
}

/** Compacts compacted partitions shortly after their active segment rolls. */
export class LogCleaner implements AsyncDisposable {
  #options: LogCleanerOptions;
  #stop: () => void;
  #timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Active segment base offset at the last compaction, per partition. */
  #cleanedAt = new Map<string, number>();
  #running = new Set<Promise<void>>();
  #closed = false;

  /** Starts listening to `options.store`'s appends. */
  constructor(options: LogCleanerOptions) {
    this.#options = options;
    this.#stop = options.store.appends.listen((topic, partition) =>
      this.#noticed(topic, partition)
    );
  }

  #noticed(topic: string, partition: number): void {
    const key = `${topic}\u0000${partition}`;
    if (this.#closed || this.#timers.has(key)) return;
    const log = this.#compactedLog(topic, partition);
    if (!log) return;
    const active = log.segmentBaseOffsets.at(-1);
    if (log.segmentBaseOffsets.length < 2 || this.#cleanedAt.get(key) === active) return;
    this.#timers.set(
      key,
      setTimeout(() => {
        this.#timers.delete(key);
        const run = this.#clean(key, topic, partition).finally(() => this.#running.delete(run));
        this.#running.add(run);
      }, this.#options.backoffMs),
    );
  }

  #compactedLog(topic: string, partition: number): FileLog | undefined {
    const log = this.#options.store.partition(topic, partition);
    if (!(log instanceof FileLog)) return undefined;
    try {
      return this.#options.store.logConfig(topic).cleanupPolicy.compact ? log : undefined;
    } catch (e) {
      if (e instanceof UnknownTopicError) return undefined; // deleted meanwhile
      throw e;
    }
  }

  async #clean(key: string, topic: string, partition: number): Promise<void> {
    const log = this.#compactedLog(topic, partition);
    if (!log || this.#closed) return;
    try {
      const active = log.segmentBaseOffsets.at(-1);
      const result = await log.compact();
      this.#cleanedAt.set(key, active ?? -1);
      if (result.segmentsRewritten > 0) {
        this.#options.logger.debug("compacted", { topic, partition, ...result });
      }
    } catch (e) {
      if (e instanceof StorageClosedError) return; // topic deleted or broker closing
      this.#options.logger.error("compaction failed", { topic, partition, error: errorField(e) });
    }
  }

  /** Stops listening, cancels pending compactions and waits for running ones. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#stop();
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
    await Promise.all(this.#running);
  }

  /** Same as {@linkcode close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
