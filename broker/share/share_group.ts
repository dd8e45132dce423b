/**
 * Share-group membership (KIP-932): members, their subscriptions and sessions, and the
 * server-side assignment. Unlike a consumer group, a partition may be assigned to several members
 * at once (records are locked one by one, not partitions), so an assignment change needs no
 * revocation round: every member moves to the new group epoch with its new partitions at once.
 *
 * @module
 */
import type { AssignableTopic, TopicPartitions } from "../group/mod.ts";

/** A member of a share group. */
export interface ShareMember {
  /** Client-generated member id. */
  readonly memberId: string;
  /** The member epoch (the group epoch of its current assignment). */
  epoch: number;
  /** The epoch whose assignment the member was last sent (-1: none yet). */
  sentEpoch: number;
  /** Rack id, or null. */
  rackId: string | null;
  /** Client id of the last heartbeat. */
  clientId: string;
  /** Client address of the last heartbeat. */
  clientHost: string;
  /** Subscribed topic names. */
  subscribed: string[];
  /** Assigned partitions by topic id. */
  assignment: TopicPartitions;
  /** When the session expires without a heartbeat (ms, the coordinator's clock). */
  expiresAt: number;
}

/** One share group's members and epoch. */
export class ShareGroup {
  /** The group id. */
  readonly groupId: string;
  /** Bumped on every membership or assignment change. */
  epoch: number;
  /** Members by id. */
  readonly members = new Map<string, ShareMember>();

  /** A group at `epoch` (0 for a new one, the stored epoch after a restart). */
  constructor(groupId: string, epoch = 0) {
    this.groupId = groupId;
    this.epoch = epoch;
  }

  /** `Empty` or `Stable` (assignments change at once, so there is no reconciling state). */
  get state(): "Empty" | "Stable" {
    return this.members.size === 0 ? "Empty" : "Stable";
  }

  /**
   * Recomputes every member's assignment from the topics that exist now; when anything changed
   * the group epoch goes up and every member moves to it. Returns whether it changed.
   */
  reassign(topics: readonly AssignableTopic[]): boolean {
    const next = assignShare([...this.members.values()], topics);
    let changed = false;
    for (const m of this.members.values()) {
      const a = next.get(m.memberId) ?? {};
      if (JSON.stringify(a) !== JSON.stringify(m.assignment)) {
        m.assignment = a;
        changed = true;
      }
    }
    if (changed) this.epoch++;
    for (const m of this.members.values()) m.epoch = this.epoch;
    return changed;
  }
}

/**
 * The share assignment: the partitions of the topics members subscribe to, spread round robin
 * over the members subscribing (sorted by id) when there are at least as many partitions as
 * members, and each partition shared by several members when there are more members than
 * partitions, so no member idles.
 */
export function assignShare(
  members: readonly Pick<ShareMember, "memberId" | "subscribed">[],
  topics: readonly AssignableTopic[],
): Map<string, TopicPartitions> {
  const out = new Map<string, TopicPartitions>(members.map((m) => [m.memberId, {}]));
  const sorted = [...topics].sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  for (const topic of sorted) {
    const subs = members.filter((m) => m.subscribed.includes(topic.name))
      .map((m) => m.memberId).sort();
    if (subs.length === 0 || topic.partitions === 0) continue;
    const n = Math.max(subs.length, topic.partitions);
    for (let i = 0; i < n; i++) {
      const a = out.get(subs[i % subs.length])!;
      const ps = a[topic.id] ??= [];
      const p = i % topic.partitions;
      if (!ps.includes(p)) ps.push(p);
    }
  }
  for (const a of out.values()) for (const ps of Object.values(a)) ps.sort((x, y) => x - y);
  return out;
}
