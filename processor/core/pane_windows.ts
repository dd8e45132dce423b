/**
 * Tumbling and sliding window state, pane-based: each key keeps one accumulator per pane of
 * `gcd(size, slide)`, a record updates one pane, and a window fires by merging its panes. The cost
 * per record does not depend on how many windows overlap.
 *
 * @module
 */
import type { Aggregator } from "./aggregator.ts";
import {
  compileShapes,
  forEachRow,
  JSON_STATE,
  NO_STATE,
  type SnapshotColumns,
  toColumns,
} from "./columnar_snapshot.ts";
import { mergeColumns } from "./column_merge.ts";
import { LazyPaneRows } from "./lazy_pane_rows.ts";
import { paneKeyBuilder } from "./pane_columns.ts";
import { type ChangedKeys, clonePlain, type KeyedSnapshot } from "./snapshot.ts";
import { PaneLayout, type SlidingWindows, type TumblingWindows } from "./time_window.ts";
import { TimerQueue } from "./timer_queue.ts";
import { type PaneCell, TwoStacks } from "./two_stacks.ts";

/**
 * Windows of more panes than this fire through a {@linkcode TwoStacks} cache (2 merges a window
 * instead of one per pane); fewer are cheaper to merge directly.
 */
const TWO_STACKS_MIN_PANES = 16;
import type { WindowEngine, WindowResult } from "./window_engine.ts";

interface PaneKey<Acc> {
  /** Panes sorted by start. */
  panes: PaneCell<Acc>[];
  /** End of the next window to fire for this key, or `null` when none. */
  timer: number | null;
  /** Two-stacks cache, for windows of many panes (created at the first firing). */
  cache?: TwoStacks<unknown, Acc>;
}

/** Snapshot of one key: `[paneStart, accumulator]` pairs and the next window end to fire. */
export interface PaneKeySnapshot<Acc> {
  /** Pane accumulators sorted by pane start. */
  readonly panes: ReadonlyArray<readonly [number, Acc]>;
  /** End of the next window to fire, or `null`. */
  readonly timer: number | null;
}

/** Window state for {@linkcode TumblingWindows} and {@linkcode SlidingWindows}. */
export class PaneWindows<In, Acc, Out> implements WindowEngine<In, Out> {
  #layout: PaneLayout;
  #agg: Aggregator<In, Acc, Out>;
  #lateness: number;
  #changed: ChangedKeys;
  #keys = new Map<string, PaneKey<Acc>>();
  #timers = new TimerQueue();
  #twoStacks: boolean;
  /** Restored rows not yet built into `#keys` (a lazy restore), or `null`. */
  #lazy: LazyPaneRows<Acc> | null = null;

  /**
   * @param windows the window kind.
   * @param aggregator how panes accumulate.
   * @param allowedLatenessMs how long after its end a window stays open.
   * @param changed where keys changed by firing are recorded.
   */
  constructor(
    windows: TumblingWindows | SlidingWindows,
    aggregator: Aggregator<In, Acc, Out>,
    allowedLatenessMs: number,
    changed: ChangedKeys,
  ) {
    this.#layout = new PaneLayout(windows);
    this.#twoStacks = this.#layout.sizeMs / this.#layout.paneMs > TWO_STACKS_MIN_PANES;
    this.#agg = aggregator;
    this.#lateness = allowedLatenessMs;
    this.#changed = changed;
  }

