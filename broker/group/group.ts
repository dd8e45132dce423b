/**
 * One classic consumer group's membership state: members, the generation, the chosen protocol and
 * the leader. Plain data and pure decisions (protocol selection, "have all members rejoined");
 * the {@linkcode Membership} coordinator drives the transitions, the timers and the parked
 * requests.
 *
 * @module
 */

/** A shared empty byte array (assignments and metadata before there are any). */
export const EMPTY_BYTES: Uint8Array = new Uint8Array();

/** Group states, named as Kafka reports them in ListGroups and DescribeGroups. */
export type GroupState =
  | "Empty"
  | "PreparingRebalance"
  | "CompletingRebalance"
  | "Stable"
  | "Dead";

/** One protocol (assignor) a member supports, with its opaque subscription metadata. */
export interface MemberProtocol {
  /** Assignor name, e.g. `range` or `cooperative-sticky`. */
  name: string;
  /** Opaque metadata (the consumer protocol's subscription). */
  metadata: Uint8Array;
}

/** A joined member of a group. */
export interface Member {
  /** Coordinator-assigned id. */
  readonly memberId: string;
  /** Static membership id (KIP-345), or null. */
  groupInstanceId: string | null;
  /** Client id from the request header. */
  clientId: string;
  /** `/host` of the client's address, as Kafka reports it. */
  clientHost: string;
  /** Session timeout: the member is removed if it sends nothing for this long. */
  sessionTimeoutMs: number;
  /** How long a rebalance waits for this member to rejoin. */
  rebalanceTimeoutMs: number;
  /** Supported protocols in preference order. */
  protocols: MemberProtocol[];
  /** The assignment from the last completed SyncGroup (empty before). */
  assignment: Uint8Array;
  /** Set while a JoinGroup from this member is parked. */
  awaitingJoin: ((errorCode: number) => void) | null;
  /** Set while a SyncGroup from this member is parked. */
  awaitingSync: ((errorCode: number, assignment: Uint8Array) => void) | null;
  /** Cancels the session-expiry timer. */
  cancelExpiry: () => void;
}

/** The membership state of one group. */
export class Group {
  /** The group id. */
  readonly groupId: string;
  /** Current state. */
  state: GroupState = "Empty";
  /** Generation id; bumped each time a rebalance completes. */
  generationId = 0;
  /** Protocol type all members share (`consumer` for consumers), or null while empty. */
  protocolType: string | null = null;
  /** Protocol chosen for the current generation, or null. */
  protocolName: string | null = null;
  /** Member id of the leader, or null. */
  leaderId: string | null = null;
  /** Joined members, in join order. */
  readonly members = new Map<string, Member>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, awaiting the rejoin; value cancels expiry. */
  readonly pendingMembers = new Map<string, () => void>();
  /** Static instance id to member id. */
  readonly staticMembers = new Map<string, string>();
  /** Cancels the running rebalance or pending-sync timer. */
  cancelTimer: (() => void) | null = null;
  /** True while the initial-rebalance delay (a new group) is running. */
  initialDelay = false;
  /** Members added since the initial delay last (re)started. */
  joinedDuringDelay = 0;

  /** Creates an empty group. */
  constructor(groupId: string) {
    this.groupId = groupId;
  }

  /** Whether every member has a parked JoinGroup and no MEMBER_ID_REQUIRED rejoin is due. */
  allMembersJoined(): boolean {
    if (this.pendingMembers.size > 0) return false;
    for (const m of this.members.values()) if (!m.awaitingJoin) return false;
    return true;
  }

  /** The longest rebalance timeout among members (how long a rebalance may wait). */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  /** Whether a joining member's protocols are compatible with this group. */
  supportsProtocols(protocolType: string, names: string[]): boolean {
    if (protocolType === "" || names.length === 0) return false;
    if (this.members.size === 0) return true;
    if (protocolType !== this.protocolType) return false;
    return this.candidateProtocols().some((p) => names.includes(p));
  }

  /** Protocols every member supports, in the first member's preference order. */
  candidateProtocols(): string[] {
    const all = [...this.members.values()];
    if (all.length === 0) return [];
    return all[0].protocols.map((p) => p.name)
      .filter((name) => all.every((m) => m.protocols.some((p) => p.name === name)));
  }

  /**
   * Kafka's rule: among the protocols all members support, each member votes for the first one in
   * its own preference list; the most votes wins (ties go to the earlier candidate).
   */
  selectProtocol(): string | null {
    const candidates = this.candidateProtocols();
    if (candidates.length === 0) return null;
    const votes = new Map(candidates.map((c) => [c, 0]));
    for (const m of this.members.values()) {
      const choice = m.protocols.find((p) => votes.has(p.name))!.name;
      votes.set(choice, votes.get(choice)! + 1);
    }
    let best = candidates[0];
    for (const c of candidates) if (votes.get(c)! > votes.get(best)!) best = c;
    return best;
  }

  /** The member's metadata for the selected protocol (empty if none). */
  metadataFor(member: Member): Uint8Array {
    return member.protocols.find((p) => p.name === this.protocolName)?.metadata ??
      new Uint8Array();
  }

  /** Looks a static member's id up and says whether `memberId` is fenced by a newer one. */
  isFenced(memberId: string, groupInstanceId: string | null): boolean {
    if (groupInstanceId === null) return false;
    const current = this.staticMembers.get(groupInstanceId);
    return current !== undefined && current !== memberId;
  }
}

/** Whether two protocol lists are equal (names and metadata bytes, in order). */
export function sameProtocols(a: MemberProtocol[], b: MemberProtocol[]): boolean {
  return a.length === b.length &&
    a.every((p, i) =>
      p.name === b[i].name && p.metadata.length === b[i].metadata.length &&
      p.metadata.every((x, j) => x === b[i].metadata[j])
    );
}
