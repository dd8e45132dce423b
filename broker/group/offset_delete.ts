/**
 * OffsetDelete (47): removes committed offsets of a group, as Kafka's group coordinator does:
 * any partition of an Empty group; for a consumer group with members, only partitions of topics
 * no member subscribes to (the others answer GROUP_SUBSCRIBED_TO_TOPIC); a non-consumer group
 * with members refuses with NON_EMPTY_GROUP.
 *
 * @module
 */
import {
  ErrorCode,
  type OffsetDeleteRequest,
  type OffsetDeleteResponseInput,
  ProtocolError,
  Reader,
} from "../protocol/mod.ts";
import type { Group } from "./group.ts";
import type { Membership } from "./membership.ts";
import type { OffsetStore } from "./offsets.ts";

/**
 * Topics of a consumer-protocol subscription (version int16, then an int32-counted array of
 * int16-length names); an unreadable one subscribes to nothing we can name.
 */
export function subscribedTopics(metadata: Uint8Array): string[] {
  try {
    const r = new Reader(metadata);
    r.int16();
    const n = r.int32();
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(r.string(false) ?? "");
    return out;
  } catch (e) {
    if (e instanceof ProtocolError) return [];
    throw e;
  }
}

function subscriptions(group: Group): Set<string> {
  const topics = new Set<string>();
  for (const m of group.members.values()) {
    // Before a protocol is chosen (mid-rebalance) every protocol carries the same subscription.
    const chosen = group.metadataFor(m);
    const metadata = chosen.length > 0 ? chosen : m.protocols[0]?.metadata ?? chosen;
    for (const t of subscribedTopics(metadata)) topics.add(t);
  }
  return topics;
}

/** Answers OffsetDelete against `membership` and `offsets`. */
export async function deleteOffsets(
  membership: Membership,
  offsets: OffsetStore,
  request: OffsetDeleteRequest,
): Promise<OffsetDeleteResponseInput> {
  const fail = (errorCode: number) => ({ errorCode, throttleTimeMs: 0, topics: [] });
  if (request.groupId === "") return fail(ErrorCode.INVALID_GROUP_ID);
  const group = membership.groups.get(request.groupId);
  if (!group || group.state === "Dead") return fail(ErrorCode.GROUP_ID_NOT_FOUND);
  const active = group.members.size > 0;
  if (active && group.protocolType !== "consumer") return fail(ErrorCode.NON_EMPTY_GROUP);
  const subscribed = active ? subscriptions(group) : new Set<string>();
  const removed: { topic: string; partition: number }[] = [];
  const topics = request.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map(({ partitionIndex }) => {
      if (subscribed.has(t.name)) {
        return { partitionIndex, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC };
      }
      removed.push({ topic: t.name, partition: partitionIndex });
      return { partitionIndex, errorCode: ErrorCode.NONE };
    }),
  }));
  await offsets.deleteOffsets(request.groupId, removed);
  return { errorCode: ErrorCode.NONE, throttleTimeMs: 0, topics };
}
