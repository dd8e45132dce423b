/**
 * The KIP-848 consumer groups of this coordinator: the groups, each member's session and
 * revocation timers, and durability. Every change to a group is written to the metadata store
 * (`consumer-groups/<group>`) before the heartbeat that caused it is answered, so after a restart
 * members carry on with the epochs and assignments they have instead of rejoining.
 *
 * @module
 */
import type { MetadataStore } from "../storage/mod.ts";
import type { AssignableTopic, TopicPartitions } from "./assignors.ts";
import {
  ConsumerGroup,
  type ConsumerGroupSnapshot,
  type ConsumerMember,
  countPartitions,
} from "./consumer_group.ts";
import type { Scheduler } from "./scheduler.ts";

/** Settings of KIP-848 groups; defaults are Kafka's. */
export interface ConsumerGroupOptions {
  /** `group.consumer.session.timeout.ms`. Default: 45000. */
  consumerSessionTimeoutMs?: number;
  /** `group.consumer.heartbeat.interval.ms`. Default: 5000. */
  consumerHeartbeatIntervalMs?: number;
}

const PREFIX = "consumer-groups/";

interface Timers {
  session: () => void;
  revocation: (() => void) | null;
}

/** All consumer groups, their timers and their persistence. */
export class ConsumerGroups {
  /** Groups by id. */
  readonly groups = new Map<string, ConsumerGroup>();
  /** Settings with defaults applied. */
  readonly options: Required<ConsumerGroupOptions>;
  /** The assignment last sent to each member (only changes are sent; a restart resends). */
  readonly lastSent = new WeakMap<ConsumerMember, TopicPartitions>();
  /** The topics that exist now (ids, names, partition counts). */
  readonly topics: () => AssignableTopic[];
  #metadata: MetadataStore;
  #scheduler: Scheduler;
  #onError: (e: unknown) => void;
  #timers = new Map<ConsumerMember, Timers>();
  #persisted = new Map<string, string>();
  #writes = new Set<Promise<void>>();
  #closed = false;

  /** Loads the groups stored in `metadata` and starts their members' sessions. */
  constructor(deps: {
    metadata: MetadataStore;
    scheduler: Scheduler;
    topics: () => AssignableTopic[];
    options: ConsumerGroupOptions;
    onError: (e: unknown) => void;
  }) {
    this.#metadata = deps.metadata;
    this.#scheduler = deps.scheduler;
    this.topics = deps.topics;
    this.#onError = deps.onError;
    this.options = {
      consumerSessionTimeoutMs: deps.options.consumerSessionTimeoutMs ?? 45000,
      consumerHeartbeatIntervalMs: deps.options.consumerHeartbeatIntervalMs ?? 5000,
    };
    for (const [key, value] of deps.metadata.entries(PREFIX)) {
      const groupId = decodeURIComponent(key.slice(PREFIX.length));
      const group = ConsumerGroup.restore(groupId, value as unknown as ConsumerGroupSnapshot);
      this.groups.set(groupId, group);
      this.#persisted.set(groupId, JSON.stringify(value));
      for (const m of group.members.values()) this.touch(group, m);
    }
  }

  /** True after {@linkcode close}. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The group, created empty if missing. */
  getOrCreate(groupId: string): ConsumerGroup {
    let g = this.groups.get(groupId);
    if (!g) this.groups.set(groupId, g = new ConsumerGroup(groupId));
    return g;
  }

  /** Restarts the member's session, and arms or cancels its revocation deadline. */
  touch(group: ConsumerGroup, m: ConsumerMember): void {
    const timers = this.#timers.get(m) ?? { session: () => {}, revocation: null };
    this.#timers.set(m, timers);
    timers.session();
    timers.session = this.#schedule(this.options.consumerSessionTimeoutMs, () => {
      this.remove(group, m);
      this.persist(group).catch(this.#onError);
    });
    const revoking = countPartitions(m.revoking) > 0;
    if (!revoking) {
      timers.revocation?.();
      timers.revocation = null;
    } else if (timers.revocation === null) {
      // A member that does not give partitions up in time is fenced, so others can have them.
      timers.revocation = this.#schedule(m.rebalanceTimeoutMs, () => {
        if (countPartitions(m.revoking) === 0) return;
        this.remove(group, m);
        this.persist(group).catch(this.#onError);
      });
    }
  }

  /** Removes a member (leave, expiry, fencing); its partitions are free at once. */
  remove(group: ConsumerGroup, m: ConsumerMember): void {
    const timers = this.#timers.get(m);
    timers?.session();
    timers?.revocation?.();
    this.#timers.delete(m);
    if (group.members.get(m.memberId) === m) group.members.delete(m.memberId);
    group.target.delete(m.memberId);
  }

  /** Writes the group if it changed since the last write; resolves when durable. */
  persist(group: ConsumerGroup): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const snapshot = group.snapshot();
    const text = JSON.stringify(snapshot);
    if (this.#persisted.get(group.groupId) === text) return Promise.resolve();
    this.#persisted.set(group.groupId, text);
    return this.#track(this.#metadata.set(this.#key(group.groupId), JSON.parse(text)));
  }

  /** Deletes an empty group's record; false if it has members. */
  async delete(groupId: string): Promise<boolean> {
    const group = this.groups.get(groupId);
    if (!group) return true;
    if (group.members.size > 0) return false;
    this.groups.delete(groupId);
    this.#persisted.delete(groupId);
    await this.#track(this.#metadata.delete(this.#key(groupId)));
    return true;
  }

  /** Cancels every timer and waits for pending writes. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#timers.values()) {
      t.session();
      t.revocation?.();
    }
    this.#timers.clear();
    await Promise.all(this.#writes);
  }

  #key(groupId: string): string {
    return `${PREFIX}${encodeURIComponent(groupId)}`;
  }

  #schedule(ms: number, fn: () => void): () => void {
    return this.#closed ? () => {} : this.#scheduler.schedule(ms, fn);
  }

  #track(write: Promise<void>): Promise<void> {
    const tracked = write.finally(() => this.#writes.delete(tracked));
    this.#writes.add(tracked);
    return tracked;
  }
}
