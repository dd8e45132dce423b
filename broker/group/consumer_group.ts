/**
 * One KIP-848 consumer group: members with their subscriptions, the group epoch, the target
 * assignment the server-side assignor computed for it, and each member's reconciliation towards
 * its target (revoke first, then take partitions once their previous owner released them).
 * Plain data and pure decisions; {@linkcode ConsumerGroups} adds timers and persistence.
 *
 * @module
 */
import {
  type AssignableTopic,
  type AssignorMember,
  ASSIGNORS,
  DEFAULT_ASSIGNOR,
  type TopicPartitions,
} from "./assignors.ts";

/** A member of a consumer group, as persisted (no timers). */
export interface ConsumerMember {
  /** Member id (client-generated from ConsumerGroupHeartbeat v1, else coordinator-generated). */
  memberId: string;
  /** Static membership id, or null. */
  instanceId: string | null;
  /** Rack, or null. */
  rackId: string | null;
  /** Client id from the request header. */
  clientId: string;
  /** `/host` of the client's address. */
  clientHost: string;
  /** How long the member may take to revoke partitions. */
  rebalanceTimeoutMs: number;
  /** Subscribed topic names. */
  subscribedTopicNames: string[];
  /** Subscribed topic regex (matched against whole names), or null. */
  subscribedTopicRegex: string | null;
  /** Assignor the member asked for, or null. */
  serverAssignor: string | null;
  /** The epoch of the member's current assignment. */
  memberEpoch: number;
  /** The epoch before the last bump (a lost response may leave the client one behind). */
  previousMemberEpoch: number;
  /** Partitions the member owns at `memberEpoch`. */
  assigned: TopicPartitions;
  /** Partitions the member must give up before it moves on. */
  revoking: TopicPartitions;
}

/** Consumer group states, as Kafka names them in ListGroups and ConsumerGroupDescribe. */
export type ConsumerGroupState = "Empty" | "Reconciling" | "Stable";

/** Kafka's member states (ConsumerGroupDescribe does not report them; logs and tests do). */
export type MemberState = "stable" | "unrevoked_partitions" | "unreleased_partitions";

/** What `groups/<id>` of a consumer group holds. */
export interface ConsumerGroupSnapshot {
  /** Group epoch. */
  groupEpoch: number;
  /** Epoch of the target assignment. */
  assignmentEpoch: number;
  /** The fingerprint the target was computed for. */
  assignedFor: string;
  /** Assignor of the current target. */
  assignor: string;
  /** Target assignment by member id. */
  target: Record<string, TopicPartitions>;
  /** Members. */
  members: ConsumerMember[];
}

/** Number of partitions in an assignment. */
export function countPartitions(a: TopicPartitions): number {
  return Object.values(a).reduce((n, ps) => n + ps.length, 0);
}

function keys(a: TopicPartitions): Set<string> {
  return new Set(Object.entries(a).flatMap(([id, ps]) => ps.map((p) => `${id}:${p}`)));
}

function fromKeys(ks: Iterable<string>): TopicPartitions {
  const out: TopicPartitions = {};
  for (const k of ks) {
    const i = k.lastIndexOf(":");
    (out[k.slice(0, i)] ??= []).push(Number(k.slice(i + 1)));
  }
  for (const ps of Object.values(out)) ps.sort((a, b) => a - b);
  return out;
}

/** Whether two assignments hold the same partitions. */
export function sameAssignment(a: TopicPartitions, b: TopicPartitions): boolean {
  const ka = keys(a);
  const kb = keys(b);
  return ka.size === kb.size && [...ka].every((k) => kb.has(k));
}

/** Whether every partition of `a` is in `b`. */
export function isSubset(a: TopicPartitions, b: TopicPartitions): boolean {
  const kb = keys(b);
  return [...keys(a)].every((k) => kb.has(k));
}

/** Compiles a subscription regex as Kafka matches it (the whole name); throws on bad syntax. */
export function compileTopicRegex(source: string): RegExp {
  return new RegExp(`^(?:${source})$`);
}

/** The state of one consumer group. */
export class ConsumerGroup {
  /** The group id. */
  readonly groupId: string;
  /** Bumped whenever what the target depends on changes. */
  groupEpoch = 0;
  /** The group epoch the target assignment was computed at. */
  assignmentEpoch = 0;
  /** Fingerprint of members, subscriptions and topic metadata behind the target. */
  assignedFor = "";
  /** Assignor of the current target. */
  assignor = DEFAULT_ASSIGNOR;
  /** Members by id. */
  readonly members = new Map<string, ConsumerMember>();
  /** Target assignment by member id. */
  target = new Map<string, TopicPartitions>();

  /** Creates an empty group. */
  constructor(groupId: string) {
    this.groupId = groupId;
  }

  /** Rebuilds a group from its snapshot. */
  static restore(groupId: string, s: ConsumerGroupSnapshot): ConsumerGroup {
    const g = new ConsumerGroup(groupId);
    g.groupEpoch = s.groupEpoch;
    g.assignmentEpoch = s.assignmentEpoch;
    g.assignedFor = s.assignedFor;
    g.assignor = s.assignor;
    g.target = new Map(Object.entries(s.target));
    for (const m of s.members) g.members.set(m.memberId, structuredClone(m));
    return g;
  }

