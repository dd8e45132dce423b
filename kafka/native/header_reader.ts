/**
 * Reads the headers of a whole consumed batch into {@linkcode HeaderColumns}. The public API
 * takes one FFI call per header (`rd_kafka_header_get_all`) plus a C-string read and a copy; here
 * librdkafka's header lists are read as memory instead, one pass per level, each copied with one
 * copy per run of nearby memory ({@linkcode RegionCopier}):
 *
 * ```c
 * struct rd_kafka_headers_s {        // rd_list_t first:
 *   int rl_size; int rl_cnt;         //  0, 4
 *   void **rl_elems;                 //  8
 *   ...
 * };
 * struct rd_kafka_header_s {
 *   size_t rkhdr_ser_size;           //  0
 *   size_t rkhdr_value_size;         //  8
 *   size_t rkhdr_name_size;          // 16
 *   char *rkhdr_value;               // 24 (NULL for a null value)
 *   char rkhdr_name[];               // 32 (value bytes follow in the same allocation)
 * };
 * ```
 *
 * These layouts are private (librdkafka 2.x): the reader trusts them only after they matched
 * `rd_kafka_header_get_all()` on real headers, and falls back to the public calls otherwise.
 *
 * @module
 */
import { HeaderColumns, NameInterner } from "../header_columns.ts";
import { RegionCopier } from "../region_copier.ts";
import type { Librdkafka } from "./library.ts";
import { copyBytes, type NativeReader, u64 } from "./message.ts";

const LIST_SIZE = 16;
const LIST_COUNT = 4;
const LIST_ELEMS = 8;
const HEADER_VALUE_SIZE = 8;
const HEADER_NAME_SIZE = 16;
const HEADER_VALUE = 24;
const HEADER_NAME = 32;
/** Bounds that no real header list exceeds: past them the layout is not what we think. */
const MAX_COUNT = 1 << 16;
const MAX_SIZE = 1 << 30;
const MAX_GAP = 4095;
const NULL_REGION = -1;
const EMPTY_REGION = -2;
/** Records whose headers are compared with the public calls before the layout is trusted. */
const RECORDS_TO_CHECK = 8;

/** The public calls: the reference, and the fallback. */
export type HeaderSymbols = Pick<Librdkafka, "rd_kafka_header_get_all">;

/** Reads batches of `rd_kafka_headers_t *`; one per consumer. */
export class HeaderReader {
  readonly #lib: HeaderSymbols;
  readonly #native: NativeReader;
  // Header memory comes from recycled heap chunks, more spread out than fetch buffers: the
  // widest safe gap (below a page) merges the most copies. (Sorting the regions by address
  // merged more but cost more than the copies it saved.)
  readonly #lists = new RegionCopier(MAX_GAP, true);
  readonly #elems = new RegionCopier(MAX_GAP, true);
  readonly #structs = new RegionCopier(MAX_GAP, true);
  readonly #names = new NameInterner();
  readonly #listIds: number[] = [];
  readonly #elemIds: number[] = [];
  readonly #counts: number[] = [];
  readonly #nameRegions: number[] = [];
  readonly #valueRegions: number[] = [];
  readonly #out = new Uint8Array(new ArrayBuffer(24));
  readonly #outView = new DataView(this.#out.buffer);
  /** Whether the private layout is trusted; undefined until checked. */
  #trusted: boolean | undefined;

  /** `lib` is for the public calls, `native` copies memory. */
  constructor(lib: HeaderSymbols, native: NativeReader) {
    this.#lib = lib;
    this.#native = native;
  }

  /** Whether the batch reading is in use (false after a mismatch: the public calls are). */
  get batched(): boolean {
    return this.#trusted !== false;
  }

