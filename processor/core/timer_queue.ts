/**
 * Event-time timers per key: which keys have work due at which time. Timers are deduplicated per
 * (time, key); a key that moves its timer leaves the old entry behind, and the owner skips it when
 * it fires (lazy deletion keeps registration O(1) for in-order data).
 *
 * @module
 */

/** Keys due at one time, as returned by {@linkcode TimerQueue.pollDue}. */
export interface DueTimers {
  /** The timer time. */
  readonly timeMs: number;
  /** Keys registered at `timeMs`, sorted (so firing order never depends on history). */
  readonly keys: string[];
}

/** A set of `(timeMs, key)` timers, polled in time order. */
export class TimerQueue {
  #buckets = new Map<number, Set<string>>();
  #times: number[] = []; // one entry per bucket

  /** Registers `key` at `timeMs`. */
  add(timeMs: number, key: string): void {
    let bucket = this.#buckets.get(timeMs);
    if (bucket === undefined) {
      bucket = new Set();
      this.#buckets.set(timeMs, bucket);
      this.#insertTime(timeMs);
    }
    bucket.add(key);
  }

  /** Removes and returns the earliest timers at or before `upToMs`, or `undefined` if none. */
  pollDue(upToMs: number): DueTimers | undefined {
    const timeMs = this.#times[0];
    if (timeMs === undefined || timeMs > upToMs) return undefined;
    this.#removeMin();
    const bucket = this.#buckets.get(timeMs)!;
    this.#buckets.delete(timeMs);
    return { timeMs, keys: [...bucket].sort() };
  }

  /** The earliest timer time, or `undefined` when none is pending. */
  peek(): number | undefined {
    return this.#times[0];
  }

  /** Removes every timer. */
  clear(): void {
    this.#buckets.clear();
    this.#times = [];
  }

  /** How many distinct timer times are pending. */
  get size(): number {
    return this.#times.length;
  }

  // #times is a binary min-heap.
  #insertTime(timeMs: number): void {
    const heap = this.#times;
    let i = heap.push(timeMs) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent] <= timeMs) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = timeMs;
  }

  #removeMin(): void {
    const heap = this.#times;
    const last = heap.pop()!;
    const n = heap.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && heap[child + 1] < heap[child]) child++;
      if (heap[child] >= last) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = last;
  }
}
