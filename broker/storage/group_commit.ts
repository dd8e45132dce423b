/**
 * Group commit: many writers share one fsync round. Writers call {@linkcode GroupCommit.written}
 * after writing and await {@linkcode GroupCommit.flush}; a flush waits until a round that started
 * after its writes has synced every dirty file.
 *
 * @module
 */

/** Makes one file's written data durable (`fsync`/`fdatasync`). */
export type SyncFile = (file: Deno.FsFile) => Promise<void>;

/** The default {@linkcode SyncFile}: `file.syncData()`. */
export function syncData(file: Deno.FsFile): Promise<void> {
  return file.syncData();
}

/** Tracks dirty files and coalesces their fsyncs. */
export class GroupCommit {
  #sync: SyncFile;
  #dirty = new Set<Deno.FsFile>();
  #writeSeq = 0;
  #durableSeq = 0;
  #syncing: Promise<void> | null = null;
  #rounds = 0;

  /** Syncs files with `sync` (tests pass one they can hold). Default: {@linkcode syncData}. */
  constructor(sync: SyncFile = syncData) {
    this.#sync = sync;
  }

  /** fsync rounds so far. */
  get rounds(): number {
    return this.#rounds;
  }

  /** Records that `file` has been written and needs an fsync. */
  written(file: Deno.FsFile): void {
    this.#dirty.add(file);
    this.#writeSeq++;
  }

  /** Drops `file` from the dirty set (before closing or deleting it). */
  forget(file: Deno.FsFile): void {
    this.#dirty.delete(file);
  }

  /** Resolves when no fsync round is in flight. */
  async idle(): Promise<void> {
    while (this.#syncing) await this.#syncing.catch(() => {});
  }

  /** Resolves once every write recorded before the call is durable. */
  async flush(): Promise<void> {
    const target = this.#writeSeq;
    while (this.#durableSeq < target) {
      this.#syncing ??= this.#round().finally(() => {
        this.#syncing = null;
      });
      await this.#syncing;
    }
  }

  async #round(): Promise<void> {
    const seq = this.#writeSeq;
    const files = [...this.#dirty];
    this.#dirty.clear();
    this.#rounds++;
    try {
      await Promise.all(files.map(this.#sync));
    } catch (e) {
      for (const f of files) this.#dirty.add(f); // retried by the next flush
      throw e;
    }
    this.#durableSeq = Math.max(this.#durableSeq, seq);
  }
}
