/**
 * Restoring pane-window state straight from a columnar snapshot: for the shape of a pane key's
 * snapshot (`{ panes: [[start, acc], ...], timer }`), a builder that makes the live pane cells
 * directly from the number column, skipping the `[start, acc]` pairs and the snapshot object a
 * generic rebuild would allocate (and throw away) per key.
 *
 * @module
 */
import { compileShape, type Shape, slotCount } from "./state_shape.ts";
import type { PaneCell } from "./two_stacks.ts";

/** A pane key's live state as built from columns. */
export interface BuiltPaneKey<Acc> {
  /** Pane cells sorted by start. */
  panes: PaneCell<Acc>[];
  /** End of the next window to fire, or `null`. */
  timer: number | null;
}

/** Builds a pane key's live state from `numbers` at `base`. */
export type PaneKeyBuilder<Acc> = (numbers: Float64Array, base: number) => BuiltPaneKey<Acc>;

/** Where a pane key's state sits among its shape's numbers, and how to build it. */
export interface PaneKeyLayout<Acc> {
  /** Builds the key's live state. */
  build: PaneKeyBuilder<Acc>;
  /** The timer's number, relative to the key's first one, or `-1` when the timer is `null`. */
  timerSlot: number;
}

/**
 * The builder for `shape` if it is the shape of a pane key snapshot, else `null` (then the
 * generic shape builder and `restoreKey` apply).
 */
export function paneKeyBuilder<Acc>(shape: Shape): PaneKeyBuilder<Acc> | null {
  return paneKeyLayout<Acc>(shape)?.build ?? null;
}

/** The layout of `shape` if it is the shape of a pane key snapshot, else `null`. */
export function paneKeyLayout<Acc>(shape: Shape): PaneKeyLayout<Acc> | null {
  if (shape[0] !== "o" || (shape[1] as readonly string[]).join() !== "panes,timer") return null;
  const [, , panes, timer] = shape as readonly ["o", string[], Shape, Shape];
  if (panes[0] !== "a") return null;
  const cells: Array<{ start: number; acc: (n: Float64Array, b: number) => unknown }> = [];
  let slot = 0;
  for (const cell of panes.slice(1) as Shape[]) {
    if (cell[0] !== "a" || cell.length !== 3 || (cell[1] as Shape)[0] !== "n") return null;
    const acc = cell[2] as Shape;
    cells.push({ start: slot, acc: compileShape(acc, slot + 1) });
    slot += 1 + slotCount(acc);
  }
  let timerAt: number | null;
  if (timer[0] === "n") timerAt = slot;
  else if (timer[0] === "c" && timer[1] === null) timerAt = null;
  else return null;
  const timerSlot = timerAt ?? -1;
  if (cells.length === 1) {
    const [{ start, acc }] = cells;
    return {
      timerSlot,
      build: (n, b) => ({
        panes: [{ start: n[b + start], acc: acc(n, b) as Acc }],
        timer: timerAt === null ? null : n[b + timerAt],
      }),
    };
  }
  return {
    timerSlot,
    build: (n, b) => ({
      panes: cells.map(({ start, acc }) => ({ start: n[b + start], acc: acc(n, b) as Acc })),
      timer: timerAt === null ? null : n[b + timerAt],
    }),
  };
}
