/**
 * Dynamic group configs (the GROUP config resource, KIP-848/KIP-932): per-group overrides stored
 * in the metadata store under `group-configs/<group>`, validated on write. The share coordinator
 * reads them for each share group (auto offset reset, acquisition lock duration, sessions).
 *
 * @module
 */
import { InvalidConfigError, type MetadataStore } from "../storage/mod.ts";
import type { GroupConfigEntry, GroupConfigStore } from "../handlers/mod.ts";

const PREFIX = "group-configs/";
const SOURCE = { DEFAULT: 5, DYNAMIC_GROUP: 8 };
const TYPE = { STRING: 2, INT: 3 };

interface Known {
  readonly def: string;
  readonly type: number;
  readonly check: (v: string) => string | null;
}

const intIn = (min: number, max: number) => (v: string) =>
  /^-?\d+$/.test(v) && Number(v) >= min && Number(v) <= max
    ? null
    : `an integer in [${min}, ${max}]`;
const oneOf = (...values: string[]) => (v: string) =>
  values.includes(v) ? null : `one of ${values.join(", ")}`;

/** The group configs this broker knows, with Kafka 4.3's defaults. */
const KNOWN: Record<string, Known> = {
  "share.auto.offset.reset": {
    def: "latest",
    type: TYPE.STRING,
    check: oneOf("latest", "earliest"),
  },
  // read_committed would need aborted records filtered out of share fetches: refused, not ignored.
  "share.isolation.level": {
    def: "read_uncommitted",
    type: TYPE.STRING,
    check: oneOf("read_uncommitted"),
  },
  "share.record.lock.duration.ms": { def: "30000", type: TYPE.INT, check: intIn(1000, 3_600_000) },
  "share.session.timeout.ms": { def: "45000", type: TYPE.INT, check: intIn(1000, 3_600_000) },
  "share.heartbeat.interval.ms": { def: "5000", type: TYPE.INT, check: intIn(100, 3_600_000) },
};

/** Per-group config overrides over a {@linkcode MetadataStore}. */
export class GroupConfigs implements GroupConfigStore {
  #metadata: MetadataStore;

  /** Group configs kept in `metadata`. */
  constructor(metadata: MetadataStore) {
    this.#metadata = metadata;
  }

  /** The group's set values. */
  overrides(group: string): Readonly<Record<string, string>> {
    return (this.#metadata.get(PREFIX + encodeURIComponent(group)) ?? {}) as Record<string, string>;
  }

  /** The effective value of `key` for `group` (set value or default). */
  value(group: string, key: string): string {
    return this.overrides(group)[key] ?? KNOWN[key]?.def ?? "";
  }

  /** The effective value of an integer `key`. */
  int(group: string, key: string): number {
    return Number(this.value(group, key));
  }

  /** Validates and stores `change(current)`; see {@linkcode GroupConfigStore.alter}. */
  async alter(
    group: string,
    change: (current: Readonly<Record<string, string>>) => Record<string, string>,
    validateOnly: boolean,
  ): Promise<void> {
    if (group === "") throw new InvalidConfigError("the group id must not be empty");
    const next = change(this.overrides(group));
    for (const [key, value] of Object.entries(next)) {
      const known = KNOWN[key];
      if (!known) throw new InvalidConfigError(`Unknown group config name: ${key}`);
      const problem = known.check(value);
      if (problem) {
        throw new InvalidConfigError(`Invalid value ${value} for ${key}: expected ${problem}`);
      }
    }
    if (validateOnly) return;
    const key = PREFIX + encodeURIComponent(group);
    if (Object.keys(next).length === 0) await this.#metadata.delete(key);
    else await this.#metadata.set(key, next);
  }

  /** Describes the group's configs; see {@linkcode GroupConfigStore.describe}. */
  describe(group: string, keys: readonly string[] | null): GroupConfigEntry[] {
    const set = this.overrides(group);
    return Object.keys(KNOWN).sort().filter((k) => keys === null || keys.includes(k)).map((
      name,
    ) => ({
      name,
      value: set[name] ?? KNOWN[name].def,
      source: Object.hasOwn(set, name) ? SOURCE.DYNAMIC_GROUP : SOURCE.DEFAULT,
      type: KNOWN[name].type,
    }));
  }

  /** Forgets the group's configs (the group was deleted). */
  async delete(group: string): Promise<void> {
    const key = PREFIX + encodeURIComponent(group);
    if (this.#metadata.get(key) !== undefined) await this.#metadata.delete(key);
  }
}
