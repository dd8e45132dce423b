/**
 * The rebalance engine of classic groups, as in Kafka's GroupCoordinator: Empty →
 * PreparingRebalance → CompletingRebalance → Stable. It owns the groups, the session, rebalance
 * and pending-sync timers (on an injected {@linkcode Scheduler}) and completes parked JoinGroup
 * and SyncGroup requests; the per-API files (`join_group.ts`, `sync_group.ts`, `heartbeat.ts`,
 * `leave_group.ts`) validate requests and call into it.
 *
 * @module
 */
import { ErrorCode } from "../protocol/mod.ts";
import { EMPTY_BYTES, Group, type Member } from "./group.ts";
import type { Scheduler } from "./scheduler.ts";

/** Settings of the membership protocol; every field has a Kafka-like default. */
export interface MembershipOptions {
  /** `group.initial.rebalance.delay.ms`: wait for more members when a group forms. Default: 0. */
  initialRebalanceDelayMs?: number;
  /** `group.min.session.timeout.ms`. Default: 6000. */
  minSessionTimeoutMs?: number;
  /** `group.max.session.timeout.ms`. Default: 1800000. */
  maxSessionTimeoutMs?: number;
}

/** Runs the membership protocol for all groups of this coordinator. */
export class Membership {
  /** Groups by id (also the Empty ones that only hold offsets). */
  readonly groups = new Map<string, Group>();
  /** Timers and clock. */
  readonly scheduler: Scheduler;
  /** Settings with defaults applied. */
  readonly options: Required<MembershipOptions>;
  #onGeneration: (group: Group) => void;
  #closed = false;

  /**
   * `onGeneration` is called whenever a rebalance completes and when the group turns Stable
   * (to persist the generation and the members).
   */
  constructor(
    scheduler: Scheduler,
    options: MembershipOptions,
    onGeneration: (group: Group) => void,
  ) {
    // After close() no timer may be started (they would keep the process alive).
    this.scheduler = {
      now: () => scheduler.now(),
      schedule: (delayMs, fn) => this.#closed ? () => {} : scheduler.schedule(delayMs, fn),
    };
    this.options = {
      initialRebalanceDelayMs: options.initialRebalanceDelayMs ?? 0,
      minSessionTimeoutMs: options.minSessionTimeoutMs ?? 6000,
      maxSessionTimeoutMs: options.maxSessionTimeoutMs ?? 1800000,
    };
    this.#onGeneration = onGeneration;
  }

  /** The group, created Empty if missing. */
  getOrCreate(groupId: string): Group {
    let group = this.groups.get(groupId);
    if (!group) this.groups.set(groupId, group = new Group(groupId));
    return group;
  }

  /** Starts a rebalance: parked syncs fail, and the join phase waits for members to rejoin. */
  prepareRebalance(group: Group): void {
    if (group.state === "CompletingRebalance") {
      this.failSyncs(group, ErrorCode.REBALANCE_IN_PROGRESS);
    }
    group.cancelTimer?.();
    const wasEmpty = group.state === "Empty";
    group.state = "PreparingRebalance";
    const initialDelay = this.options.initialRebalanceDelayMs;
    if (wasEmpty && initialDelay > 0) {
      group.initialDelay = true;
      group.joinedDuringDelay = 0;
      let remaining = Math.max(group.rebalanceTimeoutMs() - initialDelay, 0);
      const arm = (delay: number) => {
        group.cancelTimer = this.scheduler.schedule(delay, () => {
          if (group.joinedDuringDelay > 0 && remaining > 0) {
            const next = Math.min(initialDelay, remaining);
            remaining -= next;
            group.joinedDuringDelay = 0;
            arm(next);
          } else {
            group.initialDelay = false;
            this.completeJoin(group);
          }
        });
      };
      arm(Math.min(initialDelay, group.rebalanceTimeoutMs()));
      return;
    }
    group.cancelTimer = this.scheduler.schedule(
      group.rebalanceTimeoutMs(),
      () => this.completeJoin(group),
    );
    this.tryCompleteJoin(group);
  }

  /** Completes the join phase if every member has rejoined (and no initial delay runs). */
  tryCompleteJoin(group: Group): void {
    if (group.state === "PreparingRebalance" && !group.initialDelay && group.allMembersJoined()) {
      this.completeJoin(group);
    }
  }

