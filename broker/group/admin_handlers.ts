/**
 * FindCoordinator, ListGroups and DescribeGroups: read-only views of this single-node
 * coordinator and its groups.
 *
 * @module
 */
import { ErrorCode } from "../protocol/mod.ts";
import type {
  DescribeGroupsRequest,
  DescribeGroupsResponseInput,
  FindCoordinatorRequest,
  FindCoordinatorResponseInput,
  ListGroupsRequest,
  ListGroupsResponseInput,
} from "../protocol/mod.ts";
import type { RequestContext } from "../api/mod.ts";
import type { ConsumerGroups } from "./consumer_groups.ts";
import type { Membership } from "./membership.ts";

/** Where clients reach this coordinator. */
export interface CoordinatorAddress {
  /** Node id in Metadata. */
  nodeId: number;
  /** Advertised host. */
  host: string;
  /** Advertised port. */
  port: number;
}

/** Key types FindCoordinator knows: 0 = group, 1 = transaction. */
const KEY_TYPES = new Set([0, 1]);

/** Handles FindCoordinator: this node coordinates every group and transactional id. */
export function findCoordinator(
  self: CoordinatorAddress,
  req: FindCoordinatorRequest,
  ctx: RequestContext,
): FindCoordinatorResponseInput {
  const valid = KEY_TYPES.has(req.keyType);
  if (ctx.header.apiVersion >= 4) {
    return {
      coordinators: req.coordinatorKeys.map((key) =>
        valid ? { key, ...self, errorCode: ErrorCode.NONE, errorMessage: null } : {
          key,
          nodeId: -1,
          host: "",
          port: -1,
          errorCode: ErrorCode.INVALID_REQUEST,
          errorMessage: `unknown key type ${req.keyType}`,
        }
      ),
    };
  }
  if (!valid) {
    return {
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: ctx.header.apiVersion >= 1 ? `unknown key type ${req.keyType}` : null,
      nodeId: -1,
      host: "",
      port: -1,
    };
  }
  return { errorCode: ErrorCode.NONE, errorMessage: null, ...self };
}

/**
 * Handles ListGroups with the v4 states filter and v5 types filter: classic groups, KIP-848
 * consumer groups (type "consumer", protocol type "consumer") and KIP-932 share groups (type and
 * protocol type "share").
 */
export function listGroups(
  membership: Membership,
  req: ListGroupsRequest,
  consumers?: ConsumerGroups,
  shares: readonly { groupId: string; groupState: string }[] = [],
): ListGroupsResponseInput {
  const states = new Set(req.statesFilter.map((s) => s.toLowerCase()));
  const types = new Set(req.typesFilter.map((s) => s.toLowerCase()));
  const all = [
    ...[...membership.groups.values()].map((g) => ({
      groupId: g.groupId,
      protocolType: g.protocolType ?? "",
      groupState: g.state as string,
      groupType: "classic",
    })),
    ...[...consumers?.groups.values() ?? []].map((g) => ({
      groupId: g.groupId,
      protocolType: "consumer",
      groupState: g.state() as string,
      groupType: "consumer",
    })),
    ...shares.map((g) => ({
      groupId: g.groupId,
      protocolType: "share",
      groupState: g.groupState,
      groupType: "share",
    })),
  ];
  const groups = all
    .filter((g) => states.size === 0 || states.has(g.groupState.toLowerCase()))
    .filter((g) => types.size === 0 || types.has(g.groupType));
  return { errorCode: ErrorCode.NONE, groups };
}

/**
 * Handles DescribeGroups. Like Kafka, member metadata, assignments and the protocol name are
 * only reported while the group is Stable; an unknown group is reported as Dead.
 */
export function describeGroups(
  membership: Membership,
  req: DescribeGroupsRequest,
): DescribeGroupsResponseInput {
  const empty = new Uint8Array();
  return {
    groups: req.groups.map((groupId) => {
      const g = membership.groups.get(groupId);
      if (!g) {
        return {
          errorCode: ErrorCode.NONE,
          groupId,
          groupState: "Dead",
          protocolType: "",
          protocolData: "",
          members: [],
        };
      }
      const stable = g.state === "Stable";
      return {
        errorCode: ErrorCode.NONE,
        groupId,
        groupState: g.state,
        protocolType: g.protocolType ?? "",
        protocolData: stable ? g.protocolName ?? "" : "",
        members: [...g.members.values()].map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: stable ? g.metadataFor(m) : empty,
          memberAssignment: stable ? m.assignment : empty,
        })),
      };
    }),
  };
}