  /** Plain data for the metadata store. */
  snapshot(): ConsumerGroupSnapshot {
    return {
      groupEpoch: this.groupEpoch,
      assignmentEpoch: this.assignmentEpoch,
      assignedFor: this.assignedFor,
      assignor: this.assignor,
      target: Object.fromEntries(this.target),
      members: [...this.members.values()].map((m) => structuredClone(m)),
    };
  }

  /** Empty without members; Reconciling until every member reached its target; else Stable. */
  state(): ConsumerGroupState {
    if (this.members.size === 0) return "Empty";
    for (const m of this.members.values()) {
      if (this.memberState(m) !== "stable") return "Reconciling";
    }
    return "Stable";
  }

  /** Where a member stands relative to its target. */
  memberState(m: ConsumerMember): MemberState {
    if (countPartitions(m.revoking) > 0) return "unrevoked_partitions";
    if (m.memberEpoch !== this.assignmentEpoch) return "unreleased_partitions";
    return sameAssignment(m.assigned, this.target.get(m.memberId) ?? {})
      ? "stable"
      : "unreleased_partitions";
  }

  /** Ids of the topics (of `topics`) a member subscribes to by name or regex. */
  subscribedIds(m: ConsumerMember, topics: readonly AssignableTopic[]): Set<string> {
    const names = new Set(m.subscribedTopicNames);
    let regex: RegExp | null = null;
    try {
      regex = m.subscribedTopicRegex === null ? null : compileTopicRegex(m.subscribedTopicRegex);
    } catch {
      // Validated when the member sent it; a stored one that fails matches nothing.
    }
    return new Set(
      topics.filter((t) => names.has(t.name) || (regex?.test(t.name) ?? false)).map((t) => t.id),
    );
  }

  /** The assignor most members ask for (ties: the default), as Kafka picks it. */
  chooseAssignor(): string {
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      if (m.serverAssignor !== null) {
        votes.set(m.serverAssignor, (votes.get(m.serverAssignor) ?? 0) + 1);
      }
    }
    let best = DEFAULT_ASSIGNOR;
    for (const [name, n] of votes) if (n > (votes.get(best) ?? 0)) best = name;
    return best;
  }

  /**
   * Recomputes the target if members, subscriptions, the assignor or the subscribed topics'
   * partitions changed since the last one (bumping the group epoch). Returns true if it did.
   */
  refreshTarget(topics: readonly AssignableTopic[]): boolean {
    const assignor = this.chooseAssignor();
    const inputs: AssignorMember[] = [...this.members.values()]
      .sort((a, b) => a.memberId < b.memberId ? -1 : 1)
      .map((m) => ({
        memberId: m.memberId,
        topics: this.subscribedIds(m, topics),
        previous: this.target.get(m.memberId) ?? {},
      }));
    const used = new Set(inputs.flatMap((m) => [...m.topics]));
    const fingerprint = JSON.stringify([
      assignor,
      inputs.map((m) => [m.memberId, [...m.topics].sort()]),
      topics.filter((t) => used.has(t.id)).map((t) => [t.id, t.partitions]).sort(),
    ]);
    if (fingerprint === this.assignedFor) return false;
    this.groupEpoch++;
    this.assignor = assignor;
    const byId = new Map(topics.map((t) => [t.id, t]));
    this.target = ASSIGNORS.get(assignor)!(inputs, byId);
    this.assignmentEpoch = this.groupEpoch;
    this.assignedFor = fingerprint;
    return true;
  }

  /**
   * Moves a member towards its target. `owned` is what the client reported owning (null when it
   * did not say). Partitions leave first (the member keeps its epoch until the client confirms
   * by no longer reporting them); then the member takes the new epoch and the target partitions
   * no other member still holds; the rest follow on later heartbeats once released.
   */
  reconcile(m: ConsumerMember, owned: TopicPartitions | null): void {
    if (countPartitions(m.revoking) > 0) {
      const revoking = keys(m.revoking);
      if (owned === null || [...keys(owned)].some((k) => revoking.has(k))) return;
      m.revoking = {};
    }
    const target = keys(this.target.get(m.memberId) ?? {});
    const assigned = keys(m.assigned);
    const leaving = [...assigned].filter((k) => !target.has(k));
    if (leaving.length > 0) {
      m.assigned = fromKeys([...assigned].filter((k) => target.has(k)));
      m.revoking = fromKeys(leaving);
      return;
    }
    if (m.memberEpoch !== this.assignmentEpoch) {
      m.previousMemberEpoch = m.memberEpoch;
      m.memberEpoch = this.assignmentEpoch;
    }
    const held = new Set<string>();
    for (const other of this.members.values()) {
      if (other === m) continue;
      for (const k of keys(other.assigned)) held.add(k);
      for (const k of keys(other.revoking)) held.add(k);
    }
    m.assigned = fromKeys([...target].filter((k) => assigned.has(k) || !held.has(k)));
  }
}