  add(
    key: string,
    timeMs: number,
    value: In,
    watermarkMs: number,
    updates: WindowResult<Out>[] | undefined,
  ): boolean {
    const layout = this.#layout;
    if (layout.lastEnd(timeMs) + this.#lateness <= watermarkMs) return false;
    const paneStart = layout.paneStart(timeMs);
    let state = this.#keys.get(key);
    if (state === undefined && this.#lazy !== null) state = this.#takeRestored(key);
    if (state === undefined) {
      state = { panes: [], timer: null };
      this.#keys.set(key, state);
    }
    const panes = state.panes;
    let cell = panes[panes.length - 1];
    if (cell === undefined || cell.start !== paneStart) {
      cell = this.#findOrInsert(panes, paneStart);
      this.#schedule(key, state, this.#firstOpenEnd(paneStart, watermarkMs));
    }
    cell.acc = this.#agg.add(cell.acc, value);
    state.cache?.added(paneStart, value);
    if (updates !== undefined) this.#pushUpdates(key, state, paneStart, watermarkMs, updates);
    return true;
  }

  advance(watermarkMs: number, out: WindowResult<Out>[]): void {
    const lateness = this.#lateness;
    for (;;) {
      const restoredEnd = this.#lazy?.nextDue();
      const restoredAt = restoredEnd === undefined ? Infinity : restoredEnd + lateness;
      const liveAt = this.#timers.peek() ?? Infinity;
      const at = Math.min(restoredAt, liveAt);
      if (!(at <= watermarkMs) || at === Infinity) return;
      const end = at - lateness;
      const live = liveAt === at ? this.#timers.pollDue(watermarkMs)!.keys : [];
      // Restored rows due now fire straight from the columns, merged with the live keys in key
      // order (as one timer bucket of an eager restore would fire them).
      const restored = restoredAt === at ? this.#lazy!.takeDue(restoredEnd!) : [];
      // A key in both (taken, its timer moved and back) fires once: then its timer is later.
      for (let i = 0, j = 0; i < live.length || j < restored.length;) {
        let key: string;
        if (j < restored.length && (i === live.length || restored[j].key < live[i])) {
          const row = restored[j++];
          if (row.state !== undefined) {
            this.#fire(row.key, row.state, end, out, true);
            continue;
          }
          key = row.key; // taken before: its live state fires if its timer is still `end`
        } else key = live[i++];
        const state = this.#keys.get(key);
        if (state !== undefined && state.timer === end) this.#fire(key, state, end, out, false);
      }
      if (this.#lazy?.done) this.#lazy = null;
    }
  }

  snapshotKey(key: string): PaneKeySnapshot<Acc> | null {
    const state = this.#keys.get(key) ?? this.#lazy?.peek(key);
    if (state === undefined) return null;
    return {
      panes: state.panes.map((cell) => [cell.start, clonePlain(cell.acc)] as const),
      timer: state.timer,
    };
  }

  restoreKey(key: string, snapshot: unknown, owned = false): void {
    this.#dropRestored(key);
    if (snapshot === null) {
      this.#keys.delete(key);
      return;
    }
    const data = snapshot as PaneKeySnapshot<Acc>;
    const panes = data.panes.map(([start, acc]) => ({ start, acc: owned ? acc : clonePlain(acc) }));
    const state: PaneKey<Acc> = { panes, timer: data.timer };
    this.#keys.set(key, state);
    if (state.timer !== null) this.#timers.add(state.timer + this.#lateness, key);
  }

  restoreColumns(columns: SnapshotColumns): void {
    const { builders } = compileShapes(columns.header);
    const paneBuilders = columns.header.shapes.map((s) => paneKeyBuilder<Acc>(s));
    const numbers = columns.numbers;
    forEachRow(columns, (key, id, at, json) => {
      const build = paneBuilders[id];
      if (build === undefined || build === null) {
        const state = id === NO_STATE
          ? null
          : id === JSON_STATE
          ? json()
          : builders[id](numbers, at);
        return this.restoreKey(key, state, true);
      }
      const state: PaneKey<Acc> = build(numbers, at);
      this.#dropRestored(key);
      this.#keys.set(key, state);
      if (state.timer !== null) this.#timers.add(state.timer + this.#lateness, key);
    });
  }

  restoreLazy(columns: SnapshotColumns): boolean {
    const lazy = LazyPaneRows.from<Acc>(columns);
    if (lazy === null) return false;
    this.#lazy = lazy.remaining > 0 ? lazy : null;
    return true;
  }

  withRestored(full: KeyedSnapshot<unknown, unknown>): SnapshotColumns | undefined {
    // Taken rows whose timers are pending leave nothing to merge.
    return this.#lazy === null || this.#lazy.remaining === 0
      ? undefined
      : mergeColumns(this.#lazy, toColumns(full));
  }

  keys(): IterableIterator<string> {
    return this.#keys.keys();
  }

  clear(): void {
    this.#keys.clear();
    this.#timers.clear();
    this.#lazy = null;
  }

  /** Builds the restored row of `key` into the live state, if it has one not taken yet. */
  #takeRestored(key: string): PaneKey<Acc> | undefined {
    const lazy = this.#lazy!;
    const state: PaneKey<Acc> | undefined = lazy.take(key);
    if (lazy.done) this.#lazy = null;
    if (state === undefined) return undefined;
    // Its timer stays due in `lazy` (no timer-queue insert per taken key).
    this.#keys.set(key, state);
    return state;
  }

  /** Forgets the restored row of `key` (its state is being replaced). */
  #dropRestored(key: string): void {
    if (this.#lazy === null) return;
    this.#lazy.drop(key);
    if (this.#lazy.done) this.#lazy = null;
  }

  /** The first window holding `paneStart` that has not closed at `watermarkMs`. */
  #firstOpenEnd(paneStart: number, watermarkMs: number): number {
    const first = this.#layout.nextEndAfter(paneStart);
    const closedUpTo = watermarkMs - this.#lateness;
    if (!Number.isFinite(closedUpTo)) return first;
    return Math.max(first, this.#layout.nextEndAfter(closedUpTo));
  }

  #schedule(key: string, state: PaneKey<Acc>, end: number): void {
    if (state.timer !== null && state.timer <= end) return;
    state.timer = end;
    this.#timers.add(end + this.#lateness, key);
  }

  #findOrInsert(panes: PaneCell<Acc>[], start: number): PaneCell<Acc> {
    let i = panes.length;
    while (i > 0 && panes[i - 1].start > start) i--;
    if (i > 0 && panes[i - 1].start === start) return panes[i - 1];
    const cell = { start, acc: this.#agg.createAccumulator() };
    panes.splice(i, 0, cell);
    return cell;
  }

  /** The aggregate of the key's panes inside `[start, end)`, or `undefined` if there are none. */
  #windowValue(panes: PaneCell<Acc>[], start: number, end: number): { value: Out } | undefined {
    let only: PaneCell<Acc> | undefined;
    let merged: Acc | undefined;
    for (const cell of panes) {
      if (cell.start < start) continue;
      if (cell.start >= end) break;
      if (only === undefined) {
        only = cell;
      } else {
        merged ??= this.#agg.merge(this.#agg.createAccumulator(), only.acc);
        merged = this.#agg.merge(merged, cell.acc);
      }
    }
    if (only === undefined) return undefined;
    return { value: this.#agg.getResult(merged ?? only.acc) };
  }

  /** Fires `key`'s window ending at `end`; `restored`: its state is not in `#keys` yet. */
  #fire(
    key: string,
    state: PaneKey<Acc>,
    end: number,
    out: WindowResult<Out>[],
    restored: boolean,
  ): void {
    const layout = this.#layout;
    const start = end - layout.sizeMs;
    let result: { value: Out } | undefined;
    if (this.#twoStacks) {
      state.cache ??= new TwoStacks(this.#agg as Aggregator<unknown, Acc, Out>);
      const acc = state.cache.window(state.panes, start, end);
      if (acc !== undefined) result = { value: this.#agg.getResult(acc) };
    } else result = this.#windowValue(state.panes, start, end);
    if (result !== undefined) {
      out.push({ key, window: { start, end }, value: result.value, final: true });
    }
    const panes = state.panes;
    let drop = 0;
    while (drop < panes.length && layout.lastEnd(panes[drop].start) <= end) drop++;
    if (drop > 0) panes.splice(0, drop);
    this.#changed.add(key);
    if (panes.length === 0) {
      if (!restored) this.#keys.delete(key);
      return;
    }
    if (restored) this.#keys.set(key, state);
    state.timer = Math.max(end + layout.slideMs, layout.nextEndAfter(panes[0].start));
    this.#timers.add(state.timer + this.#lateness, key);
  }

  #pushUpdates(
    key: string,
    state: PaneKey<Acc>,
    paneStart: number,
    watermarkMs: number,
    updates: WindowResult<Out>[],
  ): void {
    const layout = this.#layout;
    const last = layout.lastEnd(paneStart);
    for (let end = this.#firstOpenEnd(paneStart, watermarkMs); end <= last; end += layout.slideMs) {
      const start = end - layout.sizeMs;
      const result = this.#windowValue(state.panes, start, end)!;
      updates.push({ key, window: { start, end }, value: result.value, final: false });
    }
  }
}
