/**
 * Table maintenance: {@linkcode compactTable} rewrites each partition's small files as one
 * (`remove` + `add` with `dataChange: false`, so streaming readers see no new rows), and
 * {@linkcode vacuumTable} deletes files the table no longer references once they are older than
 * the retention: removed files (tombstones), and files a killed writer left in no commit (a
 * partial data file, a temp log entry). Readers of older versions within the retention keep
 * working, as with Delta's own VACUUM.
 *
 * @module
 */
import { join, relative } from "node:path";
import { parquetReadObjects } from "hyparquet";
import type { Cell } from "./columns.ts";
import { type Action, type AddAction, loadSnapshot, logDir } from "./delta_log.ts";
import { type ColumnBuffer, newBuffer } from "./parquet.ts";
import { LakeTable } from "./table.ts";

/** Options of {@linkcode vacuumTable}. */
export interface VacuumOptions {
  /** Keep unreferenced files younger than this (ms). Default: 7 days (Delta's default). */
  readonly retentionMs?: number;
  /** List what would be deleted, delete nothing. Default: false. */
  readonly dryRun?: boolean;
  /** The clock. Default: `Date.now`. */
  readonly now?: () => number;
}

/** What {@linkcode vacuumTable} deleted (or would delete), relative to the table root. */
export interface VacuumResult {
  /** Paths deleted. */
  readonly deleted: string[];
  /** Unreferenced paths kept because they are younger than the retention. */
  readonly kept: string[];
}

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* walk(path);
    else if (entry.isFile) yield path;
  }
}

/** Deletes files of the table at `root` that no live version needs; see the module doc. */
export async function vacuumTable(
  root: string,
  options: VacuumOptions = {},
): Promise<VacuumResult> {
  const { retentionMs = 7 * 24 * 3_600_000, dryRun = false, now = Date.now } = options;
  const snapshot = await loadSnapshot(root);
  if (snapshot.version < 0) throw new TypeError(`${root} is not a Delta table (no _delta_log)`);
  const cutoff = now() - retentionMs;
  const deleted: string[] = [], kept: string[] = [];
  const log = logDir(root);
  for await (const path of walk(root)) {
    const rel = relative(root, path).split("\\").join("/");
    const inLog = path.startsWith(log);
    if (inLog ? !rel.split("/").pop()!.startsWith(".tmp-") : snapshot.files.has(rel)) continue;
    const tombstone = snapshot.tombstones.get(rel);
    const since = tombstone?.deletionTimestamp ?? (await Deno.stat(path)).mtime?.getTime() ?? 0;
    if (since >= cutoff) {
      kept.push(rel);
      continue;
    }
    if (!dryRun) await Deno.remove(path);
    deleted.push(rel);
  }
  return { deleted: deleted.sort(), kept: kept.sort() };
}

/** Options of {@linkcode compactTable}. */
export interface CompactOptions {
  /** Files at least this big are left alone. Default: 32 MiB. */
  readonly smallFileBytes?: number;
}

/** What {@linkcode compactTable} did. */
export interface CompactResult {
  /** Partitions rewritten. */
  readonly partitions: number;
  /** Files replaced. */
  readonly removed: number;
  /** The version committed, or null when nothing was small enough to compact. */
  readonly version: number | null;
}

/** A file's rows as cells of `table`'s current columns (columns it lacks read as null). */
async function readInto(table: LakeTable, add: AddAction, buffer: ColumnBuffer): Promise<void> {
  const bytes = await Deno.readFile(join(table.root, add.path));
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const rows = await parquetReadObjects({ file: file as ArrayBuffer });
  for (const c of table.columns()) {
    let cells = buffer.cells.get(c.name);
    if (!cells) buffer.cells.set(c.name, cells = new Array<Cell>(buffer.rows).fill(null));
    for (const row of rows) {
      const v = row[c.name];
      cells.push(
        v === null || v === undefined
          ? null
          : v instanceof Date
          ? v.getTime()
          : typeof v === "bigint"
          ? Number(v)
          : v as Cell,
      );
    }
  }
  buffer.rows += rows.length;
}

/**
 * Rewrites each partition of `table` holding two or more small files as one file, in one commit.
 * Rows are unchanged (the same records, nothing added twice): the commit carries no `txn`.
 */
export async function compactTable(
  table: LakeTable,
  options: CompactOptions = {},
): Promise<CompactResult> {
  const { smallFileBytes = 32 << 20 } = options;
  await table.open();
  const groups = new Map<string, AddAction[]>();
  for (const add of table.snapshot.files.values()) {
    if (add.size >= smallFileBytes) continue;
    const key = `${add.partitionValues.date}/${add.partitionValues.hour}`;
    groups.set(key, [...(groups.get(key) ?? []), add]);
  }
  const adds: AddAction[] = [], removes: Action[] = [];
  const now = Date.now();
  for (const files of groups.values()) {
    if (files.length < 2) continue;
    const { date, hour } = files[0].partitionValues;
    const buffer = newBuffer(date, Number(hour), []);
    for (const add of files) {
      await readInto(table, add, buffer);
      removes.push({
        remove: {
          path: add.path,
          deletionTimestamp: now,
          dataChange: false,
          partitionValues: add.partitionValues,
          size: add.size,
        },
      });
    }
    adds.push({ ...(await table.writeFile(buffer, table.columns())), dataChange: false });
  }
  if (adds.length === 0) return { partitions: 0, removed: 0, version: null };
  const version = await table.commit({
    adds,
    txns: new Map(),
    extra: removes,
    operation: "OPTIMIZE",
  });
  return { partitions: adds.length, removed: removes.length, version };
}
