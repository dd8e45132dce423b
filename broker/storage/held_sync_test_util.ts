/**
 * {@linkcode HeldSync}: a {@linkcode SyncFile} a test can hold, to look at the broker at the
 * instant between an append being written and its fsync completing.
 *
 * @module
 */
import type { SyncFile } from "./group_commit.ts";

/** Passes fsyncs through until {@linkcode HeldSync.hold}, then keeps them until released. */
export class HeldSync {
  #holding = false;
  #pending: (() => void)[] = [];
  #waiters: (() => void)[] = [];

  /** The sync function to give `FileLog`/`LogStore` (`sync` option). */
  readonly sync: SyncFile = (file) => {
    if (!this.#holding) return file.syncData();
    return new Promise<void>((resolve, reject) => {
      this.#pending.push(() => file.syncData().then(resolve, reject));
      for (const wake of this.#waiters.splice(0)) wake();
    });
  };

  /** fsyncs waiting for {@linkcode release}. */
  get pending(): number {
    return this.#pending.length;
  }

  /** Holds every fsync from now on. */
  hold(): void {
    this.#holding = true;
  }

  /** Resolves once at least one fsync is held. */
  requested(): Promise<void> {
    if (this.#pending.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Runs the held fsyncs and passes later ones through. */
  release(): void {
    this.#holding = false;
    for (const run of this.#pending.splice(0)) run();
  }
}
