/**
 * Committed consumer offsets, stored in the {@linkcode MetadataStore} under
 * `offsets/<group>/<topic>/<partition>` (group id URI-encoded so prefixes cannot collide), plus
 * the small per-group record `groups/<group>` (protocol type and generation) that lets generations
 * keep increasing across restarts.
 *
 * @module
 */
import type { JsonValue, MetadataStore } from "../storage/mod.ts";

/** One committed offset. */
export interface CommittedOffset {
  /** The next offset to consume. */
  offset: number;
  /** Leader epoch of the committed record, or -1. */
  leaderEpoch: number;
  /** Client metadata string ("" when the client sent null). */
  metadata: string;
  /** Commit time (ms since epoch). */
  commitTimestamp: number;
}

/** What survives a restart of a group besides its offsets. */
export interface StoredGroup {
  /** Protocol type of the last generation, or null. */
  protocolType: string | null;
  /** Last generation id. */
  generationId: number;
  /** Protocol of the generation, while the group is Stable. */
  protocolName?: string | null;
  /** Leader's member id, while the group is Stable. */
  leaderId?: string | null;
  /** Members of a Stable group (empty otherwise). */
  members?: StoredMember[];
}

/** A Stable group's member as stored (byte fields base64). */
export interface StoredMember {
  /** Member id. */
  memberId: string;
  /** Static instance id, or null. */
  groupInstanceId: string | null;
  /** Client id. */
  clientId: string;
  /** `/host` of the client. */
  clientHost: string;
  /** Session timeout. */
  sessionTimeoutMs: number;
  /** Rebalance timeout. */
  rebalanceTimeoutMs: number;
  /** Protocols with base64 metadata. */
  protocols: { name: string; metadata: string }[];
  /** Base64 assignment. */
  assignment: string;
}

const OFFSETS = "offsets/";
const GROUPS = "groups/";

function groupPrefix(groupId: string): string {
  return `${OFFSETS}${encodeURIComponent(groupId)}/`;
}

function offsetKey(groupId: string, topic: string, partition: number): string {
  return `${groupPrefix(groupId)}${encodeURIComponent(topic)}/${partition}`;
}

/** Offsets and group records over a metadata store. */
export class OffsetStore {
  #store: MetadataStore;

  /** Wraps `store` (shared with other coordinator state; keys are prefixed). */
  constructor(store: MetadataStore) {
    this.#store = store;
  }

  /** Group ids that have offsets or a stored group record. */
  groupIds(): string[] {
    const ids = new Set<string>();
    for (const [key] of this.#store.entries(OFFSETS)) {
      ids.add(decodeURIComponent(key.slice(OFFSETS.length).split("/")[0]));
    }
    for (const [key] of this.#store.entries(GROUPS)) {
      ids.add(decodeURIComponent(key.slice(GROUPS.length)));
    }
    return [...ids];
  }

  /** The stored group record, if any. */
  storedGroup(groupId: string): StoredGroup | undefined {
    const v = this.#store.get(`${GROUPS}${encodeURIComponent(groupId)}`) as
      | StoredGroup
      | undefined;
    return v ? structuredClone(v) : undefined;
  }

  /** Persists the group record; resolves when durable. */
  saveGroup(groupId: string, group: StoredGroup): Promise<void> {
    return this.#store.set(
      `${GROUPS}${encodeURIComponent(groupId)}`,
      JSON.parse(JSON.stringify(group)) as JsonValue,
    );
  }

  /** Stores offsets atomically; resolves when durable. */
  commit(
    groupId: string,
    offsets: { topic: string; partition: number; value: CommittedOffset }[],
  ): Promise<void> {
    const set: Record<string, JsonValue> = {};
    for (const o of offsets) set[offsetKey(groupId, o.topic, o.partition)] = { ...o.value };
    return this.#store.apply({ set });
  }

  /** The committed offset for one partition, or undefined. */
  get(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.#store.get(offsetKey(groupId, topic, partition)) as CommittedOffset | undefined;
  }

  /** Every committed offset of a group, grouped by topic (partitions ascending). */
  all(groupId: string): Map<string, Map<number, CommittedOffset>> {
    const prefix = groupPrefix(groupId);
    const out = new Map<string, Map<number, CommittedOffset>>();
    for (const [key, value] of this.#store.entries(prefix)) {
      const [topicEnc, partition] = key.slice(prefix.length).split("/");
      const topic = decodeURIComponent(topicEnc);
      if (!out.has(topic)) out.set(topic, new Map());
      out.get(topic)!.set(Number(partition), value as unknown as CommittedOffset);
    }
    for (const parts of out.values()) {
      const sorted = [...parts].sort((a, b) => a[0] - b[0]);
      parts.clear();
      for (const [p, v] of sorted) parts.set(p, v);
    }
    return out;
  }

  /** Deletes some committed offsets of a group (OffsetDelete); resolves when durable. */
  async deleteOffsets(
    groupId: string,
    partitions: { topic: string; partition: number }[],
  ): Promise<void> {
    if (partitions.length === 0) return;
    await this.#store.apply({
      delete: partitions.map((p) => offsetKey(groupId, p.topic, p.partition)),
    });
  }

  /** Deletes a group's offsets and record; resolves when durable. */
  async deleteGroup(groupId: string): Promise<void> {
    const keys = this.#store.entries(groupPrefix(groupId)).map(([k]) => k);
    keys.push(`${GROUPS}${encodeURIComponent(groupId)}`);
    await this.#store.apply({ delete: keys });
  }
}
