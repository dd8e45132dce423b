/**
 * The columnar form of a {@linkcode KeyedSnapshot} (Flink savepoints keep keyed state the same
 * way: keys and serialized values in bulk, not as one document): keys as one UTF-8 blob plus
 * offsets, one shape id per key, every key's numbers in one `Float64Array`, and the rare state
 * no shape describes as JSON. The state layer frames these columns in a checkpoint file and
 * reads them back as typed-array views over the file's bytes; {@linkcode fromColumns} builds the
 * per-key state straight from those views. Pure: no I/O.
 *
 * @module
 */
import { type KeyedSnapshot, SnapshotError } from "./snapshot.ts";
import {
  checkShape,
  compileShape,
  fillNumbers,
  type Shape,
  type ShapeBuilder,
  shapeOf,
  slotCount,
} from "./state_shape.ts";

/** Shape id of a key without state (`[key, null]` in a delta). */
export const NO_STATE = 0xffff_ffff;
/** Shape id of a key whose state is stored as JSON (no shape describes it, or too many shapes). */
export const JSON_STATE = 0xffff_fffe;
/** More distinct shapes than this in one snapshot and further ones are stored as JSON. */
export const MAX_SHAPES = 4096;

/** The scalar part of a columnar snapshot: everything but the columns, JSON-able. */
export interface ColumnarHeader {
  /** The snapshot's format version. */
  readonly version: number;
  /** The operator kind that wrote it. */
  readonly kind: string;
  /** Whether it lists every key. */
  readonly full: boolean;
  /** The operator's scalar state. */
  readonly meta: unknown;
  /** Number of keys. */
  readonly count: number;
  /** The shapes the shape ids refer to. */
  readonly shapes: readonly Shape[];
}

