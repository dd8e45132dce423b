/**
 * The contract between {@linkcode WindowOperator} and its per-kind window state (panes for
 * tumbling/sliding windows, merging sessions), plus the operator's output types.
 *
 * @module
 */
import type { SnapshotColumns } from "./columnar_snapshot.ts";
import type { KeyedSnapshot } from "./snapshot.ts";
import type { TimeWindow } from "./time_window.ts";

/** One window's aggregate for one key. */
export interface WindowResult<Out> {
  /** The key (e.g. a device id). */
  readonly key: string;
  /** The window the value covers, `[start, end)`. */
  readonly window: TimeWindow;
  /** The aggregate. */
  readonly value: Out;
  /**
   * `true` for the window's final result (the watermark passed end + allowed lateness); `false`
   * for an update in `"updating"` mode, superseded by later updates and the final result.
   */
  readonly final: boolean;
}

/** A record that arrived after every window it belongs to had closed (the late side output). */
export interface LateRecord<In> {
  /** The record's key. */
  readonly key: string;
  /** The record's event time. */
  readonly eventTimeMs: number;
  /** The record's value. */
  readonly value: In;
  /** The operator's watermark when the record arrived. */
  readonly watermarkMs: number;
}

/** What one call into a {@linkcode WindowOperator} produced. */
export interface WindowOutput<In, Out> {
  /** Window results, ordered by firing time, then key. */
  readonly results: readonly WindowResult<Out>[];
  /** Late records (side output), in arrival order. */
  readonly late: readonly LateRecord<In>[];
}

/** Per-kind window state of a keyed window operator. Internal to the core. */
export interface WindowEngine<In, Out> {
  /**
   * Adds a record unless it is late for every window it belongs to (then returns `false` and
   * changes nothing). When `updates` is given, pushes the new value of every window it changed.
   */
  add(
    key: string,
    timeMs: number,
    value: In,
    watermarkMs: number,
    updates: WindowResult<Out>[] | undefined,
  ): boolean;
  /** Fires every window whose end + allowed lateness is at or before `watermarkMs`. */
  advance(watermarkMs: number, out: WindowResult<Out>[]): void;
  /** The key's state as plain data (a copy), or `null` when it has none. */
  snapshotKey(key: string): unknown;
  /**
   * Replaces the key's state with `state` from {@linkcode snapshotKey} (`null` removes it);
   * `owned`: `state` may become the live state without a copy.
   */
  restoreKey(key: string, state: unknown, owned?: boolean): void;
  /** Applies every key of a snapshot's columns, as {@linkcode restoreKey} would. */
  restoreColumns(columns: SnapshotColumns): void;
  /**
   * Restores a full snapshot's columns lazily (each key's state is built on first use), into
   * cleared state; `false` when the engine cannot (then {@linkcode restoreColumns} applies).
   */
  restoreLazy?(columns: SnapshotColumns): boolean;
  /**
   * The columns of `full` (the snapshot of the {@linkcode keys}) plus the lazily restored rows
   * not taken yet, or `undefined` when there are none.
   */
  withRestored?(full: KeyedSnapshot<unknown, unknown>): SnapshotColumns | undefined;
  /** Keys that hold live state (restored rows not yet taken are not among them). */
  keys(): IterableIterator<string>;
  /** Drops all state. */
  clear(): void;
}
