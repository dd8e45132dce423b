/**
 * What the share-group handlers share: groups, share-partition states, sessions, configs, the
 * topic store and the clock.
 *
 * @module
 */
import type { AssignableTopic } from "../group/mod.ts";
import type { LogStore, MetadataStore } from "../storage/mod.ts";
import type { GroupConfigs } from "./group_configs.ts";
import { ShareGroup, type ShareMember } from "./share_group.ts";
import type { SharePartitionKey, ShareStates } from "./share_states.ts";

/** A share session (ShareFetch/ShareAcknowledge of one member). */
export interface ShareSession {
  /** The epoch the next request must carry. */
  epoch: number;
  /** The session's partitions, `topicId/partition`. */
  partitions: Set<string>;
  /** Where the next fetch starts among the partitions (round robin for fairness). */
  cursor: number;
}

const GROUPS = "share-groups/";

/** State and services of the share coordinator. */
export class ShareContext {
  /** Topics and partition logs. */
  readonly store: LogStore;
  /** Share-partition states. */
  readonly states: ShareStates;
  /** Group configs. */
  readonly configs: GroupConfigs;
  /** Share groups by id. */
  readonly groups = new Map<string, ShareGroup>();
  /** Share sessions by `group\0member`. */
  readonly sessions = new Map<string, ShareSession>();
  /** This broker's node id (the leader of every partition). */
  readonly nodeId: number;
  /** Clock in ms. */
  readonly now: () => number;
  /** Reports a failed background write. */
  readonly onError: (e: unknown) => void;
  /** The topics that exist (wire ids, names, partition counts). */
  readonly topics: () => AssignableTopic[];
  #metadata: MetadataStore;

  /** Loads the share groups stored in `metadata` (without members: they rejoin). */
  constructor(deps: {
    store: LogStore;
    metadata: MetadataStore;
    states: ShareStates;
    configs: GroupConfigs;
    topics: () => AssignableTopic[];
    nodeId: number;
    now: () => number;
    onError: (e: unknown) => void;
  }) {
    this.nodeId = deps.nodeId;
    this.store = deps.store;
    this.#metadata = deps.metadata;
    this.states = deps.states;
    this.configs = deps.configs;
    this.topics = deps.topics;
    this.now = deps.now;
    this.onError = deps.onError;
    for (const [key, value] of deps.metadata.entries(GROUPS)) {
      const groupId = decodeURIComponent(key.slice(GROUPS.length));
      const epoch = (value as { epoch?: number }).epoch ?? 0;
      this.groups.set(groupId, new ShareGroup(groupId, epoch));
    }
  }

  /** The topic with wire id `id`, if it exists. */
  topicById(id: string): AssignableTopic | undefined {
    return this.topics().find((t) => t.id === id);
  }

  /** The group, created (and stored) if new. */
  async ensureGroup(groupId: string): Promise<ShareGroup> {
    let g = this.groups.get(groupId);
    if (!g) {
      g = new ShareGroup(groupId);
      this.groups.set(groupId, g);
      await this.saveGroup(g);
    }
    return g;
  }

  /** Stores the group's epoch (members are not stored: after a restart they rejoin). */
  saveGroup(g: ShareGroup): Promise<void> {
    return this.#metadata.set(GROUPS + encodeURIComponent(g.groupId), { epoch: g.epoch });
  }

  /** Forgets a group: its record, states, sessions and configs. */
  async deleteGroup(groupId: string): Promise<void> {
    this.groups.delete(groupId);
    for (const key of [...this.sessions.keys()]) {
      if (key.startsWith(`${groupId}\0`)) this.sessions.delete(key);
    }
    await this.states.delete(this.states.partitionsOf(groupId));
    await this.configs.delete(groupId);
    const key = GROUPS + encodeURIComponent(groupId);
    if (this.#metadata.get(key) !== undefined) await this.#metadata.delete(key);
  }

  /**
   * Releases every record `member` holds in `group` (it left, its session closed or expired) and
   * wakes fetches waiting for records.
   */
  async releaseMember(group: string, member: string): Promise<void> {
    const writes: Promise<void>[] = [];
    for (const [k, sp] of this.states.loaded()) {
      if (k.group === group && sp.releaseMember(member)) writes.push(this.states.persist(k));
    }
    if (writes.length > 0) this.states.notify();
    await Promise.all(writes);
  }

  /** Removes a member from its group and reassigns the rest. */
  async removeMember(group: ShareGroup, member: ShareMember): Promise<void> {
    group.members.delete(member.memberId);
    this.sessions.delete(`${group.groupId}\0${member.memberId}`);
    if (!group.reassign(this.topics())) group.epoch++;
    for (const m of group.members.values()) m.epoch = group.epoch;
    await this.saveGroup(group);
    await this.releaseMember(group.groupId, member.memberId);
  }

  /** Expires sessions past their timeout and locks past their duration; runs periodically. */
  async sweep(): Promise<void> {
    const now = this.now();
    for (const g of this.groups.values()) {
      for (const m of [...g.members.values()]) {
        if (m.expiresAt <= now) await this.removeMember(g, m);
      }
    }
    const writes: Promise<void>[] = [];
    for (const [k, sp] of this.states.loaded()) {
      if (sp.expireLocks(now)) writes.push(this.states.persist(k));
    }
    if (writes.length > 0) this.states.notify();
    await Promise.all(writes);
  }

  /** The share-partition key of a topic id and partition in `group`. */
  static key(group: string, topicId: string, partition: number): SharePartitionKey {
    return { group, topicId, partition };
  }
}
