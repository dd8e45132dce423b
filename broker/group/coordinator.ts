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
import { type Scheduler, systemScheduler } from "./scheduler.ts";

/** Dependencies and settings of {@linkcode createGroupCoordinator}. */
export interface GroupCoordinatorDeps extends MembershipOptions {
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
  /** Reports a failed background write of a group record. Default: `console.error`. */
  onError?: (error: unknown) => void;
}

/** The classic group coordinator of a single-node broker. */
export interface GroupCoordinator extends AsyncDisposable {
  /**
   * Handlers for FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit,
   * OffsetFetch, ListGroups, DescribeGroups and DeleteGroups.
   */
  readonly apis: ApiSet;
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
    const write = offsets.saveGroup(group.groupId, {
      protocolType: group.protocolType,
      generationId: group.generationId,
    }).catch(onError).finally(() => writes.delete(write));
    writes.add(write);
  };
  const membership = new Membership(scheduler, deps, persistGeneration);
  for (const groupId of offsets.groupIds()) {
    const group = membership.getOrCreate(groupId);
    const stored = offsets.storedGroup(groupId);
    if (stored) {
      group.generationId = stored.generationId;
      group.protocolType = stored.protocolType;
    }
  }
  const self = { nodeId: deps.nodeId, host: deps.host, port: deps.port };
  const apis: ApiSet = {
    [ApiKey.FindCoordinator]: {
      handler: (req, ctx) => findCoordinator(self, req, ctx),
    },
    [ApiKey.JoinGroup]: {
      handler: async (req, ctx) => {
        const res = await joinGroup(membership, req, ctx);
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
      handler: (req) => commitOffsets(membership, offsets, req, now()),
    },
    [ApiKey.OffsetFetch]: {
      handler: (req, ctx) => fetchOffsets(offsets, req, ctx, deps.pendingOffset),
    },
    [ApiKey.OffsetDelete]: {
      handler: (req) => deleteOffsets(membership, offsets, req),
    },
    [ApiKey.ListGroups]: {
      handler: (req) => listGroups(membership, req),
    },
    [ApiKey.DescribeGroups]: {
      handler: (req) => describeGroups(membership, req),
    },
    [ApiKey.DeleteGroups]: {
      handler: async (req) => {
        const results = [];
        for (const groupId of req.groupsNames) {
          let errorCode: number = ErrorCode.NONE;
          if (groupId === "") errorCode = ErrorCode.INVALID_GROUP_ID;
          else if (!membership.groups.has(groupId)) errorCode = ErrorCode.GROUP_ID_NOT_FOUND;
          else if (!membership.delete(groupId)) errorCode = ErrorCode.NON_EMPTY_GROUP;
          else await offsets.deleteGroup(groupId);
          results.push({ groupId, errorCode });
        }
        return { throttleTimeMs: 0, results };
      },
    },
  };
  const close = async () => {
    if (closed) return;
    closed = true;
    membership.close();
    await Promise.all(writes);
  };
  return Promise.resolve({ apis, close, [Symbol.asyncDispose]: close });
}
