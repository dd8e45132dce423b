/**
 * Keyed state with time-to-live (Flink's `StateTtlConfig`): a value per key that expires when the
 * key has not been written for `ttlMs`, so keys that stop appearing (a retired vehicle) do not
 * keep state forever. Expiry is driven by the time passed in: processing time (`nowMs`) or event
 * time (the largest event time seen), per {@linkcode StateTtl.time}.
 *
 * @module
 */
import {
  ChangedKeys,
  checkSnapshot,
  clonePlain,
  type KeyedSnapshot,
  type KeyedSnapshottable,
  sortedKeys,
} from "./snapshot.ts";

/** Time-to-live of keyed state. */
export interface StateTtl {
  /** How long (ms) a key's state lives after its last write. */
  ttlMs: number;
  /**
   * Which clock judges expiry: `"processing"` (default), the `nowMs` passed in; or `"event"`, the
   * largest event time passed in so far.
   */
  time?: "processing" | "event";
}

/** The two times a record brings; the state's TTL picks one. */
export interface TtlTimes {
  /** The record's event time. */
  eventTimeMs?: number;
  /** Processing time now. */
  nowMs?: number;
}

/** A key whose state expired, with its last value. */
export interface ExpiredEntry<V> {
  /** The key. */
  readonly key: string;
  /** Its last value. */
  readonly value: V;
}

/** The scalar part of a {@linkcode KeyedState} snapshot. */
export interface KeyedStateMeta {
  /** The TTL clock, or `null` before it first advanced. */
  readonly clockMs: number | null;
}

/** One key's entry in a {@linkcode KeyedState} snapshot. */
export interface KeyedStateEntry<V> {
  /** The value. */
  readonly value: V;
  /** When it was last written on the TTL clock (`null` if before the clock first advanced). */
  readonly writtenMs: number | null;
}

/** Plain-data state of {@linkcode KeyedState}. */
export type KeyedStateSnapshot<V> = KeyedSnapshot<KeyedStateMeta, KeyedStateEntry<V>>;

interface Entry<V> {
  value: V;
  writtenMs: number;
}

/**
 * A map from key to a plain-data value, with optional TTL and change tracking for incremental
 * snapshots. Values are owned by the state: mutate them only through {@linkcode set}.
 */
export class KeyedState<V> implements KeyedSnapshottable<KeyedStateMeta, KeyedStateEntry<V>> {
  #kind: string;
  #ttl: number;
  #event: boolean;
  #clock = -Infinity;
  // Ordered by write time: a write moves the key to the end, so expiry scans only expired keys.
  #entries = new Map<string, Entry<V>>();
  #changed = new ChangedKeys();

