/**
 * The authorizer in front of the APIs: wraps an {@linkcode ApiSet}'s handlers so a request is
 * checked against the ACLs before it runs, answering with Kafka's error codes where the principal
 * lacks the right: topics (Produce: WRITE; Fetch: READ; Metadata: DESCRIBE, and unlisted;
 * CreateTopics: CREATE on the cluster or topic; DeleteTopics: DELETE) get
 * TOPIC_AUTHORIZATION_FAILED per topic, groups (READ for joins, heartbeats, commits and offset
 * fetches) GROUP_AUTHORIZATION_FAILED, the ACL APIs (cluster ALTER / DESCRIBE) and the client
 * quota APIs (cluster ALTER_CONFIGS / DESCRIBE_CONFIGS) CLUSTER_AUTHORIZATION_FAILED. Other APIs
 * pass unchecked.
 *
 * @module
 */
import type { ApiSet, RequestContext } from "../api/mod.ts";
import { ApiKey, ErrorCode } from "../protocol/mod.ts";
import { AclOperation as Op, type Acls, ResourceType as R } from "./acls.ts";

/** Decides one access for the request's connection. */
type Check = (ctx: RequestContext, operation: number, type: number, name: string) => boolean;

const CLUSTER = "kafka-cluster";

// deno-lint-ignore no-explicit-any
type AnyHandler = (req: any, ctx: RequestContext) => any;

/**
 * Returns `apis` with the handlers above wrapped by checks against `acls`; `topicName` resolves
 * topic ids (Fetch v13+).
 */
export function authorizeApis(
  apis: ApiSet,
  acls: Acls,
  topicName: (id: string) => string | undefined,
): ApiSet {
  const allowed: Check = (ctx, op, type, name) =>
    acls.authorize(
      ctx.auth?.principal ?? "User:ANONYMOUS",
      ctx.remoteAddress.replace(/:\d+$/, ""),
      op,
      type,
      name,
    );
  const out: Record<number, { handler: AnyHandler; versions?: unknown }> = {};
  for (const [k, entry] of Object.entries(apis)) {
    if (!entry) continue;
    const guard = GUARDS[Number(k)];
    out[Number(k)] = guard
      ? { ...entry, handler: guard(entry.handler as AnyHandler, allowed, topicName) }
      : entry as { handler: AnyHandler };
  }
  return out as ApiSet;
}

type Guard = (
  inner: AnyHandler,
  allowed: Check,
  topicName: (id: string) => string | undefined,
) => AnyHandler;

/** A group API: READ on the group, else `denied(req, ctx)`. */
const groupGuard = (denied: AnyHandler): Guard => (inner, allowed) => (req, ctx) =>
  allowed(ctx, Op.READ, R.GROUP, req.groupId) ? inner(req, ctx) : denied(req, ctx);

const GROUP_DENIED = ErrorCode.GROUP_AUTHORIZATION_FAILED;

const shareDenied = () => ({
  throttleTimeMs: 0,
  errorCode: GROUP_DENIED,
  errorMessage: "Authorization failed.",
  acquisitionLockTimeoutMs: 0,
  responses: [],
  nodeEndpoints: [],
});
const shareOffsetsDenied = () => ({
  throttleTimeMs: 0,
  errorCode: GROUP_DENIED,
  errorMessage: "Authorization failed.",
  responses: [],
});
const TOPIC_DENIED = ErrorCode.TOPIC_AUTHORIZATION_FAILED;

