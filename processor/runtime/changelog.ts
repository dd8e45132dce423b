/**
 * The state changelog: a compacted Kafka topic that mirrors every task's state, Kafka
 * Streams-style, so a partition that moves to an instance without its local checkpoint (another
 * machine, a wiped disk) is rebuilt from Kafka.
 *
 * Each checkpoint produces, inside the same transaction as its outputs and input offsets, the
 * changed keys of every operator (the same entries as the local delta file) and one meta record
 * of the task (input offset, watermarks, counters, operator meta), to the changelog partition
 * numbered like the input partition. So the read_committed changelog always holds exactly the
 * state of the group's committed offsets.
 *
 * Record keys are `${operator}\u0000${key}`, and `\u0000` for the meta record; a job with
 * several inputs prefixes them with `${inputTopic}\u0000`. A deleted key is a tombstone. Every
 * entry carries the epoch of the base checkpoint it descends from, so entries left over from an
 * earlier history of the partition (e.g. after the group's offsets were reset) are ignored.
 *
 * @module
 */
import type { ProducerRecord } from "@iot/kafka";
import { type AnySnapshot, CheckpointError } from "../state/format.ts";
import type { CheckpointInput } from "../state/task_store.ts";

/** The changelog format version this code writes and reads. */
export const CHANGELOG_VERSION = 1;

/** The stable name of a job's changelog topic. */
export function changelogTopic(groupId: string, job: string): string {
  return `${groupId}-${job}-changelog`;
}

/** The meta record of a task in the changelog. */
export interface ChangelogMeta {
  /** Format version, {@linkcode CHANGELOG_VERSION}. */
  readonly version: 1;
  /** The epoch of the entries that make up this state. */
  readonly epoch: string;
  /** The next input offset after this state (what the transaction committed). */
  readonly offset: number;
  /** The task's scalar state, as in a checkpoint manifest. */
  readonly task: unknown;
  /** Each operator's snapshot kind and scalar state. */
  readonly operators: Readonly<Record<string, { kind: string; meta: unknown }>>;
}

/** A task's state as read back from the changelog. */
export interface ChangelogState {
  /** The task's meta record. */
  readonly meta: ChangelogMeta;
  /** Full snapshots of the operators. */
  readonly operators: Readonly<Record<string, AnySnapshot>>;
  /** Records read. */
  readonly records: number;
}

interface Entry {
  readonly e: string;
  readonly s: unknown;
}

const decoder = new TextDecoder();

/** Where one task's state lives in the changelog. */
export interface ChangelogPlace {
  /** The changelog topic. */
  readonly topic: string;
  /** Its partition (the input partition). */
  readonly partition: number;
  /** The key prefix of the task (`""` for a job with one input). */
  readonly scope: string;
}

/** The changelog place of the task reading `input`/`partition` of a job with `inputs`. */
export function changelogPlace(
  topic: string,
  inputs: readonly string[],
  input: string,
  partition: number,
): ChangelogPlace {
  return { topic, partition, scope: inputs.length > 1 ? `${input}\u0000` : "" };
}

/**
 * The changelog records of a captured checkpoint: one per operator entry (a tombstone for a
 * deleted key), then the task's meta record.
 */
export function changelogRecords(
  place: ChangelogPlace,
  input: CheckpointInput,
  epoch: string,
): ProducerRecord[] {
  const { topic, partition, scope } = place;
  const records: ProducerRecord[] = [];
  const operators: Record<string, { kind: string; meta: unknown }> = {};
  for (const [name, snapshot] of Object.entries(input.operators)) {
    operators[name] = { kind: snapshot.kind, meta: snapshot.meta };
    for (const [key, state] of snapshot.keys) {
      const value = state === null ? null : JSON.stringify({ e: epoch, s: state } satisfies Entry);
      records.push({ topic, partition, key: `${scope}${name}\u0000${key}`, value });
    }
  }
  const meta: ChangelogMeta = {
    version: CHANGELOG_VERSION,
    epoch,
    offset: input.offset,
    task: input.task,
    operators,
  };
  records.push({ topic, partition, key: `${scope}\u0000`, value: JSON.stringify(meta) });
  return records;
}

/**
 * Folds changelog records of one task, in offset order, into its latest state: what
 * {@linkcode readChangelog} does with what it reads. No I/O.
 */
export class ChangelogFold {
  readonly #scope: string;
  #meta: ChangelogMeta | null = null;
  readonly #entries = new Map<string, Map<string, Entry | null>>();

  /** @param scope the task's key prefix ({@linkcode ChangelogPlace.scope}). */
  constructor(scope: string) {
    this.#scope = scope;
  }

  /** Applies one record (records of other tasks sharing the partition are skipped). */
  add(key: Uint8Array | null, value: Uint8Array | null): void {
    const text = key === null ? "" : decoder.decode(key);
    if (!text.startsWith(this.#scope)) return;
    const rest = text.slice(this.#scope.length);
    if (rest === "\u0000") {
      if (value !== null) this.#meta = JSON.parse(decoder.decode(value)) as ChangelogMeta;
      return;
    }
    const cut = rest.indexOf("\u0000");
    if (cut <= 0) return;
    const name = rest.slice(0, cut);
    let keys = this.#entries.get(name);
    if (keys === undefined) this.#entries.set(name, keys = new Map());
    keys.set(rest.slice(cut + 1), value === null ? null : JSON.parse(decoder.decode(value)));
  }

  /**
   * The folded state: full operator snapshots of the latest meta record's epoch, or `null`
   * without a meta record.
   *
   * @throws {CheckpointError} for a meta record of another format version.
   */
  result(records: number): ChangelogState | null {
    const meta = this.#meta;
    if (meta === null) return null;
    if (meta.version !== CHANGELOG_VERSION) {
      throw new CheckpointError(
        `Cannot restore from the changelog: meta record version ${meta.version} is not supported`,
      );
    }
    const operators: Record<string, AnySnapshot> = {};
    for (const [name, { kind, meta: opMeta }] of Object.entries(meta.operators)) {
      const live: Array<[string, unknown]> = [];
      for (const [key, entry] of this.#entries.get(name) ?? []) {
        if (entry !== null && entry.e === meta.epoch) live.push([key, entry.s]);
      }
      // Keys arrive in the order the base wrote them (sorted); only later new keys break it.
      if (!isSorted(live)) live.sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
      operators[name] = { version: 1, kind, full: true, meta: opMeta, keys: live };
    }
    return { meta, operators, records };
  }
}

function isSorted(entries: ReadonlyArray<readonly [string, unknown]>): boolean {
  for (let i = 1; i < entries.length; i++) if (!(entries[i - 1][0] < entries[i][0])) return false;
  return true;
}