  /**
   * Reads the headers of `n` records; `lists[j]` is record `j`'s `rd_kafka_headers_t *` as a
   * number, 0 when it has none. The lists must stay alive during the call.
   */
  read(lists: ArrayLike<number>, n: number): HeaderColumns {
    if (this.#trusted) return this.#readPrivate(lists, n) ?? this.readPublic(lists, n);
    const reference = this.readPublic(lists, n);
    if (this.#trusted === false) return reference;
    // A batch without headers proves nothing: stay undecided until one has some.
    const first = lists.length > 0 ? firstWithHeaders(reference) : -1;
    if (first < 0) return reference;
    // Before following any pointer of the list: its count must be where we read it.
    const list = new Uint8Array(LIST_SIZE);
    this.#native.copyFrom(lists[first], list);
    if (new DataView(list.buffer).getInt32(LIST_COUNT, true) !== reference.count(first)) {
      this.#trusted = false;
      return reference;
    }
    const columns = this.#readPrivate(lists, n);
    this.#trusted = columns !== null && compare(columns, reference, RECORDS_TO_CHECK) > 0;
    return reference;
  }

  /** Reads with `rd_kafka_header_get_all()`, one call per header (the reference). */
  readPublic(lists: ArrayLike<number>, n: number): HeaderColumns {
    const columns = new HeaderColumns(n);
    const values: Array<Uint8Array | null> = [];
    const out = this.#out;
    for (let j = 0; j < n; j++) {
      columns.firsts[j] = values.length;
      if (lists[j] === 0) continue;
      const list = Deno.UnsafePointer.create(BigInt(lists[j]));
      for (let k = 0;; k++) {
        const name = out.subarray(0, 8);
        if (
          this.#lib.rd_kafka_header_get_all(
            list,
            BigInt(k),
            name,
            out.subarray(8, 16),
            out.subarray(16),
          ) !== 0
        ) break;
        const nameAt = Deno.UnsafePointer.create(this.#outView.getBigUint64(0, true))!;
        columns.names.push(Deno.UnsafePointerView.getCString(nameAt));
        const valueAt = Deno.UnsafePointer.create(this.#outView.getBigUint64(8, true));
        const size = Number(this.#outView.getBigUint64(16, true));
        values.push(valueAt === null ? null : copyBytes(valueAt, size));
      }
    }
    columns.firsts[n] = values.length;
    return packValues(columns, values);
  }

  /** Reads through the private layout; null when a field is out of any sane bound. */
  #readPrivate(lists: ArrayLike<number>, n: number): HeaderColumns | null {
    const listView = this.#copyLists(lists, n);
    const total = this.#copyElems(listView, n);
    if (total < 0) return null;
    const structView = this.#copyStructs(total);
    const bytes = new RegionCopier(MAX_GAP);
    const nameRegions = this.#nameRegions;
    const valueRegions = this.#valueRegions;
    const structs = this.#structs;
    nameRegions.length = valueRegions.length = 0;
    for (let h = 0; h < total; h++) {
      const at = structs.offsetOf(h);
      const nameSize = u64(structView, at + HEADER_NAME_SIZE);
      const valueSize = u64(structView, at + HEADER_VALUE_SIZE);
      const value = u64(structView, at + HEADER_VALUE);
      if (nameSize > MAX_SIZE || valueSize > MAX_SIZE) return null;
      const address = structs.addressOf(h);
      nameRegions.push(nameSize > 0 ? bytes.add(address + HEADER_NAME, nameSize) : EMPTY_REGION);
      valueRegions.push(
        value === 0 ? NULL_REGION : valueSize > 0 ? bytes.add(value, valueSize) : EMPTY_REGION,
      );
    }
    bytes.copy(this.#native.copyFrom);
    return this.#fill(bytes, n, total);
  }

  /** Copies each record's list struct; returns a view of them. */
  #copyLists(lists: ArrayLike<number>, n: number): DataView {
    const copier = this.#lists;
    const ids = this.#listIds;
    copier.reset();
    ids.length = 0;
    for (let j = 0; j < n; j++) ids.push(lists[j] === 0 ? -1 : copier.add(lists[j], LIST_SIZE));
    copier.copy(this.#native.copyFrom);
    return new DataView(copier.buffer.buffer);
  }

  /** Copies each list's element array; returns the number of headers, -1 for a bad count. */
  #copyElems(listView: DataView, n: number): number {
    const copier = this.#elems;
    const lists = this.#lists;
    const counts = this.#counts;
    const elemIds = this.#elemIds;
    copier.reset();
    counts.length = elemIds.length = 0;
    let total = 0;
    for (let j = 0; j < n; j++) {
      const id = this.#listIds[j];
      const at = id >= 0 ? lists.offsetOf(id) : -1;
      const count = at >= 0 ? listView.getInt32(at + LIST_COUNT, true) : 0;
      if (count < 0 || count > MAX_COUNT) return -1;
      counts.push(count);
      elemIds.push(count > 0 ? copier.add(u64(listView, at + LIST_ELEMS), 8 * count) : -1);
      total += count;
    }
    copier.copy(this.#native.copyFrom);
    return total;
  }

  /** Copies every header's fixed fields, in record then list order; returns a view of them. */
  #copyStructs(total: number): DataView {
    const copier = this.#structs;
    const elems = this.#elems;
    const view = new DataView(elems.buffer.buffer);
    copier.reset();
    for (let j = 0; j < this.#counts.length; j++) {
      const count = this.#counts[j];
      if (count === 0) continue;
      const at = elems.offsetOf(this.#elemIds[j]);
      for (let k = 0; k < count; k++) copier.add(u64(view, at + 8 * k), HEADER_NAME);
    }
    if (copier.count !== total) throw new Error("header count mismatch (bug)");
    copier.copy(this.#native.copyFrom);
    return new DataView(copier.buffer.buffer);
  }

  #fill(bytes: RegionCopier, n: number, total: number): HeaderColumns {
    const columns = new HeaderColumns(n);
    columns.bytes = bytes.buffer;
    columns.valueStarts = new Int32Array(total);
    columns.valueLengths = new Int32Array(total);
    let h = 0;
    for (let j = 0; j < n; j++) {
      columns.firsts[j] = h;
      h += this.#counts[j];
    }
    columns.firsts[n] = h;
    for (h = 0; h < total; h++) {
      const name = this.#nameRegions[h];
      columns.names.push(
        name >= 0
          ? this.#names.intern(bytes.buffer, bytes.offsetOf(name), bytes.lengthOf(name))
          : "",
      );
      const value = this.#valueRegions[h];
      columns.valueStarts[h] = value >= 0 ? bytes.offsetOf(value) : 0;
      columns.valueLengths[h] = value >= 0
        ? bytes.lengthOf(value)
        : value === EMPTY_REGION
        ? 0
        : -1;
    }
    return columns;
  }
}

/** Moves separately copied values into one buffer. */
function packValues(columns: HeaderColumns, values: Array<Uint8Array | null>): HeaderColumns {
  let size = 0;
  for (const value of values) size += value?.length ?? 0;
  columns.bytes = new Uint8Array(size);
  columns.valueStarts = new Int32Array(values.length);
  columns.valueLengths = new Int32Array(values.length);
  let at = 0;
  values.forEach((value, h) => {
    columns.valueStarts[h] = at;
    columns.valueLengths[h] = value === null ? -1 : value.length;
    if (value) columns.bytes.set(value, at);
    at += value?.length ?? 0;
  });
  return columns;
}

function firstWithHeaders(columns: HeaderColumns): number {
  for (let j = 0; j + 1 < columns.firsts.length; j++) if (columns.count(j) > 0) return j;
  return -1;
}

/**
 * Compares the first `records` records with headers: how many were compared, -1 when one
 * differs.
 */
function compare(a: HeaderColumns, b: HeaderColumns, records: number): number {
  if (a.firsts.length !== b.firsts.length) return -1;
  let checked = 0;
  for (let j = 0; j + 1 < a.firsts.length && checked < records; j++) {
    if (a.count(j) !== b.count(j)) return -1;
    if (a.count(j) === 0) continue;
    checked++;
    for (let h = a.firsts[j]; h < a.firsts[j + 1]; h++) {
      const hb = b.firsts[j] + h - a.firsts[j];
      if (a.names[h] !== b.names[hb] || !sameValue(a.value(h), b.value(hb))) return -1;
    }
  }
  return checked;
}

function sameValue(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