/** A keyed snapshot as columns. */
export interface SnapshotColumns {
  /** Everything but the columns. */
  readonly header: ColumnarHeader;
  /** The keys, UTF-8, one after the other, sorted. */
  readonly keyBytes: Uint8Array;
  /** `count + 1` byte offsets into `keyBytes`: key `i` is `[keyOffsets[i], keyOffsets[i + 1])`. */
  readonly keyOffsets: Uint32Array;
  /** Per key: an index into `shapes`, {@linkcode NO_STATE} or {@linkcode JSON_STATE}. */
  readonly shapeIds: Uint32Array;
  /** The numbers of every shaped key's state, in key order. */
  readonly numbers: Float64Array;
  /** UTF-8 JSON array of the states with id {@linkcode JSON_STATE}, in key order. */
  readonly json: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Turns `snapshot` into columns; the snapshot is only read. */
export function toColumns(snapshot: KeyedSnapshot<unknown, unknown>): SnapshotColumns {
  const entries = snapshot.keys;
  const count = entries.length;
  const shapes: Shape[] = [];
  const slots: number[] = [];
  const shapeIds = new Uint32Array(count);
  const jsonStates: unknown[] = [];
  let numbers = new Float64Array(Math.max(16, count * 4));
  let used = 0;
  let last = -1; // most keys have the previous key's shape: try it first
  for (let i = 0; i < count; i++) {
    const state = entries[i][1];
    if (state === null) {
      shapeIds[i] = NO_STATE;
      continue;
    }
    const fits = (id: number) => {
      if (used + slots[id] > numbers.length) numbers = grow(numbers, used + slots[id]);
      return fillNumbers(shapes[id], state, numbers, used) >= 0;
    };
    let id = last >= 0 && fits(last) ? last : -1;
    for (let s = 0; id < 0 && s < shapes.length; s++) if (s !== last && fits(s)) id = s;
    if (id < 0) {
      const shape = shapes.length < MAX_SHAPES ? shapeOf(state) : null;
      if (shape === null) {
        shapeIds[i] = JSON_STATE;
        jsonStates.push(state);
        continue;
      }
      id = shapes.push(shape) - 1;
      slots.push(slotCount(shape));
      if (used + slots[id] > numbers.length) numbers = grow(numbers, used + slots[id]);
      fillNumbers(shape, state, numbers, used);
    }
    shapeIds[i] = id;
    used += slots[id];
    last = id;
  }
  const { keyBytes, keyOffsets } = encodeKeys(entries);
  return {
    header: {
      version: snapshot.version,
      kind: snapshot.kind,
      full: snapshot.full,
      meta: snapshot.meta,
      count,
      shapes,
    },
    keyBytes,
    keyOffsets,
    shapeIds,
    numbers: numbers.subarray(0, used),
    json: jsonStates.length === 0 ? new Uint8Array(0) : encoder.encode(JSON.stringify(jsonStates)),
  };
}

function grow(numbers: Float64Array, needed: number): Float64Array<ArrayBuffer> {
  const bigger = new Float64Array(Math.max(needed, numbers.length * 2));
  bigger.set(numbers);
  return bigger;
}

/** All keys in one blob: one `encode` of the joined keys, offsets by length when all ASCII. */
function encodeKeys(entries: KeyedSnapshot<unknown, unknown>["keys"]) {
  const keys = entries.map(([key]) => key);
  const keyBytes = encoder.encode(keys.join(""));
  const keyOffsets = new Uint32Array(keys.length + 1);
  const ascii = keyBytes.length === keys.reduce((n, k) => n + k.length, 0);
  let at = 0;
  for (let i = 0; i < keys.length; i++) {
    at += ascii ? keys[i].length : encoder.encode(keys[i]).length;
    keyOffsets[i + 1] = at;
  }
  return { keyBytes, keyOffsets };
}

/**
 * The snapshot of `columns`, with the columns attached: an operator that knows them
 * ({@linkcode KeyedSnapshot.columns}) builds its live state straight from them; for anyone else
 * `keys` is built on first access. Each state is built fresh from the number column (nothing
 * aliases the columns or another key), so the result is the caller's to own.
 *
 * @throws {SnapshotError} when the columns do not fit together (a damaged snapshot).
 */
export function fromColumns(columns: SnapshotColumns): KeyedSnapshot<unknown, unknown> {
  const { header, keyOffsets, shapeIds } = columns;
  if (keyOffsets.length !== header.count + 1 || shapeIds.length !== header.count) {
    throw new SnapshotError(
      `Cannot decode ${header.kind} snapshot: ${header.count} keys but ${keyOffsets.length} key ` +
        `offsets and ${shapeIds.length} shape ids`,
    );
  }
  compileShapes(header); // fail now, not on first access
  let keys: Array<[string, unknown]> | undefined;
  const snapshot = {
    version: header.version as 1,
    kind: header.kind,
    full: header.full,
    meta: header.meta,
    get keys() {
      return keys ??= materialize(columns);
    },
  };
  // Not enumerable: a copy (`{ ...snapshot, keys }`) or JSON of it must not carry stale columns.
  return Object.defineProperty(snapshot, "columns", { value: columns, enumerable: false });
}

/**
 * Restores every row of `columns` through `restoreKey` (`null` for a key without state), each
 * state built fresh: the generic path of an operator that has no shape-specific one.
 */
export function restoreRows(
  columns: SnapshotColumns,
  restoreKey: (key: string, state: unknown) => void,
): void {
  const { builders } = compileShapes(columns.header);
  forEachRow(columns, (key, id, at, json) => {
    restoreKey(
      key,
      id === NO_STATE ? null : id === JSON_STATE ? json() : builders[id](columns.numbers, at),
    );
  });
}

/** The compiled shapes of `header`, and their number counts. */
export function compileShapes(
  header: ColumnarHeader,
): { builders: ShapeBuilder[]; slots: number[] } {
  try {
    const shapes = header.shapes.map(checkShape);
    return { builders: shapes.map((s) => compileShape(s)), slots: shapes.map(slotCount) };
  } catch (e) {
    throw new SnapshotError(`Cannot decode ${header.kind} snapshot: ${(e as Error).message}`);
  }
}

/**
 * Visits every key of `columns` in order with the place of its state: `row(key, id, at)` gets
 * the shape id (or {@linkcode NO_STATE}/{@linkcode JSON_STATE}) and the index of its first
 * number; `json(i)` returns the `i`-th JSON state. The column sizes are checked at the end.
 *
 * @throws {SnapshotError} when a shape id or the column sizes do not fit.
 */
export function forEachRow(
  columns: SnapshotColumns,
  row: (key: string, id: number, at: number, json: () => unknown) => void,
): void {
  const { header, keyBytes, keyOffsets, shapeIds, numbers } = columns;
  const { slots } = compileShapes(header);
  const keys = decodeKeys(keyBytes, keyOffsets, header.kind);
  const jsonStates = columns.json.length === 0 ? [] : JSON.parse(decoder.decode(columns.json));
  let at = 0, j = 0;
  const nextJson = () => jsonStates[j++];
  for (let i = 0; i < header.count; i++) {
    const id = shapeIds[i];
    if (id !== NO_STATE && id !== JSON_STATE && id >= slots.length) {
      throw new SnapshotError(`Cannot decode ${header.kind} snapshot: key ${i} has shape ${id}`);
    }
    row(keys[i], id, at, nextJson);
    if (id < slots.length) at += slots[id];
  }
  if (at !== numbers.length || j > jsonStates.length) {
    throw new SnapshotError(
      `Cannot decode ${header.kind} snapshot: its states use ${at} numbers and ${j} JSON ` +
        `values, the columns hold ${numbers.length} and ${jsonStates.length}`,
    );
  }
}

function materialize(columns: SnapshotColumns): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  restoreRows(columns, (key, state) => out.push([key, state]));
  return out;
}

/** Keys of `columns` that hold state (not {@linkcode NO_STATE}). */
export function liveCount(columns: SnapshotColumns): number {
  let n = 0;
  for (const id of columns.shapeIds) if (id !== NO_STATE) n++;
  return n;
}

/** The keys of the blob (checked): one decode, then slices when it is ASCII (offsets are then indices). */
export function decodeKeys(bytes: Uint8Array, offsets: Uint32Array, kind: string): string[] {
  const count = offsets.length - 1;
  if (offsets[0] !== 0 || offsets[count] !== bytes.length) {
    throw new SnapshotError(`Cannot decode ${kind} snapshot: key offsets do not span the keys`);
  }
  const text = decoder.decode(bytes);
  const ascii = text.length === bytes.length;
  const keys = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const from = offsets[i], to = offsets[i + 1];
    if (to < from) throw new SnapshotError(`Cannot decode ${kind} snapshot: key offsets decrease`);
    keys[i] = ascii ? text.slice(from, to) : decoder.decode(bytes.subarray(from, to));
  }
  return keys;
}
