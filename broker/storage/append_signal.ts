/**
 * The log store's "a partition grew" signal: {@linkcode LogStore} fires it when an append becomes
 * readable (and when a topic is deleted), so Fetch long polls wake without any writer having to
 * remember to wake them.
 *
 * @module
 */

/** Per-partition "appended" signal. */
export class AppendSignal {
  #waiters = new Map<string, Set<() => void>>();
  #listeners = new Set<(topic: string, partition: number) => void>();

  /**
   * Calls `listener` after every signalled append (background work such as prompt compaction);
   * returns the function that stops it. A listener must not throw.
   */
  listen(listener: (topic: string, partition: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Wakes every waiter on `topic`/`partition` (the store calls this after an append is readable). */
  notify(topic: string, partition: number): void {
    for (const listener of this.#listeners) listener(topic, partition);
    const key = `${topic}\u0000${partition}`;
    const set = this.#waiters.get(key);
    if (!set) return;
    this.#waiters.delete(key);
    for (const wake of set) wake();
  }

  /**
   * Resolves when any of `partitions` gets an append, after `timeoutMs`, or when `signal`
   * aborts, whichever comes first. Resolves `true` if woken by an append.
   */
  wait(
    partitions: Iterable<readonly [string, number]>,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<boolean> {
    if (signal?.aborted || timeoutMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const keys: string[] = [];
      const done = (appended: boolean) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        for (const k of keys) {
          const set = this.#waiters.get(k);
          set?.delete(wake);
          if (set?.size === 0) this.#waiters.delete(k);
        }
        resolve(appended);
      };
      const wake = () => done(true);
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      for (const [topic, partition] of partitions) {
        const key = `${topic}\u0000${partition}`;
        keys.push(key);
        let set = this.#waiters.get(key);
        if (!set) this.#waiters.set(key, set = new Set());
        set.add(wake);
      }
    });
  }

  /** Number of partitions with waiters (tests). */
  get waitingPartitions(): number {
    return this.#waiters.size;
  }
}
