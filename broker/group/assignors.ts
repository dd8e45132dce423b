/**
 * Server-side assignors of KIP-848 consumer groups: `uniform` (balanced and sticky, Kafka's
 * default) and `range` (per topic, contiguous ranges over members sorted by id, so members that
 * subscribe to the same co-partitioned topics get the same partition numbers). Pure functions
 * over topic ids: the coordinator resolves names and ids.
 *
 * @module
 */

/** Partitions by topic id, ascending. */
export type TopicPartitions = Record<string, number[]>;

/** A topic as the assignors see it. */
export interface AssignableTopic {
  /** Topic id (wire form). */
  id: string;
  /** Topic name (the range assignor and tie-breaks order by it). */
  name: string;
  /** Partition count. */
  partitions: number;
}

/** One member's input to an assignor. */
export interface AssignorMember {
  /** Member id. */
  memberId: string;
  /** Ids of the topics the member subscribes to (resolved names and regex). */
  topics: ReadonlySet<string>;
  /** The member's previous target assignment (stickiness). */
  previous: TopicPartitions;
}

/** Computes a target assignment for every member (members without partitions get `{}`). */
export type Assignor = (
  members: readonly AssignorMember[],
  topics: ReadonlyMap<string, AssignableTopic>,
) => Map<string, TopicPartitions>;

interface Slot {
  topic: AssignableTopic;
  partition: number;
}

function slotsOf(topics: Iterable<AssignableTopic>): Slot[] {
  const sorted = [...topics].sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return sorted.flatMap((topic) =>
    Array.from({ length: topic.partitions }, (_, partition) => ({ topic, partition }))
  );
}

function emptyResult(members: readonly AssignorMember[]): Map<string, TopicPartitions> {
  return new Map(members.map((m) => [m.memberId, {}]));
}

function add(out: TopicPartitions, topicId: string, partition: number): void {
  (out[topicId] ??= []).push(partition);
}

function sortAll(result: Map<string, TopicPartitions>): Map<string, TopicPartitions> {
  for (const a of result.values()) for (const ps of Object.values(a)) ps.sort((x, y) => x - y);
  return result;
}

/** The topics some member subscribes to and that exist. */
function subscribed(
  members: readonly AssignorMember[],
  topics: ReadonlyMap<string, AssignableTopic>,
): AssignableTopic[] {
  const ids = new Set(members.flatMap((m) => [...m.topics]));
  return [...ids].map((id) => topics.get(id)).filter((t) => t !== undefined);
}

/**
 * Kafka's `uniform` assignor: every partition of a subscribed topic goes to one subscribed
 * member, loads differ by at most one when all members subscribe to the same topics, and members
 * keep their previous partitions as far as balance allows (fewer revocations).
 */
export function uniformAssignor(
  members: readonly AssignorMember[],
  topics: ReadonlyMap<string, AssignableTopic>,
): Map<string, TopicPartitions> {
  const result = emptyResult(members);
  const load = new Map(members.map((m) => [m.memberId, 0]));
  const order = [...members].sort((a, b) => a.memberId < b.memberId ? -1 : 1);
  const slots = slotsOf(subscribed(members, topics));
  const owner = new Map<string, string>();
  for (const m of order) {
    for (const [id, ps] of Object.entries(m.previous)) {
      for (const p of ps) owner.set(`${id}:${p}`, m.memberId);
    }
  }
  const give = (memberId: string, s: Slot) => {
    add(result.get(memberId)!, s.topic.id, s.partition);
    load.set(memberId, load.get(memberId)! + 1);
  };
  const leastLoaded = (candidates: AssignorMember[]) =>
    candidates.reduce((best, m) => load.get(m.memberId)! < load.get(best.memberId)! ? m : best);
  const first = order[0];
  const homogeneous = order.every((m) =>
    m.topics.size === first.topics.size && [...m.topics].every((t) => first.topics.has(t))
  );
  if (homogeneous && order.length > 0) {
    const eligible = slots.filter((s) => first.topics.has(s.topic.id));
    const minQuota = Math.floor(eligible.length / order.length);
    let extra = eligible.length % order.length;
    const left: Slot[] = [];
    const kept = new Set<Slot>();
    // Sticky phase: each member keeps up to its quota of what it had; the `extra` members that
    // may hold one more are those that had more.
    for (const pass of [0, 1]) {
      for (const s of eligible) {
        const o = owner.get(`${s.topic.id}:${s.partition}`);
        if (kept.has(s) || o === undefined || !load.has(o)) continue;
        const n = load.get(o)!;
        if (pass === 0 && n < minQuota) {
          give(o, s);
          kept.add(s);
        } else if (pass === 1 && n === minQuota && extra > 0) {
          give(o, s);
          kept.add(s);
          extra--;
        }
      }
    }
    for (const s of eligible) if (!kept.has(s)) left.push(s);
    for (const s of left) give(leastLoaded(order).memberId, s);
    return sortAll(result);
  }
  // Mixed subscriptions: scarce partitions (fewest candidates) first; a previous owner keeps its
  // partition unless another candidate is less loaded.
  const candidatesOf = (s: Slot) => order.filter((m) => m.topics.has(s.topic.id));
  const ranked = slots.map((s) => ({ s, c: candidatesOf(s) })).filter((x) => x.c.length > 0)
    .sort((a, b) => a.c.length - b.c.length);
  for (const { s, c } of ranked) {
    const best = leastLoaded(c);
    const o = owner.get(`${s.topic.id}:${s.partition}`);
    const sticky = o !== undefined && c.some((m) => m.memberId === o) &&
      load.get(o)! <= load.get(best.memberId)!;
    give(sticky ? o : best.memberId, s);
  }
  return sortAll(result);
}

/**
 * Kafka's `range` assignor: for each topic, its subscribers sorted by member id get contiguous
 * ranges of partitions, the first `partitions % members` one partition more.
 */
export function rangeAssignor(
  members: readonly AssignorMember[],
  topics: ReadonlyMap<string, AssignableTopic>,
): Map<string, TopicPartitions> {
  const result = emptyResult(members);
  for (const topic of subscribed(members, topics)) {
    const subs = members.filter((m) => m.topics.has(topic.id)).map((m) => m.memberId).sort();
    const per = Math.floor(topic.partitions / subs.length);
    const extra = topic.partitions % subs.length;
    subs.forEach((memberId, i) => {
      const start = i * per + Math.min(i, extra);
      const count = per + (i < extra ? 1 : 0);
      for (let p = start; p < start + count; p++) add(result.get(memberId)!, topic.id, p);
    });
  }
  return sortAll(result);
}

/** The assignors by the names clients ask for (`group.remote.assignor`, `ServerAssignor`). */
export const ASSIGNORS: ReadonlyMap<string, Assignor> = new Map([
  ["uniform", uniformAssignor],
  ["range", rangeAssignor],
]);

/** The assignor a group uses when no member names one (Kafka's first configured assignor). */
export const DEFAULT_ASSIGNOR = "uniform";
