/**
 * A small durable key-value store for coordinator state (group offsets, producer ids/epochs/
 * sequences, transaction state). Values are JSON. Layout in its directory:
 * `snapshot.json` (written to a temp file, fsynced, renamed) plus `changelog.log`, an append-only
 * list of entries `[length uint32][crc32c uint32][JSON {set, del}]`. Opening loads the snapshot
 * and replays the changelog up to the first torn or corrupt entry (which is cut off). When the
 * changelog holds `snapshotEvery` entries, a new snapshot replaces it.
 *
 * @module
 */
import { crc32c } from "../records/mod.ts";
import { readTextIfExists, TEMP_SUFFIX, writeFileAtomic } from "./fs_util.ts";
import { StorageClosedError } from "./errors.ts";
import { GroupCommit } from "./group_commit.ts";

/** A JSON-serialisable value. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** Options for {@linkcode MetadataStore.open}. */
export interface MetadataStoreOptions {
  /** Write a snapshot after this many changelog entries. Default: 1000. */
  snapshotEvery?: number;
  /** fsync every write before it resolves (concurrent writes share one fsync). Default: true. */
  fsync?: boolean;
}

/** One atomic change: keys to set and keys to delete. */
export interface MetadataChange {
  /** Keys and their new values. Default: none. */
  set?: Record<string, JsonValue>;
  /** Keys to remove. Default: none. */
  delete?: string[];
}

const SNAPSHOT = "snapshot.json";
const CHANGELOG = "changelog.log";

/**
 * Durable JSON key-value state; keys are flat strings (use prefixes such as `offsets/<group>/`).
 *
 * @example
 * ```ts
 * import { MetadataStore } from "./metadata_store.ts";
 * await using store = await MetadataStore.open("/tmp/meta/groups");
 * await store.apply({ set: { "offsets/g1/topic/0": { offset: 42, metadata: "" } } });
 * ```
 */
export class MetadataStore implements AsyncDisposable {
  /** Bytes cut from a torn changelog tail on open. */
  readonly truncatedBytes: number;
  #dir: string;
  #data: Map<string, JsonValue>;
  #log: Deno.FsFile;
  #logSize: number;
  #entries: number;
  #options: Required<MetadataStoreOptions>;
  #commit = new GroupCommit();
  #snapshotting: Promise<void> | null = null;
  #closed = false;

  private constructor(
    dir: string,
    data: Map<string, JsonValue>,
    log: Deno.FsFile,
    replay: { size: number; entries: number; truncated: number },
    options: MetadataStoreOptions,
  ) {
    this.#dir = dir;
    this.#data = data;
    this.#log = log;
    this.#logSize = replay.size;
    this.#entries = replay.entries;
    this.truncatedBytes = replay.truncated;
    this.#options = { snapshotEvery: options.snapshotEvery ?? 1000, fsync: options.fsync ?? true };
  }

