/**
 * The Delta transaction log (`_delta_log/NNNNNNNNNNNNNNNNNNNN.json`, one action per line): the
 * actions this writer emits and a {@linkcode Snapshot} rebuilt by replaying the JSON commits in
 * order. The writer never deletes a JSON commit, so replaying them is always complete; the
 * Parquet checkpoints (`checkpoint.ts`) are for other readers.
 *
 * @module
 */
import { join } from "node:path";

/** `protocol`: the reader and writer features needed. */
export interface ProtocolAction {
  /** Minimum reader version (1: no reader features). */
  readonly minReaderVersion: number;
  /** Minimum writer version (2: no writer features beyond column invariants). */
  readonly minWriterVersion: number;
}

/** `metaData`: the table's id, schema and partition columns. */
export interface MetaDataAction {
  /** The table's id (a UUID, fixed at creation). */
  readonly id: string;
  /** The table's name. */
  readonly name: string;
  /** Always `{ provider: "parquet", options: {} }`. */
  readonly format: { readonly provider: "parquet"; readonly options: Record<string, string> };
  /** The Delta schema as JSON text. */
  readonly schemaString: string;
  /** Partition columns, in order. */
  readonly partitionColumns: readonly string[];
  /** Table properties. */
  readonly configuration: Record<string, string>;
  /** When the table was created (ms). */
  readonly createdTime: number;
}

/** `add`: a data file becomes part of the table. */
export interface AddAction {
  /** Path relative to the table root. */
  readonly path: string;
  /** Partition values, as strings (a JSON number breaks DuckDB). */
  readonly partitionValues: Record<string, string>;
  /** The file's exact size in bytes (readers find the Parquet footer from it). */
  readonly size: number;
  /** When it was written (ms). */
  readonly modificationTime: number;
  /** False for a compaction's rewrite (no new rows). */
  readonly dataChange: boolean;
  /** Per-file statistics as JSON text. */
  readonly stats: string;
}

/** `remove`: a data file leaves the table (vacuum deletes it after the retention). */
export interface RemoveAction {
  /** Path relative to the table root. */
  readonly path: string;
  /** When it was removed (ms). */
  readonly deletionTimestamp: number;
  /** False for a compaction's rewrite. */
  readonly dataChange: boolean;
  /** Its partition values. */
  readonly partitionValues?: Record<string, string>;
  /** Its size in bytes. */
  readonly size?: number;
}

/** `txn`: the latest version an idempotent writer (`appId`) committed: here, a Kafka offset. */
export interface TxnAction {
  /** The writer's id: `<prefix>/<topic>/<partition>`. */
  readonly appId: string;
  /** The last Kafka offset of that partition in the table. */
  readonly version: number;
  /** When (ms). */
  readonly lastUpdated: number;
}

/** One line of a commit file. */
export type Action =
  | { protocol: ProtocolAction }
  | { metaData: MetaDataAction }
  | { add: AddAction }
  | { remove: RemoveAction }
  | { txn: TxnAction }
  | { commitInfo: Record<string, unknown> };

/** The table's state at one version. */
export interface Snapshot {
  /** The last version applied, -1 for no table. */
  version: number;
  /** The protocol, once created. */
  protocol: ProtocolAction | null;
  /** The metadata, once created. */
  metaData: MetaDataAction | null;
  /** Live files by path. */
  readonly files: Map<string, AddAction>;
  /** Removed files by path (vacuum deletes them after the retention). */
  readonly tombstones: Map<string, RemoveAction>;
  /** Latest `txn` per app id. */
  readonly txns: Map<string, TxnAction>;
}

/** The log directory of the table at `root`. */
export function logDir(root: string): string {
  return join(root, "_delta_log");
}

/** The commit file name of `version`: 20 digits, zero-padded. */
export function commitName(version: number): string {
  return `${String(version).padStart(20, "0")}.json`;
}

/** A snapshot of no table. */
export function emptySnapshot(): Snapshot {
  return {
    version: -1,
    protocol: null,
    metaData: null,
    files: new Map(),
    tombstones: new Map(),
    txns: new Map(),
  };
}

/** Applies one commit's actions to `snapshot` (in place). */
export function applyActions(snapshot: Snapshot, actions: readonly Action[]): void {
  for (const action of actions) {
    if ("protocol" in action) snapshot.protocol = action.protocol;
    else if ("metaData" in action) snapshot.metaData = action.metaData;
    else if ("add" in action) {
      snapshot.files.set(action.add.path, action.add);
      snapshot.tombstones.delete(action.add.path);
    } else if ("remove" in action) {
      snapshot.files.delete(action.remove.path);
      snapshot.tombstones.set(action.remove.path, action.remove);
    } else if ("txn" in action) snapshot.txns.set(action.txn.appId, action.txn);
  }
}

/** Parses a commit file's text (newline-delimited JSON). */
export function parseCommit(text: string): Action[] {
  return text.split("\n").filter((line) => line.trim() !== "").map((line) =>
    JSON.parse(line) as Action
  );
}

/** Renders actions as a commit file's text. */
export function renderCommit(actions: readonly Action[]): string {
  return actions.map((a) => JSON.stringify(a)).join("\n") + "\n";
}

/**
 * Brings `snapshot` up to the newest version in `root`'s log by applying each later commit in
 * order (versions are dense: the first missing one ends the log).
 *
 * @returns the number of commits applied.
 */
export async function updateSnapshot(root: string, snapshot: Snapshot): Promise<number> {
  let applied = 0;
  while (true) {
    let text: string;
    try {
      text = await Deno.readTextFile(join(logDir(root), commitName(snapshot.version + 1)));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return applied;
      throw e;
    }
    applyActions(snapshot, parseCommit(text));
    snapshot.version++;
    applied++;
  }
}

/** The table at `root` at its newest version (an empty snapshot when there is none). */
export async function loadSnapshot(root: string): Promise<Snapshot> {
  const snapshot = emptySnapshot();
  await updateSnapshot(root, snapshot);
  return snapshot;
}
