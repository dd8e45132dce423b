/**
 * The keyed windowed aggregation operator (Flink's `WindowOperator`): records `(key, eventTimeMs,
 * value)` go into windows, and watermark advances fire them. It does no I/O: every call returns
 * what it produced, `{ results, late }`.
 *
 * @module
 */
import type { Aggregator } from "./aggregator.ts";
import { fromColumns } from "./columnar_snapshot.ts";
import { PaneWindows } from "./pane_windows.ts";
import { SessionWindows } from "./session_windows.ts";
import {
  ChangedKeys,
  checkSnapshot,
  type KeyedSnapshot,
  type KeyedSnapshottable,
  type RestoreOptions,
  SnapshotError,
  sortedKeys,
} from "./snapshot.ts";
import type { WindowKind } from "./time_window.ts";
import type { LateRecord, WindowEngine, WindowOutput, WindowResult } from "./window_engine.ts";

/** When results are emitted. */
export type EmitMode = "final" | "updating";

/** Options of {@linkcode WindowOperator}. */
export interface WindowOperatorOptions<In, Acc, Out> {
  /** The windows, e.g. `tumbling(60_000)`, `sliding(300_000, 60_000)`, `session(30_000)`. */
  windows: WindowKind;
  /** How values accumulate, e.g. `stats()`. */
  aggregator: Aggregator<In, Acc, Out>;
  /**
   * How long (ms) after its end a window still accepts records; its final result is emitted when
   * the watermark reaches end + allowed lateness. Default 0.
   */
  allowedLatenessMs?: number;
  /**
   * `"final"` (default): one result per window, when it closes. `"updating"`: also a non-final
   * result for every window a record changes.
   */
  emit?: EmitMode;
}

/** The scalar part of a {@linkcode WindowOperator} snapshot. */
export interface WindowOperatorMeta {
  /** The window kind; a snapshot only restores into an operator with the same one. */
  readonly windows: WindowKind;
  /** The allowed lateness; must match too. */
  readonly allowedLatenessMs: number;
  /** The watermark, or `null` before the first advance. */
  readonly watermarkMs: number | null;
  /** How many late records were sent to the side output so far. */
  readonly lateCount: number;
}

/** A {@linkcode WindowOperator} snapshot. */
export type WindowOperatorSnapshot = KeyedSnapshot<WindowOperatorMeta, unknown>;

const KIND = "window";
const NOTHING: WindowOutput<never, never> = Object.freeze({
  results: Object.freeze([]) as readonly never[],
  late: Object.freeze([]) as readonly never[],
});

/**
 * Aggregates keyed records per event-time window.
 *
 * A window `[start, end)` emits its final result when the watermark reaches
 * `end + allowedLatenessMs`. A record whose windows have all closed goes to the `late` side output
 * and is counted ({@linkcode lateCount}); it is never dropped silently.
 *
 * @example
 * ```ts
 * import { stats, tumbling, WindowOperator } from "@iot/processor";
 * const op = new WindowOperator({ windows: tumbling(60_000), aggregator: stats() });
 * op.process("d1", 1_000, 20);
 * op.process("d1", 59_999, 22);
 * op.advanceWatermark(60_000).results;
 * // [{ key: "d1", window: { start: 0, end: 60000 }, value: { count: 2, avg: 21, min: 20, max: 22 }, final: true }]
 * ```
 */
