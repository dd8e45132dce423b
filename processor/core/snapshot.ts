/**
 * Snapshots: the plain, versioned data every stateful piece of the core saves and is rebuilt from.
 *
 * A snapshot of a keyed operator lists per-key state as `[key, state]` pairs sorted by key, so the
 * same input always gives the same JSON. A full snapshot and an incremental one (only the keys that
 * changed) share one shape; in an incremental one a key whose state is gone is `[key, null]`.
 *
 * @module
 */

import type { SnapshotColumns } from "./columnar_snapshot.ts";

/** The snapshot format version every piece of the core writes and accepts. */
export const SNAPSHOT_VERSION = 1;

/**
 * A versioned snapshot of a keyed operator.
 *
 * - `version`: always {@linkcode SNAPSHOT_VERSION};
 * - `kind`: which operator wrote it, e.g. `"window"`;
 * - `full`: `true` for {@linkcode KeyedSnapshottable.snapshot}, `false` for a delta from
 *   {@linkcode KeyedSnapshottable.snapshotKeys};
 * - `meta`: the operator's scalar state (watermark, counters, config it must match);
 * - `keys`: per-key state sorted by key; `null` means the key has no state.
 */
export interface KeyedSnapshot<M, S> {
  /** Format version, {@linkcode SNAPSHOT_VERSION}. */
  readonly version: 1;
  /** The operator kind that wrote the snapshot. */
  readonly kind: string;
  /** Whether this lists every key (`true`) or only changed ones (`false`). */
  readonly full: boolean;
  /** Scalar operator state. */
  readonly meta: M;
  /** Per-key state, sorted by key; `null` when the key has no state (deltas only). */
  readonly keys: ReadonlyArray<readonly [string, S | null]>;
  /**
   * The same state as columns, when it was read from a binary checkpoint or taken from lazily
   * restored state: an operator that knows them restores from them directly (then `keys` is
   * never built), and the binary checkpoint format writes them as they are.
   */
  readonly columns?: SnapshotColumns;
}

/** Options of restoring a snapshot. */
export interface RestoreOptions {
  /**
   * The snapshot is the caller's to give away (e.g. just parsed from a checkpoint file and used
   * for nothing else): its per-key data may become the live state without a copy. Default false.
   */
  readonly owned?: boolean;
  /**
   * Build every key's live state now. By default an operator that can restores a full columnar
   * snapshot lazily: a key's state is built when a record for it arrives or its window fires
   * (restore then costs no per-key work); `true` is the eager baseline benchmarks compare with.
   */
  readonly eager?: boolean;
}

/**
 * A keyed operator that saves its state as plain data, fully or incrementally.
 *
 * A checkpoint can cost in proportion to the keys changed since the last one:
 *
 * @example
 * ```ts ignore
 * const base = op.snapshot();                       // full; clears the changed set
 * // ... process records ...
 * const delta = op.snapshotKeys(op.changedKeys());  // only what changed; clears those keys
 * // rebuild elsewhere:
 * fresh.restore(base);
 * fresh.restoreKeys(delta);
 * ```
 */
export interface KeyedSnapshottable<M, S> {
  /** Returns the whole state as plain data and marks every key clean. */
  snapshot(): KeyedSnapshot<M, S>;
  /** Replaces the whole state with `snapshot` (full or delta applied to empty state). */
  restore(snapshot: KeyedSnapshot<M, S>, options?: RestoreOptions): void;
  /** Keys whose state changed (or went away) since they were last snapshotted, sorted. */
  changedKeys(): string[];
  /** Returns the scalar state plus the state of `keys` (`null` for absent) and marks them clean. */
  snapshotKeys(keys: Iterable<string>): KeyedSnapshot<M, S>;
  /** Applies a snapshot from {@linkcode snapshotKeys} on top of the current state. */
  restoreKeys(snapshot: KeyedSnapshot<M, S>, options?: RestoreOptions): void;
}

/** Thrown when a snapshot cannot be restored: wrong version, kind or operator configuration. */
export class SnapshotError extends Error {
  /**
   * @param message what is wrong with the snapshot.
   */
  constructor(message: string) {
    super(message);
    this.name = "SnapshotError";
  }
}

/** Throws {@linkcode SnapshotError} unless `snapshot` has the current version and `kind`. */
export function checkSnapshot(snapshot: { version?: unknown; kind?: unknown }, kind: string): void {
  if (snapshot?.version !== SNAPSHOT_VERSION) {
    throw new SnapshotError(
      `Cannot restore ${kind} snapshot: version ${String(snapshot?.version)} is not supported ` +
        `(expected ${SNAPSHOT_VERSION})`,
    );
  }
  if (snapshot.kind !== kind) {
    throw new SnapshotError(
      `Cannot restore ${kind} snapshot: it was written by "${String(snapshot.kind)}"`,
    );
  }
}

/**
 * Deep-copies plain data so a snapshot never aliases live, mutable state. Arrays and plain
 * objects are copied by hand: `structuredClone` serializes through the host and cost most of a
 * large state's checkpoint and restore time; anything else (a `Map`, a `Date`) still goes
 * through it.
 */
export function clonePlain<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const copy = new Array(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = clonePlain(value[i]);
    return copy as T;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return structuredClone(value);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    copy[key] = clonePlain((value as Record<string, unknown>)[key]);
  }
  return copy as T;
}

/** Tracks which keys changed since they were last snapshotted. */
export class ChangedKeys {
  #keys = new Set<string>();

  /** Marks `key` changed. */
  add(key: string): void {
    this.#keys.add(key);
  }

  /** The changed keys, sorted. */
  list(): string[] {
    return [...this.#keys].sort();
  }

  /** Marks `keys` clean. */
  clean(keys: Iterable<string>): void {
    for (const key of keys) this.#keys.delete(key);
  }

  /** Marks every key clean. */
  clear(): void {
    this.#keys.clear();
  }
}

/** Returns `keys` deduplicated and sorted. */
export function sortedKeys(keys: Iterable<string>): string[] {
  return [...new Set(keys)].sort();
}
