/**
 * A consumer group of the fake cluster: committed offsets, and members that share the partitions
 * of their subscriptions (partition i of the sorted list goes to member i mod n, in join order).
 *
 * @module
 */
import type { TopicPartition } from "../partitions.ts";

/** A member of a {@linkcode FakeGroup}: a subscribed fake consumer. */
export interface GroupMember {
  /** The topics it subscribed to. */
  readonly topics: readonly string[];
  /** Told its whole new assignment; it works out what was revoked and assigned. */
  reassign(partitions: TopicPartition[]): void;
}

/** Where partition counts come from (the cluster). */
interface PartitionSource {
  partitionCount(topic: string): number | undefined;
  notify(): void;
}

/** A consumer group's members and committed offsets. */
export class FakeGroup {
  readonly #cluster: PartitionSource;
  readonly #committed = new Map<string, number>();
  readonly #members: GroupMember[] = [];

  /** @param cluster the cluster the group's topics live in. */
  constructor(cluster: PartitionSource) {
    this.#cluster = cluster;
  }

  /** The committed offset (next to read) of a partition, or `undefined` when none. */
  committed(topic: string, partition: number): number | undefined {
    return this.#committed.get(`${topic}\u0000${partition}`);
  }

  /** Commits `offset` for a partition. */
  commit(topic: string, partition: number, offset: number): void {
    this.#committed.set(`${topic}\u0000${partition}`, offset);
  }

  /** Adds a member and rebalances. */
  join(member: GroupMember): void {
    this.#members.push(member);
    this.rebalance();
  }

  /** Removes a member (if present) and rebalances the others. */
  leave(member: GroupMember): void {
    const i = this.#members.indexOf(member);
    if (i < 0) return;
    this.#members.splice(i, 1);
    this.rebalance();
  }

  /** Deals the subscribed partitions out to the members again. */
  rebalance(): void {
    const topics = [...new Set(this.#members.flatMap((m) => m.topics))].sort();
    const all: TopicPartition[] = [];
    for (const topic of topics) {
      const n = this.#cluster.partitionCount(topic) ?? 0;
      for (let partition = 0; partition < n; partition++) all.push({ topic, partition });
    }
    const shares = this.#members.map(() => [] as TopicPartition[]);
    let next = 0;
    for (const tp of all) {
      const candidates = this.#members.map((m, i) => [m, i] as const)
        .filter(([m]) => m.topics.includes(tp.topic));
      if (candidates.length === 0) continue;
      shares[candidates[next++ % candidates.length][1]].push(tp);
    }
    this.#members.forEach((m, i) => m.reassign(shares[i]));
    this.#cluster.notify();
  }
}