  /**
   * @param ttl expiry settings; without it state never expires.
   * @param kind the `kind` its snapshots carry (operators built on it pass their own name).
   */
  constructor(ttl?: StateTtl, kind = "keyed-state") {
    this.#kind = kind;
    this.#ttl = ttl?.ttlMs ?? Infinity;
    if (!(this.#ttl > 0)) throw new RangeError(`ttlMs must be positive, got ${ttl?.ttlMs}`);
    this.#event = ttl?.time === "event";
  }

  /** Advances the TTL clock to the time `times` brings for this state's TTL (never backwards). */
  advanceClock(times: TtlTimes): void {
    const t = this.#event ? times.eventTimeMs : times.nowMs;
    if (t !== undefined && t > this.#clock) this.#clock = t;
  }

  /** The key's value, or `undefined` when absent or expired. */
  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined || this.#expired(entry)) return undefined;
    return entry.value;
  }

  /** Sets the key's value and restarts its TTL (advance the clock first: see {@linkcode advanceClock}). */
  set(key: string, value: V): void {
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.writtenMs === this.#clock) {
      entry.value = value;
    } else {
      this.#entries.delete(key);
      this.#entries.set(key, { value, writtenMs: this.#clock });
    }
    this.#changed.add(key);
  }

  /** Removes the key's state. */
  delete(key: string): void {
    if (this.#entries.delete(key)) this.#changed.add(key);
  }

  /** Removes every expired key and returns them with their last values, sorted by key. */
  expire(): ExpiredEntry<V>[] {
    const expired: ExpiredEntry<V>[] = [];
    for (const [key, entry] of this.#entries) {
      if (!this.#expired(entry)) break;
      expired.push({ key, value: entry.value });
    }
    for (const { key } of expired) {
      this.#entries.delete(key);
      this.#changed.add(key);
    }
    return expired.sort((a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  }

  #expired(entry: Entry<V>): boolean {
    return this.#ttl !== Infinity && this.#clock - entry.writtenMs >= this.#ttl;
  }

  /** How many keys hold state (including expired ones not yet removed by {@linkcode expire}). */
  get size(): number {
    return this.#entries.size;
  }

  /** Keys changed since they were last snapshotted, sorted. */
  changedKeys(): string[] {
    return this.#changed.list();
  }

  /** The clock and every key's state; marks all keys clean. */
  snapshot(): KeyedStateSnapshot<V> {
    const snapshot = this.snapshotKeys(this.#entries.keys());
    this.#changed.clear();
    return { ...snapshot, full: true };
  }

  /** The clock and the state of `keys` (absent ones as `[key, null]`); marks them clean. */
  snapshotKeys(keys: Iterable<string>): KeyedStateSnapshot<V> {
    const sorted = sortedKeys(keys);
    this.#changed.clean(sorted);
    return {
      version: 1,
      kind: this.#kind,
      full: false,
      meta: { clockMs: Number.isFinite(this.#clock) ? this.#clock : null },
      keys: sorted.map((key) => {
        const entry = this.#entries.get(key);
        if (entry === undefined) return [key, null] as const;
        const writtenMs = Number.isFinite(entry.writtenMs) ? entry.writtenMs : null;
        return [key, { value: clonePlain(entry.value), writtenMs }] as const;
      }),
    };
  }

  /** Replaces all state with `snapshot`. */
  restore(snapshot: KeyedStateSnapshot<V>): void {
    this.#entries.clear();
    this.#changed.clear();
    this.restoreKeys(snapshot);
  }

  /** Applies `snapshot` (from {@linkcode snapshotKeys}) on top of the current state. */
  restoreKeys(snapshot: KeyedStateSnapshot<V>): void {
    checkSnapshot(snapshot, this.#kind);
    this.#clock = snapshot.meta.clockMs ?? -Infinity;
    for (const [key, entry] of snapshot.keys) {
      this.#entries.delete(key);
      if (entry === null) continue;
      const writtenMs = entry.writtenMs ?? -Infinity;
      this.#entries.set(key, { value: clonePlain(entry.value), writtenMs });
    }
    // Re-establish write-time order (ties by key) so expiry can stop at the first live key.
    const ordered = [...this.#entries].sort(([ka, a], [kb, b]) =>
      (a.writtenMs < b.writtenMs ? -1 : a.writtenMs > b.writtenMs ? 1 : 0) ||
      (ka < kb ? -1 : ka > kb ? 1 : 0)
    );
    this.#entries = new Map(ordered);
  }
}

/**
 * Base of operators whose whole state is one {@linkcode KeyedState}: TTL expiry, snapshots,
 * restores and change tracking delegate to it.
 */
export abstract class KeyedStateOperator<V>
  implements KeyedSnapshottable<KeyedStateMeta, KeyedStateEntry<V>> {
  /** The operator's per-key state. */
  protected readonly state: KeyedState<V>;

  /** @param ttl TTL of per-key state; `kind` names the operator in its snapshots. */
  constructor(ttl: StateTtl | undefined, kind: string) {
    this.state = new KeyedState(ttl, kind);
  }

  /**
   * Advances the TTL clock to `times` and drops keys idle longer than the TTL, returning their
   * last values sorted by key (the caller decides what to publish for them).
   */
  expire(times: { eventTimeMs?: number; nowMs?: number }): ExpiredEntry<V>[] {
    this.state.advanceClock(times);
    return this.state.expire();
  }

  /** Returns the whole state as plain data and marks every key clean. */
  snapshot(): KeyedStateSnapshot<V> {
    return this.state.snapshot();
  }

  /** Replaces the whole state with `snapshot`. */
  restore(snapshot: KeyedStateSnapshot<V>): void {
    this.state.restore(snapshot);
  }

  /** Keys changed since they were last snapshotted, sorted. */
  changedKeys(): string[] {
    return this.state.changedKeys();
  }

  /** The state of `keys` (`null` for absent), marking them clean. */
  snapshotKeys(keys: Iterable<string>): KeyedStateSnapshot<V> {
    return this.state.snapshotKeys(keys);
  }

  /** Applies a snapshot from {@linkcode snapshotKeys} on top of the current state. */
  restoreKeys(snapshot: KeyedStateSnapshot<V>): void {
    this.state.restoreKeys(snapshot);
  }
}
