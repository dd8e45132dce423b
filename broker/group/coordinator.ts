/**
 * Assembles the group coordinator: membership, offsets and the admin views behind one
 * {@linkcode ApiSet}.
 *
 * @module
 */
import { ErrorCode } from "../protocol/mod.ts";
import { ApiKey } from "../protocol/mod.ts";
import type { ApiSet } from "../api/mod.ts";
import type { MetadataStore } from "../storage/mod.ts";
import { describeGroups, findCoordinator, listGroups } from "./admin_handlers.ts";
import type { Group } from "./group.ts";
import { heartbeat } from "./heartbeat.ts";
import { joinGroup } from "./join_group.ts";
import { leaveGroup } from "./leave_group.ts";
import { Membership, type MembershipOptions } from "./membership.ts";
import { deleteOffsets } from "./offset_delete.ts";
import { commitOffsets, fetchOffsets, type PendingOffsetCheck } from "./offset_handlers.ts";
import { OffsetStore } from "./offsets.ts";
import { syncGroup } from "./sync_group.ts";
import { restoreGroup, storedGroupOf } from "./classic_store.ts";
import type { AssignableTopic } from "./assignors.ts";
import { validateConsumerCommit } from "./consumer_commit.ts";
import { consumerGroupDescribe } from "./consumer_describe.ts";
import { type ConsumerGroupOptions, ConsumerGroups } from "./consumer_groups.ts";
import { consumerGroupHeartbeat } from "./consumer_heartbeat.ts";
import { type Scheduler, systemScheduler } from "./scheduler.ts";

/** Dependencies and settings of {@linkcode createGroupCoordinator}. */
export interface GroupCoordinatorDeps extends MembershipOptions, ConsumerGroupOptions {
  /** Durable store for offsets and group records (keys under `offsets/` and `groups/`). */
  metadata: MetadataStore;
  /** This broker's node id (FindCoordinator answers it for every key). */
  nodeId: number;
  /** Advertised host. */
  host: string;
  /** Advertised port. */
  port: number;
  /** Clock in ms. Default: `Date.now`. */
  now?: () => number;
  /** Timers. Default: `setTimeout` over `now`; tests pass a {@linkcode ManualScheduler}. */
  scheduler?: Scheduler;
  /**
   * Whether an open transaction holds a pending offset (OffsetFetch with requireStable then
   * answers UNSTABLE_OFFSET_COMMIT). Default: never.
   */
  pendingOffset?: PendingOffsetCheck;
  /** The topics that exist (KIP-848 groups assign them on the server). Default: none. */
  topics?: () => AssignableTopic[];
  /** Reports a failed background write of a group record. Default: `console.error`. */
  onError?: (error: unknown) => void;
  /** The share groups (listed by ListGroups, deleted by DeleteGroups). Default: none. */
  shareGroups?: ShareGroupDirectory;
}

/** The share groups as the group coordinator's ListGroups and DeleteGroups see them. */
export interface ShareGroupDirectory {
  /** Every share group and its state. */
  list(): { groupId: string; groupState: string }[];
  /** Deletes a share group: its error code, or null if `groupId` is no share group. */
  delete(groupId: string): Promise<number | null>;
}

/** The classic group coordinator of a single-node broker. */
export interface GroupCoordinator extends AsyncDisposable {
  /**
   * Handlers for FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit,
   * OffsetFetch, ListGroups, DescribeGroups and DeleteGroups.
   */
  readonly apis: ApiSet;
  /** Whether `groupId` is a classic or consumer group (a share group cannot take the id). */
  hasGroup(groupId: string): boolean;
  /** Cancels timers, answers parked JoinGroup/SyncGroup with NOT_COORDINATOR, awaits writes. */
  close(): Promise<void>;
}

/**
 * Creates the group coordinator and loads the groups known from `metadata` (Empty, with their
 * last generation and offsets).
 *
 * @example
 * ```ts
 * import { MetadataStore } from "../storage/mod.ts";
 * import { createGroupCoordinator } from "./mod.ts";
 * const metadata = await MetadataStore.open(await Deno.makeTempDir());
 * const coordinator = await createGroupCoordinator({ metadata, nodeId: 1, host: "127.0.0.1", port: 9092 });
 * // composition: registry.register("groups", coordinator.apis)
 * await coordinator.close();
 * await metadata.close();
 * ```
 */