  /** Opens (creating) the store in `dir`, recovering from a torn changelog tail. */
  static async open(dir: string, options: MetadataStoreOptions = {}): Promise<MetadataStore> {
    await Deno.mkdir(dir, { recursive: true });
    try {
      await Deno.remove(`${dir}/${SNAPSHOT}${TEMP_SUFFIX}`);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    const snapshot = await readTextIfExists(`${dir}/${SNAPSHOT}`);
    const data = new Map<string, JsonValue>(
      snapshot ? Object.entries(JSON.parse(snapshot).data as Record<string, JsonValue>) : [],
    );
    const log = await Deno.open(`${dir}/${CHANGELOG}`, { read: true, write: true, create: true });
    const bytes = await Deno.readFile(`${dir}/${CHANGELOG}`);
    const replay = replayChangelog(bytes, data);
    if (replay.size < bytes.length) await log.truncate(replay.size);
    return new MetadataStore(dir, data, log, replay, options);
  }

  /** The value of `key`, or undefined. */
  get(key: string): JsonValue | undefined {
    return this.#data.get(key);
  }

  /** Entries whose key starts with `prefix` (all when empty), sorted by key. */
  entries(prefix = ""): [string, JsonValue][] {
    return [...this.#data.entries()].filter(([k]) => k.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Number of keys. */
  get size(): number {
    return this.#data.size;
  }

  /** Sets one key; resolves when durable. */
  set(key: string, value: JsonValue): Promise<void> {
    return this.apply({ set: { [key]: value } });
  }

  /** Deletes one key; resolves when durable. */
  delete(key: string): Promise<void> {
    return this.apply({ delete: [key] });
  }

  /**
   * Applies a change atomically (all of it survives a crash or none): visible immediately,
   * durable when the promise resolves.
   */
  async apply(change: MetadataChange): Promise<void> {
    if (this.#closed) throw new StorageClosedError("MetadataStore");
    const json = new TextEncoder().encode(
      JSON.stringify({ s: change.set ?? {}, d: change.delete ?? [] }),
    );
    const entry = new Uint8Array(8 + json.length);
    const v = new DataView(entry.buffer);
    v.setUint32(0, json.length);
    v.setUint32(4, crc32c(json));
    entry.set(json, 8);
    // No await between this loop and the write: a snapshot must not start in between.
    while (this.#snapshotting) await this.#snapshotting;
    if (this.#closed) throw new StorageClosedError("MetadataStore");
    this.#log.seekSync(this.#logSize, Deno.SeekMode.Start);
    let written = 0;
    while (written < entry.length) written += this.#log.writeSync(entry.subarray(written));
    this.#logSize += entry.length;
    this.#entries++;
    applyChange(this.#data, change);
    this.#commit.written(this.#log);
    if (this.#options.fsync) await this.#commit.flush();
    if (this.#entries >= this.#options.snapshotEvery) await this.snapshot();
  }

  /** Writes a snapshot of the current state and empties the changelog. */
  snapshot(): Promise<void> {
    this.#snapshotting ??= this.#writeSnapshot().finally(() => {
      this.#snapshotting = null;
    });
    return this.#snapshotting;
  }

  async #writeSnapshot(): Promise<void> {
    const json = JSON.stringify({ version: 1, data: Object.fromEntries(this.#data) });
    await writeFileAtomic(`${this.#dir}/${SNAPSHOT}`, new TextEncoder().encode(json));
    // A crash before this truncate replays entries already in the snapshot: harmless, as
    // sets and deletes are idempotent in order.
    await this.#commit.idle();
    await this.#log.truncate(0);
    await this.#log.sync();
    this.#logSize = 0;
    this.#entries = 0;
  }

  /** Syncs and closes the changelog; idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#snapshotting;
    await this.#commit.flush();
    this.#log.close();
  }

  /** Same as {@linkcode close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function applyChange(data: Map<string, JsonValue>, change: MetadataChange): void {
  for (const [k, v] of Object.entries(change.set ?? {})) data.set(k, v);
  for (const k of change.delete ?? []) data.delete(k);
}

/** Applies complete, CRC-valid entries to `data`; returns the valid prefix length. */
function replayChangelog(
  bytes: Uint8Array,
  data: Map<string, JsonValue>,
): { size: number; entries: number; truncated: number } {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  let entries = 0;
  while (pos + 8 <= bytes.length) {
    const len = v.getUint32(pos);
    if (pos + 8 + len > bytes.length) break;
    const json = bytes.subarray(pos + 8, pos + 8 + len);
    if (crc32c(json) !== v.getUint32(pos + 4)) break;
    let parsed: { s: Record<string, JsonValue>; d: string[] };
    try {
      parsed = JSON.parse(new TextDecoder().decode(json));
    } catch {
      break;
    }
    applyChange(data, { set: parsed.s, delete: parsed.d });
    pos += 8 + len;
    entries++;
  }
  return { size: pos, entries, truncated: bytes.length - pos };
}
