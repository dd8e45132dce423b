/**
 * Every share-partition of every share group, loaded from and written to the metadata store
 * (`share-state/<group>/<topic id>/<partition>`, the same store the consumer groups use), plus a
 * "records became available" signal that wakes parked ShareFetch requests when another member
 * releases records or a lock expires.
 *
 * @module
 */
import type { MetadataStore } from "../storage/mod.ts";
import {
  SharePartition,
  type SharePartitionOptions,
  type SharePartitionSnapshot,
} from "./share_partition.ts";

const PREFIX = "share-state/";

function keyOf(group: string, topicId: string, partition: number): string {
  return `${PREFIX}${encodeURIComponent(group)}/${topicId}/${partition}`;
}

/** A share-partition's address. */
export interface SharePartitionKey {
  /** Group id. */
  group: string;
  /** Topic id (wire form). */
  topicId: string;
  /** Partition index. */
  partition: number;
}

/** The share-partitions of all share groups and their persistence. */
export class ShareStates {
  #metadata: MetadataStore;
  #options: SharePartitionOptions;
  #loaded = new Map<string, SharePartition>();
  #waiters = new Set<() => void>();
  #persisted = new Map<string, string>();
  #writes = new Set<Promise<void>>();

  /** States kept in `metadata`. */
  constructor(metadata: MetadataStore, options: SharePartitionOptions = {}) {
    this.#metadata = metadata;
    this.#options = options;
  }

  /** The share-partition if it has state (in memory or stored). */
  find(k: SharePartitionKey): SharePartition | undefined {
    const key = keyOf(k.group, k.topicId, k.partition);
    let sp = this.#loaded.get(key);
    if (sp) return sp;
    const stored = this.#metadata.get(key);
    if (stored === undefined) return undefined;
    sp = SharePartition.restore(stored as unknown as SharePartitionSnapshot, this.#options);
    this.#loaded.set(key, sp);
    this.#persisted.set(key, JSON.stringify(stored));
    return sp;
  }

  /** The share-partition, created at `initialOffset()` (the SPSO) when it has no state yet. */
  get(k: SharePartitionKey, initialOffset: () => number): SharePartition {
    const found = this.find(k);
    if (found) return found;
    const sp = new SharePartition(initialOffset(), this.#options);
    this.#loaded.set(keyOf(k.group, k.topicId, k.partition), sp);
    return sp;
  }

  /** Replaces the state with a fresh share-partition starting at `offset` (admin reset). */
  reset(k: SharePartitionKey, offset: number): Promise<void> {
    this.#loaded.set(
      keyOf(k.group, k.topicId, k.partition),
      new SharePartition(offset, this.#options),
    );
    this.notify();
    return this.persist(k);
  }

  /** Writes the share-partition's snapshot if it changed; resolves when durable. */
  persist(k: SharePartitionKey): Promise<void> {
    const key = keyOf(k.group, k.topicId, k.partition);
    const sp = this.#loaded.get(key);
    if (!sp) return Promise.resolve();
    const snapshot = sp.snapshot();
    const json = JSON.stringify(snapshot);
    if (this.#persisted.get(key) === json) return Promise.resolve();
    this.#persisted.set(key, json);
    const write = this.#metadata.set(key, snapshot as unknown as Record<string, never>);
    const tracked = write.catch(() => {}).finally(() => this.#writes.delete(tracked));
    this.#writes.add(tracked);
    return write;
  }

  /** Resolves when every write started so far has finished (before the store closes). */
  async drain(): Promise<void> {
    await Promise.all([...this.#writes]);
  }

  /** The stored share-partitions of `group` (admin describe). */
  partitionsOf(group: string): SharePartitionKey[] {
    const prefix = `${PREFIX}${encodeURIComponent(group)}/`;
    const keys = new Set(this.#metadata.entries(prefix).map(([k]) => k));
    for (const k of this.#loaded.keys()) if (k.startsWith(prefix)) keys.add(k);
    return [...keys].sort().map((k) => {
      const [topicId, partition] = k.slice(prefix.length).split("/");
      return { group, topicId, partition: Number(partition) };
    });
  }

  /** The share-partitions in memory (the lock sweep walks them). */
  loaded(): [SharePartitionKey, SharePartition][] {
    return [...this.#loaded.entries()].map(([k, sp]) => {
      const [g, topicId, partition] = k.slice(PREFIX.length).split("/");
      return [{ group: decodeURIComponent(g), topicId, partition: Number(partition) }, sp];
    });
  }

  /** Forgets the state of the given share-partitions (DeleteShareGroupOffsets, DeleteGroups). */
  async delete(keys: SharePartitionKey[]): Promise<void> {
    const del = keys.map((k) => keyOf(k.group, k.topicId, k.partition));
    for (const k of del) {
      this.#loaded.delete(k);
      this.#persisted.delete(k);
    }
    await this.#metadata.apply({ delete: del.filter((k) => this.#metadata.get(k) !== undefined) });
  }

  /** Wakes every parked fetch: records became available. */
  notify(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const w of waiters) w();
  }

  /** Resolves on the next {@linkcode notify}, after `timeoutMs` or on abort. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (timeoutMs <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener("abort", done, { once: true });
      this.#waiters.add(done);
    });
  }
}
