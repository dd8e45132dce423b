/**
 * The on-disk checkpoint format (version 1): plain JSON data files holding operator snapshots
 * and manifests naming them, plus the typed error for unreadable checkpoints.
 *
 * A task directory holds:
 * - `data-<n>.bin` (written since file format 2, `binary_format.ts`: columnar, checksummed) or
 *   `data-<n>.json` (format 1, JSON; still read): a {@linkcode CheckpointData} file, a base
 *   (full snapshots) or a delta (`snapshotKeys(changedKeys())` of every operator); a chain may
 *   mix both;
 * - `manifest-<seq>.json`: a {@linkcode CheckpointManifest}: the chain of data files to apply
 *   in order (a base, then deltas), the input offset and the task's scalar state.
 *
 * @module
 */
import type { KeyedSnapshot } from "../core/snapshot.ts";

/** The checkpoint format version this code writes and reads. */
export const CHECKPOINT_VERSION = 1;

/** Any operator snapshot, as stored. */
// deno-lint-ignore no-explicit-any
export type AnySnapshot = KeyedSnapshot<any, any>;

/** A data file: one snapshot per named operator. */
export interface CheckpointData {
  /** Format version, {@linkcode CHECKPOINT_VERSION}. */
  readonly version: 1;
  /** `"base"`: full snapshots; `"delta"`: changed keys only, applied on top of the chain. */
  readonly kind: "base" | "delta";
  /** Operator snapshots by operator name. */
  readonly operators: Readonly<Record<string, AnySnapshot>>;
}

/** Whether the Kafka transaction of a checkpoint is known to have committed. */
export type CheckpointStatus = "pending" | "committed";

/** A checkpoint: which data files rebuild the state, at which input offset. */
export interface CheckpointManifest {
  /** Format version, {@linkcode CHECKPOINT_VERSION}. */
  readonly version: 1;
  /** Sequence number, increasing per task directory. */
  readonly seq: number;
  /** The next input offset to consume after this state (what the transaction committed). */
  readonly offset: number;
  /**
   * `"pending"` until the transaction that committed `offset` is known to have committed. Only
   * informative: on restart the group's committed offset decides which checkpoint is valid.
   */
  readonly status: CheckpointStatus;
  /** Data files to apply in order: a base, then deltas. */
  readonly files: readonly string[];
  /** The task's scalar state (watermarks, counters), plain data. */
  readonly task: unknown;
  /** Wall-clock time the checkpoint was written (ms since the epoch). */
  readonly createdAtMs: number;
  /** Total bytes of the data files in `files`. */
  readonly bytes: number;
  /** Number of keys with state per operator after this checkpoint. */
  readonly keys: Readonly<Record<string, number>>;
}

/** Thrown when a checkpoint cannot be read or none matches the committed input offset. */
export class CheckpointError extends Error {
  /** @param message what failed and why. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CheckpointError";
  }
}

/** Checks that `value` parsed from `file` is a manifest of the supported version. */
export function checkManifest(value: unknown, file: string): CheckpointManifest {
  const m = value as Partial<CheckpointManifest> | null;
  if (
    m === null || typeof m !== "object" || m.version !== CHECKPOINT_VERSION ||
    !Number.isSafeInteger(m.seq) || !Number.isSafeInteger(m.offset) || !Array.isArray(m.files)
  ) {
    throw new CheckpointError(
      `Cannot read checkpoint manifest ${file}: not a version ${CHECKPOINT_VERSION} manifest`,
    );
  }
  return m as CheckpointManifest;
}

/** Checks that `value` parsed from `file` is a data file of the supported version. */
export function checkData(value: unknown, file: string): CheckpointData {
  const d = value as Partial<CheckpointData> | null;
  if (
    d === null || typeof d !== "object" || d.version !== CHECKPOINT_VERSION ||
    typeof d.operators !== "object" || d.operators === null
  ) {
    throw new CheckpointError(
      `Cannot read checkpoint data ${file}: not a version ${CHECKPOINT_VERSION} data file`,
    );
  }
  return d as CheckpointData;
}

/**
 * Folds a chain of data files (a base, then deltas) into one base: per operator, the last
 * snapshot's meta and every key's latest state; keys whose latest state is `null` are dropped.
 */
export function foldChain(chain: readonly CheckpointData[]): CheckpointData {
  const merged = new Map<string, { last: AnySnapshot; keys: Map<string, unknown> }>();
  for (const data of chain) {
    for (const [name, snapshot] of Object.entries(data.operators)) {
      let entry = merged.get(name);
      if (entry === undefined || snapshot.full) {
        entry = { last: snapshot, keys: new Map() };
        merged.set(name, entry);
      }
      entry.last = snapshot;
      for (const [key, state] of snapshot.keys) entry.keys.set(key, state);
    }
  }
  const operators: Record<string, AnySnapshot> = {};
  for (const [name, { last, keys }] of merged) {
    const live = [...keys].filter(([, state]) => state !== null).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0
    );
    operators[name] = { ...last, full: true, keys: live };
  }
  return { version: 1, kind: "base", operators };
}
