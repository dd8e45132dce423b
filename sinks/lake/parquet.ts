/**
 * Encodes buffered rows of one partition as a Parquet file (`npm:hyparquet-writer`, snappy) and
 * computes the per-file statistics Delta's `add` actions carry (numRecords, min/max, null counts),
 * which readers use to skip files.
 *
 * @module
 */
import { ByteWriter, parquetWrite } from "hyparquet-writer";
import type { Cell, DeltaType, LakeColumn } from "./columns.ts";

/** Rows of one partition, column by column (timestamps as ms since the epoch). */
export interface ColumnBuffer {
  /** Partition `date` (YYYY-MM-DD). */
  readonly date: string;
  /** Partition `hour` (0-23). */
  readonly hour: number;
  /** Cells by column name; every array has `rows` entries. */
  readonly cells: Map<string, Cell[]>;
  /** Rows buffered. */
  rows: number;
}

/** Delta's per-file statistics (the `stats` JSON of an `add` action). */
export interface FileStats {
  /** Rows in the file. */
  readonly numRecords: number;
  /** Smallest non-null value per column. */
  readonly minValues: Record<string, string | number>;
  /** Largest non-null value per column. */
  readonly maxValues: Record<string, string | number>;
  /** Nulls per column. */
  readonly nullCount: Record<string, number>;
}

/** An empty buffer for partition (`date`, `hour`) with `columns`. */
export function newBuffer(
  date: string,
  hour: number,
  columns: readonly LakeColumn[],
): ColumnBuffer {
  return { date, hour, cells: new Map(columns.map((c) => [c.name, []])), rows: 0 };
}

// deno-lint-ignore no-explicit-any
type SchemaElement = any;

function element(name: string, type: DeltaType): SchemaElement {
  const optional = { name, repetition_type: "OPTIONAL" };
  switch (type) {
    case "string":
    case "date": // partition columns only; never in a file
      return { ...optional, type: "BYTE_ARRAY", converted_type: "UTF8" };
    case "timestamp":
      return {
        ...optional,
        type: "INT64",
        converted_type: "TIMESTAMP_MICROS",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MICROS" },
      };
    case "double":
      return { ...optional, type: "DOUBLE" };
    case "long":
      return { ...optional, type: "INT64" };
    case "integer":
      return { ...optional, type: "INT32" };
  }
}

/**
 * Encodes `buffer` as a Parquet file holding `columns` (a column the buffer lacks is all null).
 *
 * @returns the file's bytes and its Delta statistics.
 */
export function encodeParquet(
  buffer: ColumnBuffer,
  columns: readonly LakeColumn[],
): { bytes: Uint8Array; stats: FileStats } {
  const schema: SchemaElement[] = [{ name: "root", num_children: columns.length }];
  const columnData = columns.map((c) => {
    schema.push(element(c.name, c.type));
    const cells = buffer.cells.get(c.name) ?? new Array<Cell>(buffer.rows).fill(null);
    const data = c.type === "timestamp"
      ? cells.map((t) => (t === null ? null : (t as number) * 1000))
      : c.type === "long"
      ? cells.map((n) => (n === null ? null : BigInt(n)))
      : cells;
    return { name: c.name, data };
  });
  const writer = new ByteWriter();
  parquetWrite({ writer, columnData, schema, codec: "SNAPPY", rowGroupSize: 1_000_000 });
  return { bytes: writer.getBytes(), stats: statsOf(buffer, columns) };
}

/** Delta statistics of `buffer` (timestamps as ISO strings, as Delta's stats carry them). */
export function statsOf(buffer: ColumnBuffer, columns: readonly LakeColumn[]): FileStats {
  const minValues: Record<string, string | number> = {};
  const maxValues: Record<string, string | number> = {};
  const nullCount: Record<string, number> = {};
  for (const c of columns) {
    const cells = buffer.cells.get(c.name);
    let min: Cell = null, max: Cell = null, nulls = 0;
    if (cells === undefined) nulls = buffer.rows;
    else {
      for (const cell of cells) {
        if (cell === null) nulls++;
        else {
          if (min === null || cell < min) min = cell;
          if (max === null || cell > max) max = cell;
        }
      }
    }
    nullCount[c.name] = nulls;
    if (min === null || max === null) continue;
    // NaN and infinities have no JSON form: leave the column without bounds (no skipping).
    if (typeof min === "number" && !Number.isFinite(min)) continue;
    if (typeof max === "number" && !Number.isFinite(max)) continue;
    const out = (x: string | number) => c.type === "timestamp" ? new Date(x).toISOString() : x;
    minValues[c.name] = out(min);
    maxValues[c.name] = out(max);
  }
  return { numRecords: buffer.rows, minValues, maxValues, nullCount };
}
