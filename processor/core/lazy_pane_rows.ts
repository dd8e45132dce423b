/**
 * Pane-window state restored lazily, as a RocksDB-backed Flink task does not load every key at
 * start: the restored snapshot's columns stay as they are (typed-array views over the
 * checkpoint file's bytes), with a {@linkcode KeyIndex} over their keys and the rows' firing
 * times sorted once. A key's state is built into the live structures only when a record for it
 * arrives or its window fires; its row is then marked taken. A row taken by a record keeps its
 * restored timer in the sorted firing times (the owner's timer queue gets no entry per taken key,
 * and a restored window does not sort every key due at once): when it comes, the key is returned
 * without state and its live state fires if its timer is still that one. Rows never taken are
 * written to the next full snapshot straight from the columns (`column_merge.ts`).
 *
 * Checkpoints stay as they were: a key changes only once taken, so a delta (changed keys) never
 * needs an untaken row, which is still in the chain's base file; a full snapshot is captured
 * synchronously as fresh columns (the restored ones are never written to), so the crash analysis
 * of `runtime/checkpoint.ts` holds unchanged.
 *
 * @module
 */
import { JSON_STATE, NO_STATE, type SnapshotColumns } from "./columnar_snapshot.ts";
import { KeyIndex } from "./key_index.ts";
import { type BuiltPaneKey, type PaneKeyBuilder, paneKeyLayout } from "./pane_columns.ts";
import { SnapshotError } from "./snapshot.ts";
import { slotCount } from "./state_shape.ts";

/** A restored row whose timer is due. */
export interface DueRow<Acc> {
  /** The key. */
  readonly key: string;
  /**
   * Its state, built from the columns; `undefined` when the row was taken before (its state is
   * live, and fires if its timer is still this one).
   */
  readonly state: BuiltPaneKey<Acc> | undefined;
}

const decoder = new TextDecoder();

/** The rows of a restored pane-window snapshot not yet taken into live state. */
export class LazyPaneRows<Acc> {
  /** The restored columns. */
  readonly columns: SnapshotColumns;
  /** Per row: 1 once taken (its state is live, gone, or it had none). */
  readonly taken: Uint8Array;
  /** Per row: the index of its first number. */
  readonly rowAt: Uint32Array;
  readonly #builders: PaneKeyBuilder<Acc>[];
  readonly #index: KeyIndex;
  readonly #due: Uint32Array; // rows with a timer, by timer then row
  readonly #dueAt: Float64Array; // their timers
  /**
   * Per row: 1 when taken but its restored timer is still to fire from the cursor. A taken key
   * keeps its timer here instead of a timer-queue insert (and the queue's sort of every key due
   * at once when a restored window fires).
   */
  readonly #pending: Uint8Array;
  #pendingCount = 0;
  #cursor = 0;
  #remaining: number;