  /** Ends the join phase: evicts members that did not rejoin and starts the next generation. */
  completeJoin(group: Group): void {
    if (group.state !== "PreparingRebalance") return;
    group.cancelTimer?.();
    group.cancelTimer = null;
    group.initialDelay = false;
    for (const m of [...group.members.values()]) {
      if (!m.awaitingJoin) this.removeMember(group, m, ErrorCode.UNKNOWN_MEMBER_ID);
    }
    group.generationId++;
    if (group.members.size === 0) {
      group.state = "Empty";
      group.protocolName = null;
      group.leaderId = null;
      this.#onGeneration(group);
      return;
    }
    group.protocolName = group.selectProtocol();
    group.state = "CompletingRebalance";
    const generation = group.generationId;
    for (const m of group.members.values()) {
      const complete = m.awaitingJoin!;
      m.awaitingJoin = null;
      this.touch(group, m);
      complete(ErrorCode.NONE);
    }
    // Members that never send SyncGroup (e.g. a leader that died) must not stall the group.
    group.cancelTimer = this.scheduler.schedule(group.rebalanceTimeoutMs(), () => {
      if (group.state !== "CompletingRebalance" || group.generationId !== generation) return;
      for (const m of [...group.members.values()]) {
        if (!m.awaitingSync) this.removeMember(group, m, ErrorCode.UNKNOWN_MEMBER_ID);
      }
      this.prepareRebalance(group);
    });
    this.#onGeneration(group);
  }

  /** Called by SyncGroup when the leader's assignments made the group Stable. */
  stabilized(group: Group): void {
    this.#onGeneration(group);
  }

  /** Restarts the member's session timer (every request from it counts as a heartbeat). */
  touch(group: Group, member: Member): void {
    member.cancelExpiry();
    member.cancelExpiry = this.scheduler.schedule(member.sessionTimeoutMs, () => {
      if (group.members.get(member.memberId) !== member) return;
      // Parked members are bounded by the rebalance and pending-sync timers instead.
      if (member.awaitingJoin || member.awaitingSync) return this.touch(group, member);
      this.removeMember(group, member, ErrorCode.UNKNOWN_MEMBER_ID);
      this.afterRemoval(group);
    });
  }

  /** Removes a member; its parked requests get `errorCode`. Does not start a rebalance. */
  removeMember(group: Group, member: Member, errorCode: number): void {
    member.cancelExpiry();
    group.members.delete(member.memberId);
    const instance = member.groupInstanceId;
    if (instance !== null && group.staticMembers.get(instance) === member.memberId) {
      group.staticMembers.delete(instance);
    }
    if (group.leaderId === member.memberId) {
      group.leaderId = group.members.keys().next().value ?? null;
    }
    const join = member.awaitingJoin;
    const sync = member.awaitingSync;
    member.awaitingJoin = member.awaitingSync = null;
    join?.(errorCode);
    sync?.(errorCode, EMPTY_BYTES);
  }

  /** Rebalances (or finishes the running join phase) after members left. */
  afterRemoval(group: Group): void {
    if (group.state === "Stable" || group.state === "CompletingRebalance") {
      this.prepareRebalance(group);
    } else this.tryCompleteJoin(group);
  }

  /** Answers every parked SyncGroup with `errorCode`. */
  failSyncs(group: Group, errorCode: number): void {
    for (const m of group.members.values()) {
      const sync = m.awaitingSync;
      m.awaitingSync = null;
      sync?.(errorCode, EMPTY_BYTES);
    }
  }

  /** Removes an Empty group (DeleteGroups); returns false if it has members. */
  delete(groupId: string): boolean {
    const group = this.groups.get(groupId);
    if (!group) return true;
    if (group.members.size > 0 || group.pendingMembers.size > 0) return false;
    group.cancelTimer?.();
    group.state = "Dead";
    this.groups.delete(groupId);
    return true;
  }

  /** True after {@linkcode close}: JoinGroup and SyncGroup then answer NOT_COORDINATOR. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Cancels every timer and answers parked requests with NOT_COORDINATOR. */
  close(): void {
    this.#closed = true;
    for (const group of this.groups.values()) {
      group.cancelTimer?.();
      group.cancelTimer = null;
      for (const cancel of group.pendingMembers.values()) cancel();
      group.pendingMembers.clear();
      for (const m of group.members.values()) {
        m.cancelExpiry();
        const join = m.awaitingJoin;
        const sync = m.awaitingSync;
        m.awaitingJoin = m.awaitingSync = null;
        join?.(ErrorCode.NOT_COORDINATOR);
        sync?.(ErrorCode.NOT_COORDINATOR, EMPTY_BYTES);
      }
    }
  }
}
