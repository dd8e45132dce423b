/**
 * What of a classic group survives a restart: its generation and, while it is Stable, its
 * members with their protocols and assignments, so that after a broker restart members carry on
 * heartbeating in the same generation instead of rejoining (which would revoke every partition).
 * A group caught mid-rebalance is stored without members; its members rejoin as usual.
 *
 * @module
 */
import type { Group, Member } from "./group.ts";
import type { StoredGroup } from "./offsets.ts";

const toBase64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));
const fromBase64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

/** The record to store for `group` (members only while it is Stable). */
export function storedGroupOf(group: Group): StoredGroup {
  const stable = group.state === "Stable";
  return {
    protocolType: group.protocolType,
    generationId: group.generationId,
    protocolName: stable ? group.protocolName : null,
    leaderId: stable ? group.leaderId : null,
    members: !stable ? [] : [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      sessionTimeoutMs: m.sessionTimeoutMs,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      protocols: m.protocols.map((p) => ({ name: p.name, metadata: toBase64(p.metadata) })),
      assignment: toBase64(m.assignment),
    })),
  };
}

/**
 * Applies a stored record to a freshly created (Empty) group; returns the restored members,
 * whose sessions the caller starts.
 */
export function restoreGroup(group: Group, stored: StoredGroup): Member[] {
  group.generationId = stored.generationId;
  group.protocolType = stored.protocolType;
  const members = stored.members ?? [];
  if (members.length === 0) return [];
  group.state = "Stable";
  group.protocolName = stored.protocolName ?? null;
  group.leaderId = stored.leaderId ?? members[0].memberId;
  for (const s of members) {
    const m: Member = {
      ...s,
      protocols: s.protocols.map((p) => ({ name: p.name, metadata: fromBase64(p.metadata) })),
      assignment: fromBase64(s.assignment),
      awaitingJoin: null,
      awaitingSync: null,
      cancelExpiry: () => {},
    };
    group.members.set(m.memberId, m);
    if (m.groupInstanceId !== null) group.staticMembers.set(m.groupInstanceId, m.memberId);
  }
  return [...group.members.values()];
}