const GUARDS: Record<number, Guard> = {
  [ApiKey.Produce]: (inner, allowed) => async (req, ctx) => {
    const ok = (t: { name: string }) => allowed(ctx, Op.WRITE, R.TOPIC, t.name);
    const denied = req.topicData.filter((t: { name: string }) => !ok(t));
    if (denied.length === 0) return inner(req, ctx);
    const kept = req.topicData.filter(ok);
    const res = kept.length > 0 ? await inner({ ...req, topicData: kept }, ctx) : null;
    if (req.acks === 0) return null;
    const responses = [
      ...(res?.responses ?? []),
      ...denied.map((t: { name: string; partitionData: { index: number }[] }) => ({
        name: t.name,
        partitionResponses: t.partitionData.map((p) => ({
          index: p.index,
          errorCode: TOPIC_DENIED,
          baseOffset: -1n,
          logAppendTimeMs: -1n,
          logStartOffset: -1n,
          recordErrors: [],
          errorMessage: null,
        })),
      })),
    ];
    return { throttleTimeMs: 0, ...res, responses };
  },
  [ApiKey.Fetch]: (inner, allowed, topicName) => async (req, ctx) => {
    type T = { topic: string; topicId: string; partitions: { partition: number }[] };
    const name = (t: T) => ctx.header.apiVersion >= 13 ? topicName(t.topicId) ?? "" : t.topic;
    const ok = (t: T) => allowed(ctx, Op.READ, R.TOPIC, name(t));
    const denied = req.topics.filter((t: T) => !ok(t));
    if (denied.length === 0) return inner(req, ctx);
    const res = await inner({ ...req, topics: req.topics.filter(ok) }, ctx);
    return {
      ...res,
      responses: [
        ...res.responses,
        ...denied.map((t: T) => ({
          topic: t.topic,
          topicId: t.topicId,
          partitions: t.partitions.map((p) => ({
            partitionIndex: p.partition,
            errorCode: TOPIC_DENIED,
            highWatermark: -1n,
            records: null,
          })),
        })),
      ],
    };
  },
  [ApiKey.Metadata]: (inner, allowed) => async (req, ctx) => {
    const res = await inner(req, ctx);
    const all = req.topics === null || (ctx.header.apiVersion === 0 && req.topics.length === 0);
    type T = { name: string | null; partitions: unknown[]; errorCode: number };
    const visible = (t: T) => t.name === null || allowed(ctx, Op.DESCRIBE, R.TOPIC, t.name);
    const topics = all
      ? res.topics.filter(visible)
      : res.topics.map((t: T) =>
        visible(t) ? t : { ...t, errorCode: TOPIC_DENIED, partitions: [] }
      );
    return { ...res, topics };
  },
  [ApiKey.CreateTopics]: (inner, allowed) => async (req, ctx) => {
    const ok = (t: { name: string }) =>
      allowed(ctx, Op.CREATE, R.CLUSTER, CLUSTER) || allowed(ctx, Op.CREATE, R.TOPIC, t.name);
    const denied = req.topics.filter((t: { name: string }) => !ok(t));
    if (denied.length === 0) return inner(req, ctx);
    const res = await inner({ ...req, topics: req.topics.filter(ok) }, ctx);
    return {
      ...res,
      topics: [
        ...res.topics,
        ...denied.map((t: { name: string }) => ({
          name: t.name,
          errorCode: TOPIC_DENIED,
          errorMessage: "Authorization failed.",
        })),
      ],
    };
  },
  [ApiKey.DeleteTopics]: (inner, allowed, topicName) => async (req, ctx) => {
    const v6 = ctx.header.apiVersion >= 6;
    const named = (t: { name: string | null; topicId: string }) =>
      t.name ?? topicName(t.topicId) ?? "";
    const okName = (n: string) => allowed(ctx, Op.DELETE, R.TOPIC, n);
    const deniedNames: string[] = v6
      ? req.topics.map(named).filter((n: string) => !okName(n))
      : req.topicNames.filter((n: string) => !okName(n));
    if (deniedNames.length === 0) return inner(req, ctx);
    const kept = v6
      ? { ...req, topics: req.topics.filter((t: never) => okName(named(t))) }
      : { ...req, topicNames: req.topicNames.filter(okName) };
    const res = await inner(kept, ctx);
    return {
      ...res,
      responses: [
        ...res.responses,
        ...deniedNames.map((name) => ({
          name,
          errorCode: TOPIC_DENIED,
          errorMessage: "Authorization failed.",
        })),
      ],
    };
  },
  [ApiKey.JoinGroup]: groupGuard((req, ctx) => ({
    errorCode: GROUP_DENIED,
    generationId: -1,
    protocolName: ctx.header.apiVersion < 7 ? "" : null,
    leader: "",
    memberId: req.memberId,
    members: [],
  })),
  [ApiKey.SyncGroup]: groupGuard(() => ({ errorCode: GROUP_DENIED, assignment: new Uint8Array() })),
  [ApiKey.Heartbeat]: groupGuard(() => ({ errorCode: GROUP_DENIED })),
  [ApiKey.LeaveGroup]: groupGuard(() => ({ errorCode: GROUP_DENIED, members: [] })),
  [ApiKey.ConsumerGroupHeartbeat]: groupGuard(() => ({
    throttleTimeMs: 0,
    errorCode: GROUP_DENIED,
    errorMessage: "Authorization failed.",
    memberId: null,
    memberEpoch: -1,
    heartbeatIntervalMs: 0,
    assignment: null,
  })),
  // Share groups (KIP-932): READ on the group; ShareFetch also READ on each topic (a denied topic
  // never joins the share session, so nothing is acquired from it).
  [ApiKey.ShareGroupHeartbeat]: groupGuard((req) => ({
    throttleTimeMs: 0,
    errorCode: GROUP_DENIED,
    errorMessage: "Authorization failed.",
    memberId: req.memberId,
    memberEpoch: -1,
    heartbeatIntervalMs: 0,
  })),
  [ApiKey.ShareFetch]: (inner, allowed, topicName) =>
    groupGuard(() => shareDenied())(
      async (req, ctx) => {
        type T = { topicId: string; partitions: { partitionIndex: number }[] };
        const ok = (t: T) => allowed(ctx, Op.READ, R.TOPIC, topicName(t.topicId) ?? "");
        const denied = req.topics.filter((t: T) => !ok(t));
        if (denied.length === 0) return inner(req, ctx);
        const res = await inner({ ...req, topics: req.topics.filter(ok) }, ctx);
        const deniedPartition = (partitionIndex: number) => ({
          partitionIndex,
          errorCode: TOPIC_DENIED,
          acknowledgeErrorCode: TOPIC_DENIED,
          currentLeader: { leaderId: -1, leaderEpoch: -1 },
          records: new Uint8Array(),
          acquiredRecords: [],
        });
        const responses = denied.map((t: T) => ({
          topicId: t.topicId,
          partitions: t.partitions.map((p) => deniedPartition(p.partitionIndex)),
        }));
        return { ...res, responses: [...res.responses, ...responses] };
      },
      allowed,
      topicName,
    ),
  [ApiKey.ShareAcknowledge]: groupGuard(() => shareDenied()),
  [ApiKey.AlterShareGroupOffsets]: groupGuard(() => shareOffsetsDenied()),
  [ApiKey.DeleteShareGroupOffsets]: groupGuard(() => shareOffsetsDenied()),
  [ApiKey.OffsetCommit]: groupGuard((req) => ({
    topics: req.topics.map((t: { name: string; partitions: { partitionIndex: number }[] }) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode: GROUP_DENIED,
      })),
    })),
  })),
  [ApiKey.OffsetFetch]: (inner, allowed) => (req, ctx) => {
    if (ctx.header.apiVersion < 8) {
      return allowed(ctx, Op.DESCRIBE, R.GROUP, req.groupId)
        ? inner(req, ctx)
        : { topics: [], errorCode: GROUP_DENIED };
    }
    const ok = (g: { groupId: string }) => allowed(ctx, Op.DESCRIBE, R.GROUP, g.groupId);
    if (req.groups.every(ok)) return inner(req, ctx);
    return Promise.resolve(inner({ ...req, groups: req.groups.filter(ok) }, ctx)).then((
      res,
    ) => ({
      ...res,
      groups: [
        ...res.groups,
        ...req.groups.filter((g: { groupId: string }) => !ok(g)).map((g: { groupId: string }) => ({
          groupId: g.groupId,
          topics: [],
          errorCode: GROUP_DENIED,
        })),
      ],
    }));
  },
  [ApiKey.CreateAcls]: (inner, allowed) => (req, ctx) =>
    allowed(ctx, Op.ALTER, R.CLUSTER, CLUSTER) ? inner(req, ctx) : {
      throttleTimeMs: 0,
      results: req.creations.map(() => ({
        errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
        errorMessage: "Authorization failed.",
      })),
    },
  [ApiKey.DeleteAcls]: (inner, allowed) => (req, ctx) =>
    allowed(ctx, Op.ALTER, R.CLUSTER, CLUSTER) ? inner(req, ctx) : {
      throttleTimeMs: 0,
      filterResults: req.filters.map(() => ({
        errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
        errorMessage: "Authorization failed.",
        matchingAcls: [],
      })),
    },
  [ApiKey.DescribeAcls]: (inner, allowed) => (req, ctx) =>
    allowed(ctx, Op.DESCRIBE, R.CLUSTER, CLUSTER) ? inner(req, ctx) : {
      throttleTimeMs: 0,
      errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
      errorMessage: "Authorization failed.",
      resources: [],
    },
  // Client quotas (kafka-configs.sh --entity-type users|clients): cluster configs rights.
  [ApiKey.DescribeClientQuotas]: (inner, allowed) => (req, ctx) =>
    allowed(ctx, Op.DESCRIBE_CONFIGS, R.CLUSTER, CLUSTER) ? inner(req, ctx) : {
      throttleTimeMs: 0,
      errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
      errorMessage: "Authorization failed.",
      entries: null,
    },
  [ApiKey.AlterClientQuotas]: (inner, allowed) => (req, ctx) =>
    allowed(ctx, Op.ALTER_CONFIGS, R.CLUSTER, CLUSTER) ? inner(req, ctx) : {
      throttleTimeMs: 0,
      entries: req.entries.map((e: { entity: unknown }) => ({
        errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
        errorMessage: "Authorization failed.",
        entity: e.entity,
      })),
    },
};
