/**
 * Authorizer rules for the group APIs: READ on the group for membership, commits and share
 * groups (ShareFetch also READ on each topic), DESCRIBE for offset fetches, descriptions and
 * FindCoordinator, DELETE for DeleteGroups and OffsetDelete (which also needs READ on each topic);
 * ListGroups lists the groups the principal may describe unless it may describe the cluster.
 * Denials answer GROUP_AUTHORIZATION_FAILED (per group where the response has groups).
 *
 * @module
 */
import { ApiKey, ErrorCode } from "../protocol/mod.ts";
import { AclOperation as Op, ResourceType as R } from "./acls.ts";
import {
  type AnyHandler,
  chain,
  CLUSTER,
  DENIED,
  filtered,
  type Guard,
  onNamed,
  split,
} from "./authz_common.ts";
import { shareFetchTopics } from "./authz_share.ts";

const GROUP_DENIED = ErrorCode.GROUP_AUTHORIZATION_FAILED;
const TOPIC_DENIED = ErrorCode.TOPIC_AUTHORIZATION_FAILED;

/** `op` on the request's group, else `denied`. */
const onGroup = (denied: AnyHandler, op: number = Op.READ): Guard =>
  onNamed(op, R.GROUP, (req) => req.groupId, denied);

const shareDenied = () => ({
  throttleTimeMs: 0,
  errorCode: GROUP_DENIED,
  errorMessage: DENIED,
  acquisitionLockTimeoutMs: 0,
  responses: [],
  nodeEndpoints: [],
});
const shareOffsetsDenied = () => ({
  throttleTimeMs: 0,
  errorCode: GROUP_DENIED,
  errorMessage: DENIED,
  responses: [],
});

/** A described group the principal may not see. */
const describedDenied = (groupId: string) => ({
  errorCode: GROUP_DENIED,
  errorMessage: DENIED,
  groupId,
  groupState: "",
  protocolType: "",
  protocolData: "",
  groupEpoch: -1,
  assignmentEpoch: -1,
  assignorName: "",
  members: [],
});

/** DESCRIBE on each group named in `list`, denied entries appended to `groups`. */
const describeEach = (list: string, name: (item: never) => string, deny: (g: string) => unknown) =>
  split({
    list,
    out: list === "groupsNames" ? "results" : "groups",
    ok: (env, ctx, g) => env.allowed(ctx, Op.DESCRIBE, R.GROUP, name(g as never)),
    deny: (g) => deny(name(g as never)),
    empty: () => ({ throttleTimeMs: 0, groups: [] }),
  });

const offsetFetch: Guard = (inner, env) => (req, ctx) => {
  if (ctx.header.apiVersion < 8) {
    return onGroup(() => ({ topics: [], errorCode: GROUP_DENIED }), Op.DESCRIBE)(inner, env)(
      req,
      ctx,
    );
  }
  return describeEach(
    "groups",
    (g: { groupId: string }) => g.groupId,
    (groupId) => ({ groupId, topics: [], errorCode: GROUP_DENIED }),
  )(inner, env)(req, ctx);
};

const findCoordinator: Guard = (inner, env) => (req, ctx) => {
  const type = req.keyType === 1 ? R.TRANSACTIONAL_ID : R.GROUP;
  const code = req.keyType === 1 ? ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED : GROUP_DENIED;
  const ok = (key: string) => env.allowed(ctx, Op.DESCRIBE, type, key);
  if (ctx.header.apiVersion < 4) {
    return ok(req.key) ? inner(req, ctx) : {
      throttleTimeMs: 0,
      errorCode: code,
      errorMessage: DENIED,
      nodeId: -1,
      host: "",
      port: -1,
    };
  }
  return split({
    list: "coordinatorKeys",
    out: "coordinators",
    ok: (_e, _c, key) => ok(key),
    deny: (key) => ({ key, nodeId: -1, host: "", port: -1, errorCode: code, errorMessage: DENIED }),
    empty: () => ({ throttleTimeMs: 0, coordinators: [] }),
  })(inner, env)(req, ctx);
};

type Topic = { name: string; partitions: { partitionIndex: number }[] };

/** `code` for every partition of `t`. */
const partitionErrors = (t: Topic, code: number) => ({
  name: t.name,
  partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code })),
});

