/**
 * The checkpoint store of one task (one input topic-partition): incremental, atomic checkpoints
 * on local disk, RocksDB-style: a base file plus delta files, named by an atomically written
 * manifest; deltas are folded into a new base in the background; the last few manifests are kept.
 *
 * @module
 */
import { removeIfExists, syncDir, TEMP_SUFFIX, writeFileAtomic } from "./atomic_file.ts";
import { decodeKeys, liveCount, NO_STATE } from "../core/columnar_snapshot.ts";
import { decodeBinaryData, encodeBinaryData, isBinaryData } from "./binary_format.ts";
import {
  type AnySnapshot,
  checkData,
  checkManifest,
  type CheckpointData,
  CheckpointError,
  type CheckpointManifest,
  foldChain,
} from "./format.ts";

/** Options of {@linkcode TaskStore}. */
export interface TaskStoreOptions {
  /** Manifests (checkpoints) kept; older ones and unreferenced files are deleted. Default 3. */
  keep?: number;
  /** Chain length (base + deltas) above which a background compaction folds it. Default 8. */
  maxChain?: number;
  /** fsync files and the directory (turn off only in tests and benchmarks). Default true. */
  sync?: boolean;
  /**
   * The data file format written: `"binary"` (default; `binary_format.ts`) or `"json"`, the
   * version 1 format, kept only so benchmarks and compatibility tests can write it. Both are
   * always read.
   */
  format?: "binary" | "json";
}

/** What {@linkcode TaskStore.restore} found: the manifest and its data files in order. */
export interface RestoredCheckpoint {
  /** The checkpoint's manifest. */
  readonly manifest: CheckpointManifest;
  /** Its data files, base first. */
  readonly chain: readonly CheckpointData[];
}

/** What to write in a checkpoint. */
export interface CheckpointInput {
  /** The next input offset after this state. */
  offset: number;
  /** Scalar task state (watermarks, counters). */
  task: unknown;
  /** `"base"` when `operators` are full snapshots, `"delta"` for changed keys only. */
  kind: "base" | "delta";
  /** Operator snapshots by name. */
  operators: Record<string, AnySnapshot>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const MANIFEST = /^manifest-(\d+)\.json$/;
const DATA = /^data-\d+(-c)?\.(json|bin)$/;

/**
 * Checkpoints of one task in one directory. Not safe for concurrent use: the runtime calls it
 * from one task at a time.
 *
 * @example
 * ```ts ignore
 * const store = await TaskStore.open("data/processor/device-aggregates/sensor-readings-0");
 * const restored = await store.restore(committedOffset); // null: start from scratch
 * const m = await store.write({ offset: 42, task: {}, kind: store.needsBase ? "base" : "delta", operators });
 * // ... commit the Kafka transaction ...
 * await store.markCommitted(m);
 * ```
 */
export class TaskStore {
  readonly #dir: string;
  readonly #keep: number;
  readonly #maxChain: number;
  readonly #sync: boolean;
  readonly #binary: boolean;
  #manifests: CheckpointManifest[] = [];
  #files = new Map<string, number>();
  #chain: string[] = [];
  #keys = new Map<string, KeyCount>();
  #nextSeq = 1;
  #compaction: Promise<void> | null = null;
  #compacted: { covers: string[]; file: string } | null = null;
  #compacting: string[] = [];
  #compactionError: unknown = null;

  private constructor(dir: string, options: TaskStoreOptions) {
    this.#dir = dir;
    this.#keep = Math.max(1, options.keep ?? 3);
    this.#maxChain = Math.max(2, options.maxChain ?? 8);
    this.#sync = options.sync ?? true;
    this.#binary = (options.format ?? "binary") === "binary";
  }

  /** Opens (creating) the task directory `dir` and reads its manifests. */
  static async open(dir: string, options: TaskStoreOptions = {}): Promise<TaskStore> {
    const store = new TaskStore(dir, options);
    await Deno.mkdir(dir, { recursive: true });
    for await (const entry of Deno.readDir(dir)) {
      const path = `${dir}/${entry.name}`;
      if (entry.name.endsWith(TEMP_SUFFIX)) await removeIfExists(path);
      else if (DATA.test(entry.name)) store.#files.set(entry.name, (await Deno.stat(path)).size);
      else if (MANIFEST.test(entry.name)) {
        store.#manifests.push(checkManifest(await readJson(path), path));
      }
    }
    store.#manifests.sort((a, b) => a.seq - b.seq);
    store.#nextSeq = (store.#manifests.at(-1)?.seq ?? 0) + 1;
    return store;
  }

  /** The directory. */
  get dir(): string {
    return this.#dir;
  }

