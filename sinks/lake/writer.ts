/**
 * {@linkcode LakeWriter}: the lake backend of {@linkcode SinkWriter}. Records are buffered per
 * table and partition and committed as Parquet files plus one Delta log entry per table when a
 * table's buffer reaches the target file size or age (whichever first). Each commit carries a
 * `txn` action per Kafka partition (app id `<prefix>/<topic>/<partition>`, version = the last
 * offset in the table), so a record at or below that offset is never added again: a replay after
 * a crash, or a retried batch, is skipped record by record. The runner commits Kafka offsets
 * below {@linkcode LakeWriter.heldOffsets}, i.e. after the log entry.
 *
 * @module
 */
import { join } from "node:path";
import type { TopicPartition } from "@iot/kafka";
import { rowId } from "../keys.ts";
import type { SinkKind, SinkRecord } from "../record.ts";
import {
  checkKinds,
  type Rejection,
  type SinkWriter,
  storeError,
  type WriteResult,
} from "../writer.ts";
import { type LakeColumn, partitionOf, tableFor } from "./columns.ts";
import { CommitConflictError, type CommitStage } from "./commit.ts";
import { type ColumnBuffer, newBuffer } from "./parquet.ts";
import { LakeTable } from "./table.ts";

/** Options of {@linkcode LakeWriter}. */
export interface LakeWriterOptions {
  /** The lake directory; each table is a folder in it (`sensor_readings`, ...). */
  readonly dir: string;
  /** Kinds to store. Default: climate readings, vehicle pressure readings, window aggregates. */
  readonly kinds?: readonly SinkKind[];
  /** Commit a table once its buffered rows would make this many Parquet bytes. Default: 64 MiB. */
  readonly targetFileBytes?: number;
  /** Commit a table once its oldest buffered row is this old (ms). Default: 300 000 (5 min). */
  readonly rollMs?: number;
  /** Commit a table at this many buffered rows whatever their size (bounds memory). Default: 2M. */
  readonly maxBufferedRows?: number;
  /** Prefix of the `txn` app ids. Default: `iot-sinks-lake`. */
  readonly appIdPrefix?: string;
  /** Test seam: called at each step of a commit (see `commit.ts`). */
  readonly onStage?: (stage: CommitStage) => void | Promise<void>;
}

/** A table's uncommitted state. */
interface Open {
  readonly table: LakeTable;
  buffers: Map<string, ColumnBuffer>;
  /** Highest offset buffered per app id. */
  pending: Map<string, number>;
  /** Lowest offset buffered per app id. */
  firstPending: Map<string, number>;
  rows: number;
  openedAt: number;
  /** Columns of the files being buffered (grows when an optional field first appears). */
  columns: LakeColumn[];
  grew: boolean;
  /** Parquet bytes per row seen in the last file (for size-based rolling). */
  bytesPerRow: number;
}

const defaultKinds: SinkKind[] = [
  "climate-reading",
  "vehicle-pressure-reading",
  "window-aggregate",
];

/**
 * Writes readings and aggregates into Delta tables under `dir`, exactly once per Kafka record.
 *
 * @example
 * ```ts
 * import { LakeWriter } from "@iot/sinks";
 * await using writer = new LakeWriter({ dir: "./data/lake" });
 * await writer.write(records);          // buffered; committed by size or age
 * await writer.flush();                 // commit now
 * writer.heldOffsets();                 // [] now: every Kafka offset may be committed
 * ```
 */
export class LakeWriter implements SinkWriter {
  /** `"lake"`. */
  readonly store = "lake";
  /** The kinds stored. */
  readonly kinds: ReadonlySet<SinkKind>;
  readonly #options: LakeWriterOptions;
  readonly #open = new Map<SinkKind, Open>();
  readonly #partitions = new Map<string, { topic: string; partition: number }>();
  /** App ids by topic and partition (built once per partition: this runs per record). */
  readonly #appIds = new Map<string, string[]>();
  #ready: Promise<void> | null = null;

  /** Checks the options; nothing is read before the first call. */
  constructor(options: LakeWriterOptions) {
    const kinds = options.kinds ?? defaultKinds;
    for (const kind of kinds) {
      if (!tableFor(kind)) throw new TypeError(`The lake has no table for ${kind} records`);
    }
    this.kinds = new Set(kinds);
    this.#options = options;
  }

  /** Opens (creating when missing) each table. Idempotent. */
  ensureSchema(): Promise<void> {
    this.#ready ??= this.#unavailableOnIo(async () => {
      for (const kind of this.kinds) {
        const def = tableFor(kind)!;
        const table = new LakeTable(join(this.#options.dir, def.name), def, this.#options.onStage);
        await table.open();
        this.#open.set(kind, this.#fresh(table, 24));
      }
    }).catch((e) => {
      this.#ready = null;
      throw e;
    });
    return this.#ready;
  }

