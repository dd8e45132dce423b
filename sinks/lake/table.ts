/**
 * One Delta table of the lake: created on first use (version 0: protocol and metaData), data
 * files written under Hive-style partition folders, and commits of `add`/`txn` (and `metaData`
 * when the schema grows) through `commit.ts`, with a checkpoint every
 * {@linkcode CHECKPOINT_INTERVAL} versions.
 *
 * @module
 */
import { join } from "node:path";
import { CHECKPOINT_INTERVAL, writeCheckpoint } from "./checkpoint.ts";
import {
  commitActions,
  CommitConflictError,
  type CommitOptions,
  type CommitStage,
  writeSynced,
} from "./commit.ts";
import {
  type Action,
  type AddAction,
  applyActions,
  loadSnapshot,
  type MetaDataAction,
  type Snapshot,
  type TxnAction,
} from "./delta_log.ts";
import {
  columnsIn,
  type LakeColumn,
  type LakeTableDef,
  partitionColumns,
  schemaString,
} from "./columns.ts";
import { type ColumnBuffer, encodeParquet } from "./parquet.ts";

/** What one commit adds. */
export interface TableCommit {
  /** Files written with {@linkcode LakeTable.writeFile}. */
  readonly adds: readonly AddAction[];
  /** Kafka offsets reached: appId -> last offset. */
  readonly txns: ReadonlyMap<string, number>;
  /** The columns after this commit, when they grew (a metaData update). */
  readonly columns?: readonly LakeColumn[];
  /** Extra actions (a compaction's removes). */
  readonly extra?: readonly Action[];
  /** The `commitInfo` operation. Default: `"WRITE"`. */
  readonly operation?: string;
}

/** A Delta table at `root` holding records of `def`. */
export class LakeTable {
  /** The table's folder. */
  readonly root: string;
  /** Its definition. */
  readonly def: LakeTableDef;
  #snapshot: Snapshot | null = null;
  #checkpointDue = false;
  /** Why the last checkpoint failed (it is retried at the next commit), or null. */
  checkpointError: string | null = null;
  readonly #onStage: ((stage: CommitStage) => void | Promise<void>) | undefined;

  /** A table at `root`; nothing is read before {@linkcode LakeTable.open}. */
  constructor(
    root: string,
    def: LakeTableDef,
    onStage?: (stage: CommitStage) => void | Promise<void>,
  ) {
    this.root = root;
    this.def = def;
    this.#onStage = onStage;
  }

  /** The snapshot (after {@linkcode LakeTable.open}). */
  get snapshot(): Snapshot {
    if (this.#snapshot === null) throw new Error(`table ${this.root} is not open`);
    return this.#snapshot;
  }

  /** Reads the log; creates the table (version 0) when there is none. Idempotent. */
  async open(): Promise<void> {
    this.#snapshot = await loadSnapshot(this.root);
    if (this.#snapshot.version >= 0) return;
    const metaData: MetaDataAction = {
      id: crypto.randomUUID(),
      name: this.def.name,
      format: { provider: "parquet", options: {} },
      schemaString: schemaString(this.def.columns.filter((c) => !c.optional)),
      partitionColumns: [...partitionColumns],
      configuration: {},
      createdTime: Date.now(),
    };
    const actions: Action[] = [
      { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
      { metaData },
    ];
    try {
      await this.#commit(actions, (snapshot) => {
        if (snapshot.version >= 0) throw new CommitConflictError("created by another writer");
      });
    } catch (e) {
      // Another writer created it first: use theirs.
      if (!(e instanceof CommitConflictError)) throw e;
    }
  }

  /** The columns the table has now, in order (optional ones once added). */
  columns(): LakeColumn[] {
    const names = columnsIn(this.snapshot.metaData!.schemaString);
    return this.def.columns.filter((c) => names.includes(c.name));
  }

  /** The last Kafka offset committed for `appId`, or -1. */
  committedOffset(appId: string): number {
    return this.snapshot.txns.get(appId)?.version ?? -1;
  }

  /** Writes `buffer` as a new data file in its partition folder; not yet part of the table. */
  async writeFile(buffer: ColumnBuffer, columns: readonly LakeColumn[]): Promise<AddAction> {
    const { bytes, stats } = encodeParquet(buffer, columns);
    const folder = `date=${buffer.date}/hour=${buffer.hour}`;
    await Deno.mkdir(join(this.root, folder), { recursive: true });
    const path = `${folder}/part-${crypto.randomUUID()}.snappy.parquet`;
    if (this.#onStage) {
      // Test seam: half a file on disk, as a crash in the middle of writing it leaves.
      await Deno.writeFile(join(this.root, path), bytes.subarray(0, bytes.length >> 1));
      await this.#onStage("data-partial");
      await Deno.remove(join(this.root, path));
    }
    await writeSynced(join(this.root, path), bytes);
    return {
      path,
      partitionValues: { date: buffer.date, hour: String(buffer.hour) },
      size: bytes.length,
      modificationTime: Date.now(),
      dataChange: true,
      stats: JSON.stringify(stats),
    };
  }

  /**
   * Commits `change` as the next version; retries over concurrent commits unless one of them
   * moved one of this commit's Kafka offsets (then another writer holds the same records).
   *
   * @throws {CommitConflictError} on such a conflict.
   */
  async commit(change: TableCommit): Promise<number> {
    await this.#onStage?.("data-written");
    const now = Date.now();
    const before = new Map([...change.txns.keys()].map((id) => [id, this.committedOffset(id)]));
    const actions: Action[] = [];
    if (change.columns) {
      actions.push({
        metaData: { ...this.snapshot.metaData!, schemaString: schemaString(change.columns) },
      });
    }
    for (const [appId, version] of change.txns) {
      const txn: TxnAction = { appId, version, lastUpdated: now };
      actions.push({ txn });
    }
    actions.push(...(change.extra ?? []), ...change.adds.map((add) => ({ add })));
    actions.push({
      commitInfo: {
        timestamp: now,
        operation: change.operation ?? "WRITE",
        engineInfo: "iot-sinks-lake",
      },
    });
    return await this.#commit(actions, (snapshot) => {
      for (const [appId, offset] of before) {
        const now = snapshot.txns.get(appId)?.version ?? -1;
        if (now !== offset) {
          throw new CommitConflictError(
            `another writer committed ${appId} up to offset ${now} in ${this.root}`,
          );
        }
      }
    });
  }

  async #commit(actions: Action[], check: (s: Snapshot) => void): Promise<number> {
    const snapshot = this.snapshot;
    const options: CommitOptions = this.#onStage ? { check, onStage: this.#onStage } : { check };
    const version = await commitActions(this.root, snapshot, actions, options);
    applyActions(snapshot, actions);
    snapshot.version = version;
    if ((version > 0 && version % CHECKPOINT_INTERVAL === 0) || this.#checkpointDue) {
      // The commit stands whatever happens here: a failed checkpoint is retried next commit.
      try {
        await writeCheckpoint(this.root, snapshot);
        this.#checkpointDue = false;
        this.checkpointError = null;
      } catch (e) {
        this.#checkpointDue = true;
        this.checkpointError = e instanceof Error ? e.message : String(e);
      }
    }
    return version;
  }
}