  /** The manifests on disk, oldest first. */
  get manifests(): readonly CheckpointManifest[] {
    return this.#manifests;
  }

  /** Whether the next checkpoint must be a base (full snapshots): there is no chain yet. */
  get needsBase(): boolean {
    return this.#chain.length === 0;
  }

  /** Keys with state per operator, as of the last checkpoint written or restored. */
  keyCounts(): Record<string, number> {
    return Object.fromEntries([...this.#keys].map(([name, keys]) => [name, keys.size]));
  }

  /**
   * Loads the newest checkpoint whose offset is `committedOffset` (the group's committed offset,
   * the source of truth), and deletes newer ones (their transactions did not commit). With
   * `null` (nothing committed yet) deletes every checkpoint and returns `null`.
   *
   * @throws {CheckpointError} when checkpoints exist but none has `committedOffset`.
   */
  async restore(committedOffset: number | null): Promise<RestoredCheckpoint | null> {
    await this.#compaction;
    this.#compacted = null;
    this.#chain = [];
    this.#keys.clear();
    const index = committedOffset === null
      ? -1
      : this.#manifests.findLastIndex((m) => m.offset === committedOffset);
    if (index < 0 && committedOffset !== null) {
      throw new CheckpointError(
        `No checkpoint in ${this.#dir} has the committed offset ${committedOffset} (found ` +
          `${this.#manifests.map((m) => m.offset).join(", ") || "none"}); the state directory ` +
          "was lost or belongs to another consumer group",
      );
    }
    for (const stale of this.#manifests.splice(index + 1)) {
      await removeIfExists(`${this.#dir}/manifest-${stale.seq}.json`);
    }
    if (index < 0) {
      await this.#prune();
      return null;
    }
    const manifest = this.#manifests[index];
    const chain: CheckpointData[] = [];
    for (const file of manifest.files) {
      const path = `${this.#dir}/${file}`;
      try {
        chain.push(await readData(path));
      } catch (e) {
        if (e instanceof CheckpointError) throw e;
        throw new CheckpointError(`Cannot read checkpoint data ${path}: ${e}`, { cause: e });
      }
    }
    this.#chain = [...manifest.files];
    for (const data of chain) this.#trackKeys(data);
    await this.#prune();
    return { manifest, chain };
  }

  /**
   * Writes a checkpoint with status `"pending"`: its data file, then its manifest, each
   * atomically. Cost is proportional to the size of `input.operators`.
   */
  async write(input: CheckpointInput): Promise<CheckpointManifest> {
    if (input.kind === "delta" && this.#chain.length === 0) {
      throw new RangeError("TaskStore.write: the first checkpoint of a chain must be a base");
    }
    const seq = this.#nextSeq++;
    const data: CheckpointData = { version: 1, kind: input.kind, operators: input.operators };
    const name = `data-${seq}.${this.#binary ? "bin" : "json"}`;
    const bytes = this.#encode(data);
    await writeFileAtomic(this.#dir, name, bytes, this.#sync);
    this.#files.set(name, bytes.length);
    const compacted = this.#compacted;
    if (compacted && compacted.covers.every((f, i) => this.#chain[i] === f)) {
      this.#chain = [compacted.file, ...this.#chain.slice(compacted.covers.length)];
      this.#compacted = null;
    }
    this.#chain = input.kind === "base" ? [name] : [...this.#chain, name];
    this.#trackKeys(data);
    const manifest: CheckpointManifest = {
      version: 1,
      seq,
      offset: input.offset,
      status: "pending",
      files: [...this.#chain],
      task: input.task,
      createdAtMs: Date.now(),
      bytes: this.#chain.reduce((sum, f) => sum + (this.#files.get(f) ?? 0), 0),
      keys: this.keyCounts(),
    };
    await this.#writeManifest(manifest, this.#sync);
    this.#manifests.push(manifest);
    await this.#prune();
    if (this.#chain.length > this.#maxChain && this.#compaction === null) this.#startCompaction();
    return manifest;
  }

  /** Marks `manifest` committed (its transaction committed). Not fsynced: only informative. */
  async markCommitted(manifest: CheckpointManifest): Promise<CheckpointManifest> {
    const committed: CheckpointManifest = { ...manifest, status: "committed" };
    await this.#writeManifest(committed, false);
    const i = this.#manifests.findIndex((m) => m.seq === manifest.seq);
    if (i >= 0) this.#manifests[i] = committed;
    return committed;
  }

  /** Waits for a running background compaction. Idempotent. */
  async close(): Promise<void> {
    await this.#compaction;
  }

  #trackKeys(data: CheckpointData): void {
    for (const [name, snapshot] of Object.entries(data.operators)) {
      const keys = this.#keys.get(name);
      if (keys === undefined || snapshot.full) this.#keys.set(name, new KeyCount(snapshot));
      else keys.apply(snapshot.keys);
    }
  }

  #encode(data: CheckpointData): Uint8Array {
    return this.#binary ? encodeBinaryData(data) : encoder.encode(JSON.stringify(data));
  }

  async #writeManifest(manifest: CheckpointManifest, sync: boolean): Promise<void> {
    const bytes = encoder.encode(JSON.stringify(manifest));
    await writeFileAtomic(this.#dir, `manifest-${manifest.seq}.json`, bytes, sync);
  }

  #startCompaction(): void {
    const covers = [...this.#chain];
    const file = `data-${this.#nextSeq - 1}-c.${this.#binary ? "bin" : "json"}`;
    this.#compacting = covers;
    this.#compaction = (async () => {
      const chain: CheckpointData[] = [];
      for (const f of covers) chain.push(await readData(`${this.#dir}/${f}`));
      const bytes = this.#encode(foldChain(chain));
      await writeFileAtomic(this.#dir, file, bytes, this.#sync);
      this.#files.set(file, bytes.length);
      this.#compacted = { covers, file };
      this.#compactionError = null;
    })().catch((e) => {
      // A failed compaction costs only a longer chain; the next one retries.
      this.#compactionError = e;
    }).finally(() => {
      this.#compaction = null;
      this.#compacting = [];
    });
  }

  /** The error of the last failed background compaction, if any (cleared by a success). */
  get compactionError(): unknown {
    return this.#compactionError;
  }

  async #prune(): Promise<void> {
    const drop = this.#manifests.splice(0, Math.max(0, this.#manifests.length - this.#keep));
    for (const m of drop) await removeIfExists(`${this.#dir}/manifest-${m.seq}.json`);
    const live = new Set([...this.#chain, ...this.#manifests.flatMap((m) => m.files)]);
    for (const f of this.#compacting) live.add(f);
    if (this.#compacted !== null) {
      for (const f of this.#compacted.covers) live.add(f);
      live.add(this.#compacted.file);
    }
    let removed = false;
    for (const file of [...this.#files.keys()]) {
      if (live.has(file)) continue;
      await removeIfExists(`${this.#dir}/${file}`);
      this.#files.delete(file);
      removed = true;
    }
    if (removed && this.#sync) await syncDir(this.#dir);
  }
}

/**
 * The keys with state of one operator. A full snapshot's keys are only counted: hashing a
 * million keys into a set cost about as much as the rest of a restore, and most restores are
 * followed by no delta for a while; the set is built when the first delta needs it.
 */
class KeyCount {
  #base: (() => string[]) | null;
  #count: number;
  #set: Set<string> | null = null;

  /** @param full a full snapshot (none of its entries is `null`). */
  constructor(full: AnySnapshot) {
    const columns = full.columns;
    if (columns === undefined) {
      const keys = full.keys.filter(([, state]) => state !== null).map(([key]) => key);
      this.#count = keys.length;
      this.#base = () => keys;
      return;
    }
    // From columns: counted without building the keys; copies of the key columns only, so the
    // file's bytes are not kept alive (a delta decodes the keys when it comes).
    this.#count = liveCount(columns);
    const [bytes, offsets, ids] = [columns.keyBytes, columns.keyOffsets, columns.shapeIds]
      .map((c) => c.slice()) as [Uint8Array, Uint32Array, Uint32Array];
    this.#base = () =>
      decodeKeys(bytes, offsets, columns.header.kind).filter((_, i) => ids[i] !== NO_STATE);
  }

  get size(): number {
    return this.#set?.size ?? this.#count;
  }

  /** Applies a delta's entries (`null`: the key's state is gone). */
  apply(delta: AnySnapshot["keys"]): void {
    const set = this.#set ??= new Set(this.#base!());
    this.#base = null;
    for (const [key, state] of delta) {
      if (state === null) set.delete(key);
      else set.add(key);
    }
  }
}

/** Reads a data file of either format (told apart by the binary format's magic). */
async function readData(path: string): Promise<CheckpointData> {
  const bytes = await Deno.readFile(path);
  if (isBinaryData(bytes)) return decodeBinaryData(bytes, path);
  return checkData(parseJson(bytes, path), path);
}

async function readJson(path: string): Promise<unknown> {
  return parseJson(await Deno.readFile(path), path);
}

function parseJson(bytes: Uint8Array, path: string): unknown {
  const text = decoder.decode(bytes);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(`Cannot parse checkpoint file ${path}: ${(e as Error).message}`, {
      cause: e,
    });
  }
}
