/**
 * Sliding-window aggregation over one key's panes in O(1) merges per fired window (amortised),
 * instead of one merge per pane: the "two stacks" scheme. Panes before `frontEnd` carry suffix
 * aggregates (each pane merged with every later one up to `frontEnd`), computed once when the
 * window passes `frontEnd`; panes from `frontEnd` to `backEnd` are folded into one running `back`
 * accumulator as windows reach them. A window is then `suffix(first pane) + back`. For a
 * 10 min / 1 s window that is 2 merges instead of 600.
 *
 * A record that lands in a pane already folded into `back` is added to `back` too; one that lands
 * in the front (late, within the out-of-orderness bound) invalidates the suffixes, rebuilt at the
 * next window. The cache is derived data: snapshots never hold it.
 *
 * @module
 */
import type { Aggregator } from "./aggregator.ts";

/** One pane of a key: its start and accumulator, plus the cache's suffix aggregate. */
export interface PaneCell<Acc> {
  /** Pane start (ms). */
  readonly start: number;
  /** The pane's accumulator. */
  acc: Acc;
  /** Merge of this pane and the later ones before the cache's `frontEnd` (two-stacks only). */
  suffix?: Acc;
}

/** The two-stacks cache of one key (see the module doc). */
export class TwoStacks<In, Acc> {
  #agg: Aggregator<In, Acc, unknown>;
  #frontEnd = -Infinity;
  #backEnd = -Infinity;
  #back: Acc | null = null;
  #valid = false;

  /** @param aggregator how panes merge. */
  constructor(aggregator: Aggregator<In, Acc, unknown>) {
    this.#agg = aggregator;
  }

  /** Tells the cache that `value` was added to the pane starting at `paneStart`. */
  added(paneStart: number, value: In): void {
    if (!this.#valid || paneStart >= this.#backEnd) return;
    if (paneStart < this.#frontEnd) {
      this.#valid = false;
      return;
    }
    this.#back = this.#agg.add(this.#back ?? this.#agg.createAccumulator(), value);
  }

  /**
   * A fresh accumulator merging the panes in `[start, end)`, or `undefined` when there are none.
   * Windows must be asked for in increasing `end` order (as they fire).
   */
  window(panes: PaneCell<Acc>[], start: number, end: number): Acc | undefined {
    let first = 0;
    while (first < panes.length && panes[first].start < start) first++;
    if (first === panes.length || panes[first].start >= end) return undefined;
    if (!this.#valid || panes[first].start >= this.#frontEnd || end < this.#backEnd) {
      this.#rebuild(panes, first, end);
    } else {
      // Only the panes from backEnd on are new; scan back from the newest, not over the window.
      let i = panes.length - 1;
      while (i > first && panes[i].start >= this.#backEnd) i--;
      for (i++; i < panes.length && panes[i].start < end; i++) {
        this.#back = this.#agg.merge(this.#back ?? this.#agg.createAccumulator(), panes[i].acc);
      }
      this.#backEnd = end;
    }
    const acc = this.#agg.merge(this.#agg.createAccumulator(), panes[first].suffix!);
    return this.#back === null ? acc : this.#agg.merge(acc, this.#back);
  }

  #rebuild(panes: PaneCell<Acc>[], first: number, end: number): void {
    let last = first;
    while (last + 1 < panes.length && panes[last + 1].start < end) last++;
    let next: Acc | undefined;
    for (let i = last; i >= first; i--) {
      const suffix = this.#agg.merge(this.#agg.createAccumulator(), panes[i].acc);
      panes[i].suffix = next === undefined ? suffix : this.#agg.merge(suffix, next);
      next = panes[i].suffix;
    }
    this.#frontEnd = this.#backEnd = end;
    this.#back = null;
    this.#valid = true;
  }
}