  #fresh(table: LakeTable, bytesPerRow: number): Open {
    const columns = table.columns();
    return {
      table,
      buffers: new Map(),
      pending: new Map(),
      firstPending: new Map(),
      rows: 0,
      openedAt: 0,
      columns,
      grew: false,
      bytesPerRow,
    };
  }

  /** Buffers `batch` (skipping records already in the table) and commits the tables due. */
  async write(batch: readonly SinkRecord[]): Promise<WriteResult> {
    checkKinds(this.store, this.kinds, batch);
    await this.ensureSchema();
    const rejected: Rejection[] = [];
    const last = new Map<string, SinkRecord>();
    for (const record of batch) last.set(`${record.kind}\u0000${rowId(record)}`, record);
    const kept = new Set(last.values());
    let written = 0;
    for (const record of batch) {
      if (!kept.has(record)) continue;
      const open = this.#open.get(record.kind)!;
      const partition = partitionOf(open.table.def.eventTime(record));
      if (typeof partition === "string") {
        rejected.push({ record, code: "rejected-by-store", reason: partition });
        continue;
      }
      written++;
      const appId = this.#appId(record);
      const high = Math.max(open.pending.get(appId) ?? -1, open.table.committedOffset(appId));
      if (record.source.offset <= high) continue; // in the table or buffered already
      open.pending.set(appId, record.source.offset);
      if (!open.firstPending.has(appId)) open.firstPending.set(appId, record.source.offset);
      this.#append(open, record, partition.date, partition.hour);
    }
    await this.#rollDue(false);
    return { written, superseded: batch.length - written - rejected.length, rejected };
  }

  #appId(record: SinkRecord): string {
    const { topic, partition } = record.source;
    let ids = this.#appIds.get(topic);
    if (ids === undefined) this.#appIds.set(topic, ids = []);
    let appId = ids[partition];
    if (appId === undefined) {
      appId = ids[partition] = `${
        this.#options.appIdPrefix ?? "iot-sinks-lake"
      }/${topic}/${partition}`;
      this.#partitions.set(appId, { topic, partition });
    }
    return appId;
  }

  #append(open: Open, record: SinkRecord, date: string, hour: number): void {
    for (const c of open.table.def.columns) {
      if (c.optional && !open.columns.includes(c) && c.get(record) !== null) {
        // Schema evolution: a new optional field; earlier rows of this buffer hold null.
        open.columns = open.table.def.columns.filter((d) => open.columns.includes(d) || d === c);
        open.grew = true;
      }
    }
    const key = `${date}/${hour}`;
    let buffer = open.buffers.get(key);
    if (buffer === undefined) {
      buffer = newBuffer(date, hour, []);
      open.buffers.set(key, buffer);
    }
    for (const c of open.columns) {
      let cells = buffer.cells.get(c.name);
      if (cells === undefined) {
        cells = new Array(buffer.rows).fill(null);
        buffer.cells.set(c.name, cells);
      }
      cells.push(c.get(record));
    }
    buffer.rows++;
    if (open.rows === 0) open.openedAt = Date.now();
    open.rows++;
  }

  /** Commits every table holding buffered rows now. */
  async flush(): Promise<void> {
    await this.ensureSchema();
    await this.#rollDue(true);
  }

  async #rollDue(all: boolean): Promise<void> {
    const { targetFileBytes = 64 << 20, rollMs = 300_000, maxBufferedRows = 2_000_000 } =
      this.#options;
    for (const [kind, open] of this.#open) {
      if (open.rows === 0) continue;
      const due = all || open.rows * open.bytesPerRow >= targetFileBytes ||
        open.rows >= maxBufferedRows || Date.now() - open.openedAt >= rollMs;
      if (due) await this.#unavailableOnIo(() => this.#commit(kind, open));
    }
  }

  async #commit(kind: SinkKind, open: Open): Promise<void> {
    const adds = [];
    let bytes = 0;
    for (const buffer of open.buffers.values()) {
      const add = await open.table.writeFile(buffer, open.columns);
      adds.push(add);
      bytes += add.size;
    }
    await open.table.commit({
      adds,
      txns: open.pending,
      ...(open.grew ? { columns: open.columns } : {}),
    });
    this.#open.set(kind, this.#fresh(open.table, Math.max(1, bytes / open.rows)));
  }

  /**
   * Per Kafka partition, the first offset buffered and not yet committed to the lake: the runner
   * commits no Kafka offset beyond it, so Kafka's offsets trail the log.
   */
  heldOffsets(): TopicPartition[] {
    const out: TopicPartition[] = [];
    for (const open of this.#open.values()) {
      for (const [appId, offset] of open.firstPending) {
        out.push({ ...this.#partitions.get(appId)!, offset });
      }
    }
    return out;
  }

  /** Releases nothing held (files are closed after each commit); uncommitted rows replay. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Same as {@linkcode LakeWriter.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Runs `fn`; a filesystem error becomes a `StoreUnavailableError` (retry later). */
  async #unavailableOnIo<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw storeError(
        "lake",
        e,
        (e: unknown) => !(e instanceof CommitConflictError) && isIoError(e),
      );
    }
  }
}

function isIoError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  return Object.values(Deno.errors).some((c) => e instanceof c) ||
    /\(os error \d+\)/.test(e.message);
}
