/**
 * Assembles the share-group coordinator (KIP-932) as one {@linkcode ApiSet}: ShareGroupHeartbeat,
 * ShareGroupDescribe, ShareFetch, ShareAcknowledge and the share-group offset admin APIs, over
 * the metadata store the consumer groups use and the broker's topic store.
 *
 * @module
 */
import { ApiKey, ErrorCode } from "../protocol/mod.ts";
import type { ApiSet } from "../api/mod.ts";
import type { AssignableTopic } from "../group/mod.ts";
import type { LogStore, MetadataStore } from "../storage/mod.ts";
import { ShareContext } from "./context.ts";
import { GroupConfigs } from "./group_configs.ts";
import {
  alterShareGroupOffsets,
  deleteShareGroupOffsets,
  describeShareGroupOffsets,
} from "./share_admin.ts";
import { shareAcknowledge, shareFetch } from "./share_fetch.ts";
import {
  type OtherGroupCheck,
  shareGroupDescribe,
  shareGroupHeartbeat,
} from "./share_heartbeat.ts";
import type { SharePartitionOptions } from "./share_partition.ts";
import { ShareStates } from "./share_states.ts";

/** Dependencies and settings of {@linkcode createShareCoordinator}. */
export interface ShareCoordinatorDeps extends SharePartitionOptions {
  /** Durable store for share groups, share-partition states and group configs. */
  metadata: MetadataStore;
  /** The topic store (records are read from it). */
  store: LogStore;
  /** The topics that exist (wire ids, names, partition counts). */
  topics: () => AssignableTopic[];
  /** This broker's node id. */
  nodeId: number;
  /** Whether a group id is taken by a classic or consumer group. Default: never. */
  otherGroup?: OtherGroupCheck;
  /** Clock in ms. Default: `Date.now`. */
  now?: () => number;
  /** How often sessions and acquisition locks are checked for expiry (ms). Default: 250. */
  sweepIntervalMs?: number;
  /** Reports a failed background write. Default: `console.error`. */
  onError?: (error: unknown) => void;
}

/** A group listed by ListGroups. */
export interface ListedShareGroup {
  /** Group id. */
  groupId: string;
  /** `Empty` or `Stable`. */
  groupState: string;
}

/** The share-group coordinator. */
export interface ShareCoordinator extends AsyncDisposable {
  /** The share-group APIs. */
  readonly apis: ApiSet;
  /** Group configs (the GROUP config resource of the config APIs). */
  readonly configs: GroupConfigs;
  /** The share groups (ListGroups). */
  list(): ListedShareGroup[];
  /**
   * Deletes a share group (DeleteGroups): an error code, or null if `groupId` is no share group.
   */
  delete(groupId: string): Promise<number | null>;
  /** Stops the expiry sweep and waits for pending state writes. */
  close(): Promise<void>;
}

/**
 * Creates the share coordinator and loads the share groups and states stored in `metadata`.
 *
 * @example
 * ```ts ignore
 * const share = createShareCoordinator({ metadata, store, topics, nodeId: 1 });
 * registry.register("share groups", share.apis);
 * await share.close();
 * ```
 */
export function createShareCoordinator(deps: ShareCoordinatorDeps): ShareCoordinator {
  const onError = deps.onError ?? ((e: unknown) => console.error("share coordinator:", e));
  const configs = new GroupConfigs(deps.metadata);
  const share = new ShareContext({
    store: deps.store,
    metadata: deps.metadata,
    states: new ShareStates(deps.metadata, deps),
    configs,
    topics: deps.topics,
    nodeId: deps.nodeId,
    now: deps.now ?? Date.now,
    onError,
  });
  const otherGroup = deps.otherGroup ?? (() => false);
  let sweeping: Promise<void> | null = null;
  const timer = setInterval(() => {
    sweeping ??= share.sweep().catch(onError).finally(() => sweeping = null);
  }, deps.sweepIntervalMs ?? 250);
  const apis: ApiSet = {
    [ApiKey.ShareGroupHeartbeat]: {
      handler: (req, ctx) => shareGroupHeartbeat(share, req, ctx, otherGroup),
    },
    [ApiKey.ShareGroupDescribe]: { handler: (req) => shareGroupDescribe(share, req) },
    [ApiKey.ShareFetch]: { handler: (req, ctx) => shareFetch(share, req, ctx) },
    [ApiKey.ShareAcknowledge]: { handler: (req) => shareAcknowledge(share, req) },
    [ApiKey.DescribeShareGroupOffsets]: { handler: (req) => describeShareGroupOffsets(share, req) },
    [ApiKey.AlterShareGroupOffsets]: { handler: (req) => alterShareGroupOffsets(share, req) },
    [ApiKey.DeleteShareGroupOffsets]: { handler: (req) => deleteShareGroupOffsets(share, req) },
  };
  const close = async () => {
    clearInterval(timer);
    await sweeping;
    await share.states.drain(); // background state writes of fetches land before the store closes
  };
  return {
    apis,
    configs,
    list: () =>
      [...share.groups.values()].map((g) => ({ groupId: g.groupId, groupState: g.state })),
    delete: async (groupId) => {
      const g = share.groups.get(groupId);
      if (!g) return null;
      if (g.members.size > 0) return ErrorCode.NON_EMPTY_GROUP;
      await share.deleteGroup(groupId);
      return 0;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