  private constructor(
    columns: SnapshotColumns,
    builders: PaneKeyBuilder<Acc>[],
    rowAt: Uint32Array,
    taken: Uint8Array,
    timers: Float64Array,
  ) {
    this.columns = columns;
    this.#builders = builders;
    this.rowAt = rowAt;
    this.taken = taken;
    this.#pending = new Uint8Array(taken.length);
    let remaining = 0;
    for (let row = 0; row < taken.length; row++) remaining += 1 - taken[row];
    this.#remaining = remaining;
    this.#index = new KeyIndex(columns.keyBytes, columns.keyOffsets, (row) => taken[row] === 0);
    [this.#due, this.#dueAt] = sortByTimer(timers);
  }

  /**
   * The lazy rows of `columns`, or `null` when a row's state is not a pane key's (JSON, or an
   * unknown shape): then the caller restores eagerly.
   *
   * @throws {SnapshotError} when the columns do not fit together (a damaged snapshot).
   */
  static from<Acc>(columns: SnapshotColumns): LazyPaneRows<Acc> | null {
    const { header, keyBytes, keyOffsets, shapeIds, numbers } = columns;
    const fail = (why: string): never => {
      throw new SnapshotError(`Cannot decode ${header.kind} snapshot: ${why}`);
    };
    const count = header.count;
    if (keyOffsets.length !== count + 1 || shapeIds.length !== count) fail("column sizes differ");
    const layouts = header.shapes.map((s) => paneKeyLayout<Acc>(s));
    if (layouts.some((l) => l === null)) return null;
    const slots = header.shapes.map(slotCount);
    const timerSlots = layouts.map((l) => l!.timerSlot);
    const rowAt = new Uint32Array(count);
    const taken = new Uint8Array(count);
    const timers = new Float64Array(count).fill(NaN);
    if (keyOffsets[0] !== 0 || keyOffsets[count] !== keyBytes.length) fail("bad key offsets");
    let at = 0;
    for (let row = 0; row < count; row++) {
      if (keyOffsets[row + 1] < keyOffsets[row]) fail("key offsets decrease");
      const id = shapeIds[row];
      rowAt[row] = at;
      if (id === NO_STATE) {
        taken[row] = 1;
        continue;
      }
      if (id === JSON_STATE) return null;
      if (id >= slots.length) fail(`key ${row} has shape ${id}`);
      if (timerSlots[id] >= 0) timers[row] = numbers[at + timerSlots[id]];
      at += slots[id];
    }
    if (at !== numbers.length) {
      fail(`its states use ${at} numbers, the column holds ${numbers.length}`);
    }
    return new LazyPaneRows(columns, layouts.map((l) => l!.build), rowAt, taken, timers);
  }

  /** Rows not taken yet. */
  get remaining(): number {
    return this.#remaining;
  }

  /** Whether every row is taken and no taken row's timer is still to fire from the cursor. */
  get done(): boolean {
    return this.#remaining === 0 && this.#pendingCount === 0;
  }

  /**
   * Takes the row of `key`: its state, or `undefined` when there is none (or it was taken). Its
   * timer (if any) stays due here: {@linkcode takeDue} returns the key when it comes.
   */
  take(key: string): BuiltPaneKey<Acc> | undefined {
    const row = this.#find(key);
    if (row < 0) return undefined;
    this.#mark(row);
    const state = this.#build(row);
    if (state.timer !== null) {
      this.#pending[row] = 1;
      this.#pendingCount++;
    }
    return state;
  }

  /** The state of `key`'s row without taking it. */
  peek(key: string): BuiltPaneKey<Acc> | undefined {
    const row = this.#find(key);
    return row < 0 ? undefined : this.#build(row);
  }

  /** Takes the row of `key` without building its state (a restore replaced it). */
  drop(key: string): void {
    const row = this.#find(key);
    if (row >= 0) this.#mark(row);
  }

  /** The earliest restored timer (window end) of a row not taken or pending, or `undefined`. */
  nextDue(): number | undefined {
    const due = this.#due, taken = this.taken, pending = this.#pending;
    while (this.#cursor < due.length) {
      const row = due[this.#cursor];
      if (taken[row] === 0 || pending[row] === 1) break;
      this.#cursor++;
    }
    return this.#cursor < due.length ? this.#dueAt[this.#cursor] : undefined;
  }

  /**
   * The rows whose restored timer is `end` (the earliest), in key order: those not taken are
   * taken (with their state), those taken before come without state (their state is live).
   */
  takeDue(end: number): DueRow<Acc>[] {
    const due = this.#due, dueAt = this.#dueAt, taken = this.taken, pending = this.#pending;
    const out: DueRow<Acc>[] = [];
    for (; this.#cursor < due.length && dueAt[this.#cursor] === end; this.#cursor++) {
      const row = due[this.#cursor];
      if (pending[row] === 1) {
        pending[row] = 0;
        this.#pendingCount--;
        out.push({ key: this.#key(row), state: undefined });
      } else if (taken[row] === 0) {
        this.#mark(row);
        out.push({ key: this.#key(row), state: this.#build(row) });
      }
    }
    return out;
  }

  /** The keys of the rows not taken, in order. */
  *keys(): IterableIterator<string> {
    for (let row = 0; row < this.taken.length; row++) {
      if (this.taken[row] === 0) yield this.#key(row);
    }
  }

  #find(key: string): number {
    const row = this.#index.find(key);
    return row < 0 || this.taken[row] === 1 ? -1 : row;
  }

  #mark(row: number): void {
    this.taken[row] = 1;
    this.#remaining--;
  }

  #build(row: number): BuiltPaneKey<Acc> {
    return this.#builders[this.columns.shapeIds[row]](this.columns.numbers, this.rowAt[row]);
  }

  #key(row: number): string {
    const { keyBytes, keyOffsets } = this.columns;
    return decoder.decode(keyBytes.subarray(keyOffsets[row], keyOffsets[row + 1]));
  }
}

/**
 * The rows with a timer (not NaN), sorted by timer then row, and their timers. Integer timers
 * in a range that fits are packed as `(timer - min) * n + i` into one `Float64Array` and sorted
 * natively (no comparator call per comparison); otherwise an index sort with a comparator.
 */
function sortByTimer(timers: Float64Array): [Uint32Array, Float64Array] {
  let n = 0, min = Infinity, max = -Infinity, integers = true;
  for (let row = 0; row < timers.length; row++) {
    const t = timers[row];
    if (t !== t) continue;
    n++;
    if (t < min) min = t;
    if (t > max) max = t;
    if (!Number.isInteger(t)) integers = false;
  }
  const rows = new Uint32Array(n);
  for (let row = 0, i = 0; row < timers.length; row++) {
    if (timers[row] === timers[row]) rows[i++] = row;
  }
  const at = new Float64Array(n);
  if (n > 0 && integers && (max - min + 1) * n <= Number.MAX_SAFE_INTEGER) {
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[i] = (timers[rows[i]] - min) * n + i;
    packed.sort();
    const sorted = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const p = packed[i], slot = p % n;
      sorted[i] = rows[slot];
      at[i] = min + (p - slot) / n;
    }
    return [sorted, at];
  }
  rows.sort((a, b) => timers[a] - timers[b] || a - b);
  for (let i = 0; i < n; i++) at[i] = timers[rows[i]];
  return [rows, at];
}