export function createGroupCoordinator(deps: GroupCoordinatorDeps): Promise<GroupCoordinator> {
  const scheduler = deps.scheduler ?? systemScheduler(deps.now);
  const now = deps.now ?? (() => scheduler.now());
  const onError = deps.onError ?? ((e: unknown) => console.error("group coordinator:", e));
  const offsets = new OffsetStore(deps.metadata);
  const writes = new Set<Promise<void>>();
  let closed = false;
  const persistGeneration = (group: Group) => {
    if (closed) return;
    const write = offsets.saveGroup(group.groupId, storedGroupOf(group))
      .catch(onError).finally(() => writes.delete(write));
    writes.add(write);
  };
  const membership = new Membership(scheduler, deps, persistGeneration);
  for (const groupId of offsets.groupIds()) {
    const group = membership.getOrCreate(groupId);
    const stored = offsets.storedGroup(groupId);
    // Members of a group that was Stable carry on; their sessions restart now.
    if (stored) { for (const m of restoreGroup(group, stored)) membership.touch(group, m); }
  }
  const consumers = new ConsumerGroups({
    metadata: deps.metadata,
    scheduler,
    topics: deps.topics ?? (() => []),
    options: deps,
    onError,
  });
  // A group id is either a classic group or a consumer group; offsets are shared by both.
  for (const groupId of consumers.groups.keys()) membership.groups.delete(groupId);
  const classicInUse = (groupId: string) => {
    const g = membership.groups.get(groupId);
    return g !== undefined && (g.members.size > 0 || g.pendingMembers.size > 0);
  };
  const self = { nodeId: deps.nodeId, host: deps.host, port: deps.port };
  const apis: ApiSet = {
    [ApiKey.FindCoordinator]: {
      handler: (req, ctx) => findCoordinator(self, req, ctx),
    },
    [ApiKey.JoinGroup]: {
      handler: async (req, ctx) => {
        // An empty consumer group turns classic; one with members keeps its protocol.
        const res = consumers.groups.has(req.groupId) && !(await consumers.delete(req.groupId))
          ? joinFailure(req.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
          : await joinGroup(membership, req, ctx);
        // protocolName is nullable only from v7; older versions carry "".
        return ctx.header.apiVersion < 7 ? { ...res, protocolName: res.protocolName ?? "" } : res;
      },
    },
    [ApiKey.SyncGroup]: {
      handler: (req, ctx) => syncGroup(membership, req, ctx),
    },
    [ApiKey.Heartbeat]: {
      handler: (req) => heartbeat(membership, req),
    },
    [ApiKey.LeaveGroup]: {
      handler: (req, ctx) => leaveGroup(membership, req, ctx),
    },
    [ApiKey.OffsetCommit]: {
      handler: (req) =>
        commitOffsets(membership, offsets, req, now(), (r) => validateConsumerCommit(consumers, r)),
    },
    [ApiKey.OffsetFetch]: {
      handler: (req, ctx) => fetchOffsets(offsets, req, ctx, deps.pendingOffset),
    },
    [ApiKey.OffsetDelete]: {
      handler: (req) => deleteOffsets(membership, offsets, req),
    },
    [ApiKey.ListGroups]: {
      handler: (req) => listGroups(membership, req, consumers, deps.shareGroups?.list()),
    },
    [ApiKey.DescribeGroups]: {
      handler: (req) => describeGroups(membership, req),
    },
    [ApiKey.DeleteGroups]: {
      handler: async (req) => {
        const results = [];
        for (const groupId of req.groupsNames) {
          let errorCode: number = ErrorCode.NONE;
          const shareResult = await deps.shareGroups?.delete(groupId);
          if (groupId === "") errorCode = ErrorCode.INVALID_GROUP_ID;
          else if (shareResult !== undefined && shareResult !== null) errorCode = shareResult;
          else if (consumers.groups.has(groupId)) {
            if (await consumers.delete(groupId)) await offsets.deleteGroup(groupId);
            else errorCode = ErrorCode.NON_EMPTY_GROUP;
          } else if (!membership.groups.has(groupId)) errorCode = ErrorCode.GROUP_ID_NOT_FOUND;
          else if (!membership.delete(groupId)) errorCode = ErrorCode.NON_EMPTY_GROUP;
          else await offsets.deleteGroup(groupId);
          results.push({ groupId, errorCode });
        }
        return { throttleTimeMs: 0, results };
      },
    },
    [ApiKey.ConsumerGroupHeartbeat]: {
      handler: (req, ctx) => {
        if (req.memberEpoch === 0 && !classicInUse(req.groupId)) membership.delete(req.groupId);
        return consumerGroupHeartbeat(consumers, req, ctx, classicInUse);
      },
    },
    [ApiKey.ConsumerGroupDescribe]: {
      handler: (req) => consumerGroupDescribe(consumers, req),
    },
  };
  const close = async () => {
    if (closed) return;
    closed = true;
    membership.close();
    await consumers.close();
    await Promise.all(writes);
  };
  const hasGroup = (groupId: string) =>
    consumers.groups.has(groupId) || membership.groups.has(groupId);
  return Promise.resolve({ apis, hasGroup, close, [Symbol.asyncDispose]: close });
}

function joinFailure(memberId: string, errorCode: number) {
  return { errorCode, generationId: -1, protocolName: null, leader: "", memberId, members: [] };
}