export class WindowOperator<In, Acc, Out>
  implements KeyedSnapshottable<WindowOperatorMeta, unknown> {
  #windows: WindowKind;
  #lateness: number;
  #updating: boolean;
  #engine: WindowEngine<In, Out>;
  #changed = new ChangedKeys();
  #watermark = -Infinity;
  #lateCount = 0;

  /** @param options windows, aggregator, lateness and emit mode. */
  constructor(options: WindowOperatorOptions<In, Acc, Out>) {
    const lateness = options.allowedLatenessMs ?? 0;
    if (!Number.isSafeInteger(lateness) || lateness < 0) {
      throw new RangeError(`allowedLatenessMs must be a non-negative integer, got ${lateness}`);
    }
    this.#windows = options.windows;
    this.#lateness = lateness;
    this.#updating = (options.emit ?? "final") === "updating";
    this.#engine = options.windows.kind === "session"
      ? new SessionWindows(options.windows, options.aggregator, lateness, this.#changed)
      : new PaneWindows(options.windows, options.aggregator, lateness, this.#changed);
  }

  /** The current watermark (`-Infinity` before the first advance). */
  get watermarkMs(): number {
    return this.#watermark;
  }

  /** How many records went to the late side output since the operator was created or restored. */
  get lateCount(): number {
    return this.#lateCount;
  }

  /**
   * Adds one record. Returns the record itself in `late` if every window it belongs to has
   * closed, and in `"updating"` mode the new values of the windows it changed.
   *
   * @throws {RangeError} when `eventTimeMs` is not a finite number.
   */
  process(key: string, eventTimeMs: number, value: In): WindowOutput<In, Out> {
    if (!Number.isFinite(eventTimeMs)) {
      throw new RangeError(`eventTimeMs must be a finite number, got ${eventTimeMs}`);
    }
    const updates: WindowResult<Out>[] | undefined = this.#updating ? [] : undefined;
    if (this.#engine.add(key, eventTimeMs, value, this.#watermark, updates)) {
      this.#changed.add(key);
      return updates === undefined || updates.length === 0
        ? NOTHING
        : { results: updates, late: [] };
    }
    this.#lateCount++;
    const late: LateRecord<In> = { key, eventTimeMs, value, watermarkMs: this.#watermark };
    return { results: [], late: [late] };
  }

  /**
   * Moves the watermark to `watermarkMs` and returns the final results of every window that
   * closed, ordered by closing time, then key. A watermark that does not advance does nothing.
   */
  advanceWatermark(watermarkMs: number): WindowOutput<In, Out> {
    if (!(watermarkMs > this.#watermark)) return NOTHING;
    this.#watermark = watermarkMs;
    const results: WindowResult<Out>[] = [];
    this.#engine.advance(watermarkMs, results);
    return results.length === 0 ? NOTHING : { results, late: [] };
  }

  snapshot(): WindowOperatorSnapshot {
    const snapshot = this.snapshotKeys(this.#engine.keys());
    this.#changed.clear();
    const full = { ...snapshot, full: true };
    // Restored rows not taken yet are copied from the restored columns, not rebuilt per key.
    const columns = this.#engine.withRestored?.(full);
    return columns === undefined ? full : fromColumns(columns) as WindowOperatorSnapshot;
  }

  restore(snapshot: WindowOperatorSnapshot, options?: RestoreOptions): void {
    this.#engine.clear();
    this.#changed.clear();
    const columns = snapshot.columns;
    if (columns !== undefined && !options?.eager && this.#engine.restoreLazy !== undefined) {
      this.#restoreMeta(snapshot);
      if (this.#engine.restoreLazy(columns)) return;
    }
    this.restoreKeys(snapshot, options);
  }

  changedKeys(): string[] {
    return this.#changed.list();
  }

  snapshotKeys(keys: Iterable<string>): WindowOperatorSnapshot {
    const sorted = sortedKeys(keys);
    this.#changed.clean(sorted);
    return {
      version: 1,
      kind: KIND,
      full: false,
      meta: {
        windows: this.#windows,
        allowedLatenessMs: this.#lateness,
        watermarkMs: Number.isFinite(this.#watermark) ? this.#watermark : null,
        lateCount: this.#lateCount,
      },
      keys: sorted.map((key) => [key, this.#engine.snapshotKey(key)] as const),
    };
  }

  restoreKeys(snapshot: WindowOperatorSnapshot, options?: RestoreOptions): void {
    this.#restoreMeta(snapshot);
    if (snapshot.columns !== undefined) return this.#engine.restoreColumns(snapshot.columns);
    const owned = options?.owned ?? false;
    for (const [key, state] of snapshot.keys) this.#engine.restoreKey(key, state, owned);
  }

  /** Checks that `snapshot` fits this operator and takes its scalar state. */
  #restoreMeta(snapshot: WindowOperatorSnapshot): void {
    checkSnapshot(snapshot, KIND);
    const { meta } = snapshot;
    if (
      JSON.stringify(meta.windows) !== JSON.stringify(this.#windows) ||
      meta.allowedLatenessMs !== this.#lateness
    ) {
      throw new SnapshotError(
        `Cannot restore window snapshot: it was taken with windows ${
          JSON.stringify(meta.windows)
        } ` +
          `and allowed lateness ${meta.allowedLatenessMs} ms, this operator has ` +
          `${JSON.stringify(this.#windows)} and ${this.#lateness} ms`,
      );
    }
    this.#watermark = meta.watermarkMs ?? -Infinity;
    this.#lateCount = meta.lateCount;
  }
}