/** READ on each topic of an offset request; `empty` answers when every topic is denied. */
const topicsRead = (empty: Record<string, unknown>): Guard =>
  split({
    list: "topics",
    out: "topics",
    ok: (env, ctx, t) => env.allowed(ctx, Op.READ, R.TOPIC, t.name),
    deny: (t: Topic) => partitionErrors(t, TOPIC_DENIED),
    empty: () => empty,
  });

/** Rules for the group APIs, by API key. */
export const GROUP_RULES: Record<number, Guard> = {
  [ApiKey.FindCoordinator]: findCoordinator,
  [ApiKey.JoinGroup]: onGroup((req, ctx) => ({
    errorCode: GROUP_DENIED,
    generationId: -1,
    protocolName: ctx.header.apiVersion < 7 ? "" : null,
    leader: "",
    memberId: req.memberId,
    members: [],
  })),
  [ApiKey.SyncGroup]: onGroup(() => ({ errorCode: GROUP_DENIED, assignment: new Uint8Array() })),
  [ApiKey.Heartbeat]: onGroup(() => ({ errorCode: GROUP_DENIED })),
  [ApiKey.LeaveGroup]: onGroup(() => ({ errorCode: GROUP_DENIED, members: [] })),
  [ApiKey.ConsumerGroupHeartbeat]: onGroup(() => ({
    throttleTimeMs: 0,
    errorCode: GROUP_DENIED,
    errorMessage: DENIED,
    memberId: null,
    memberEpoch: -1,
    heartbeatIntervalMs: 0,
    assignment: null,
  })),
  [ApiKey.ShareGroupHeartbeat]: onGroup((req) => ({
    throttleTimeMs: 0,
    errorCode: GROUP_DENIED,
    errorMessage: DENIED,
    memberId: req.memberId,
    memberEpoch: -1,
    heartbeatIntervalMs: 0,
  })),
  [ApiKey.ShareFetch]: chain(onGroup(shareDenied), shareFetchTopics),
  [ApiKey.ShareAcknowledge]: onGroup(shareDenied),
  [ApiKey.AlterShareGroupOffsets]: onGroup(shareOffsetsDenied),
  [ApiKey.DeleteShareGroupOffsets]: onGroup(shareOffsetsDenied, Op.DELETE),
  [ApiKey.OffsetCommit]: chain(
    onGroup((req) => ({ topics: req.topics.map((t: Topic) => partitionErrors(t, GROUP_DENIED)) })),
    topicsRead({ topics: [] }),
  ),
  [ApiKey.OffsetFetch]: offsetFetch,
  [ApiKey.OffsetDelete]: chain(
    onGroup(() => ({ errorCode: GROUP_DENIED, throttleTimeMs: 0, topics: [] }), Op.DELETE),
    topicsRead({ errorCode: 0, throttleTimeMs: 0, topics: [] }),
  ),
  [ApiKey.DeleteGroups]: split({
    list: "groupsNames",
    out: "results",
    ok: (env, ctx, g) => env.allowed(ctx, Op.DELETE, R.GROUP, g),
    deny: (groupId) => ({ groupId, errorCode: GROUP_DENIED }),
    empty: () => ({ throttleTimeMs: 0, results: [] }),
  }),
  [ApiKey.DescribeGroups]: describeEach("groups", (g: string) => g, describedDenied),
  [ApiKey.ConsumerGroupDescribe]: describeEach("groupIds", (g: string) => g, describedDenied),
  [ApiKey.ShareGroupDescribe]: describeEach("groupIds", (g: string) => g, describedDenied),
  [ApiKey.DescribeShareGroupOffsets]: describeEach(
    "groups",
    (g: { groupId: string }) => g.groupId,
    (groupId) => ({ groupId, topics: [], errorCode: GROUP_DENIED, errorMessage: DENIED }),
  ),
  [ApiKey.ListGroups]: filtered(
    "groups",
    (env, ctx, g) => env.allowed(ctx, Op.DESCRIBE, R.GROUP, g.groupId),
    (env, ctx) => env.allowed(ctx, Op.DESCRIBE, R.CLUSTER, CLUSTER),
  ),
};
