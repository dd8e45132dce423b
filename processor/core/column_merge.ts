/**
 * A full snapshot of lazily restored state as columns: the restored rows not yet taken, copied
 * from the restored columns in ranges (bulk typed-array copies, no per-key objects), merged in
 * key order with the columns of the live keys.
 *
 * @module
 */
import { compileShapes, type SnapshotColumns } from "./columnar_snapshot.ts";

/** The restored rows a merge copies from. */
export interface RestoredRows {
  /** The restored columns (no JSON rows). */
  readonly columns: SnapshotColumns;
  /** Per row: 1 when taken (not copied). */
  readonly taken: Uint8Array;
  /** Per row: the index of its first number. */
  readonly rowAt: Uint32Array;
}

/**
 * The columns of `live` (sorted, disjoint from the untaken restored rows) merged with the rows
 * of `restored` not taken, in key order; the header is `live`'s with the shapes of both.
 */
export function mergeColumns(restored: RestoredRows, live: SnapshotColumns): SnapshotColumns {
  const base = restored.columns, taken = restored.taken;
  const { slots } = compileShapes(base.header);
  const shapes = [...base.header.shapes];
  const known = new Map(shapes.map((s, i) => [JSON.stringify(s), i]));
  const liveIds = live.header.shapes.map((s) => {
    const text = JSON.stringify(s);
    return known.get(text) ?? (known.set(text, shapes.push(s) - 1), shapes.length - 1);
  });
  let count = live.header.count, bytes = live.keyBytes.length, numbers = live.numbers.length;
  for (let row = 0; row < base.header.count; row++) {
    if (taken[row] === 1) continue;
    count++;
    bytes += base.keyOffsets[row + 1] - base.keyOffsets[row];
    numbers += slots[base.shapeIds[row]];
  }
  const out = {
    keyBytes: new Uint8Array(bytes),
    keyOffsets: new Uint32Array(count + 1),
    shapeIds: new Uint32Array(count),
    numbers: new Float64Array(numbers),
  };
  const w = { row: 0, byte: 0, number: 0 };
  let row = 0;
  for (let j = 0; j <= live.header.count; j++) {
    const until = j === live.header.count ? base.header.count : lowerBound(base, row, live, j);
    copyBaseRows(restored, row, until, out, w);
    row = until;
    if (j < live.header.count) copyLiveRow(live, j, liveIds, out, w);
  }
  return {
    header: { ...live.header, count, shapes },
    ...out,
    json: live.json,
  };
}

type Out = {
  keyBytes: Uint8Array;
  keyOffsets: Uint32Array;
  shapeIds: Uint32Array;
  numbers: Float64Array;
};
type Cursor = { row: number; byte: number; number: number };

/** Copies the untaken rows of `[from, to)` in runs of consecutive untaken rows. */
function copyBaseRows(restored: RestoredRows, from: number, to: number, out: Out, w: Cursor) {
  const { columns: base, taken, rowAt } = restored;
  const numbersEnd = (row: number) => row < base.header.count ? rowAt[row] : base.numbers.length;
  let row = from;
  while (row < to) {
    while (row < to && taken[row] === 1) row++;
    const start = row;
    while (row < to && taken[row] === 0) row++;
    if (row === start) break;
    const b0 = base.keyOffsets[start], b1 = base.keyOffsets[row];
    out.keyBytes.set(base.keyBytes.subarray(b0, b1), w.byte);
    for (let r = start; r < row; r++) {
      out.keyOffsets[w.row + r - start + 1] = w.byte + base.keyOffsets[r + 1] - b0;
    }
    out.shapeIds.set(base.shapeIds.subarray(start, row), w.row);
    const n0 = rowAt[start], n1 = numbersEnd(row);
    out.numbers.set(base.numbers.subarray(n0, n1), w.number);
    w.row += row - start;
    w.byte += b1 - b0;
    w.number += n1 - n0;
  }
}

function copyLiveRow(live: SnapshotColumns, j: number, ids: number[], out: Out, w: Cursor) {
  const b0 = live.keyOffsets[j], b1 = live.keyOffsets[j + 1];
  out.keyBytes.set(live.keyBytes.subarray(b0, b1), w.byte);
  w.byte += b1 - b0;
  out.keyOffsets[w.row + 1] = w.byte;
  const id = live.shapeIds[j];
  out.shapeIds[w.row] = id < ids.length ? ids[id] : id; // JSON_STATE and NO_STATE stay
  w.row++;
  const n0 = liveNumberAt(live, j), n1 = liveNumberAt(live, j + 1);
  out.numbers.set(live.numbers.subarray(n0, n1), w.number);
  w.number += n1 - n0;
}

const liveStarts = new WeakMap<SnapshotColumns, Uint32Array>();

/** The first number of live row `j` (row starts computed once per live columns). */
function liveNumberAt(live: SnapshotColumns, j: number): number {
  let starts = liveStarts.get(live);
  if (starts === undefined) {
    const { slots } = compileShapes(live.header);
    starts = new Uint32Array(live.header.count + 1);
    for (let i = 0; i < live.header.count; i++) {
      const id = live.shapeIds[i];
      starts[i + 1] = starts[i] + (id < slots.length ? slots[id] : 0);
    }
    liveStarts.set(live, starts);
  }
  return starts[j];
}

/** The first base row at or after `from` whose key sorts after live key `j` (galloping search). */
function lowerBound(base: SnapshotColumns, from: number, live: SnapshotColumns, j: number): number {
  const n = base.header.count;
  const before = (row: number) => compareKeys(base, row, live, j) < 0;
  let step = 1, lo = from;
  while (lo + step - 1 < n && before(lo + step - 1)) {
    lo += step;
    step *= 2;
  }
  let hi = Math.min(n, lo + step - 1);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Compares two keys given as UTF-8 bytes in the order of JS strings (UTF-16 code units), the
 * order snapshots sort keys in. UTF-8 byte order agrees with it except between a character
 * above U+FFFF (a surrogate pair in UTF-16) and one in U+E000..U+FFFF.
 */
function compareKeys(a: SnapshotColumns, i: number, b: SnapshotColumns, j: number): number {
  const ab = a.keyBytes, bb = b.keyBytes;
  const a0 = a.keyOffsets[i], a1 = a.keyOffsets[i + 1];
  const b0 = b.keyOffsets[j], b1 = b.keyOffsets[j + 1];
  const n = Math.min(a1 - a0, b1 - b0);
  for (let k = 0; k < n; k++) {
    const x = ab[a0 + k], y = bb[b0 + k];
    if (x === y) continue;
    if (x >= 0xf0 && (y === 0xee || y === 0xef)) return -1;
    if (y >= 0xf0 && (x === 0xee || x === 0xef)) return 1;
    return x - y;
  }
  return (a1 - a0) - (b1 - b0);
}
