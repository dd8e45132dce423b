/**
 * Authorizer rules for the topic data APIs: Produce (WRITE; a transactional batch also needs
 * WRITE on its transactional id), Fetch (READ), Metadata (DESCRIBE, unlisted when not asked by
 * name; auto-creation needs CREATE on the cluster or the topic), ListOffsets and
 * OffsetForLeaderEpoch (DESCRIBE). Denied topics get TOPIC_AUTHORIZATION_FAILED per partition.
 *
 * @module
 */
import type { RequestContext } from "../api/mod.ts";
import { ApiKey, ErrorCode, ZERO_UUID_STRING } from "../protocol/mod.ts";
import { AclOperation as Op, ResourceType as R } from "./acls.ts";
import { type AuthEnv, CLUSTER, type Guard, split } from "./authz_common.ts";

const TOPIC_DENIED = ErrorCode.TOPIC_AUTHORIZATION_FAILED;

type Part = { index: number };
type ProduceTopic = { name: string; partitionData: Part[] };

/** A Produce answer of `code` for every partition of `topics`. */
const produceErrors = (topics: ProduceTopic[], code: number) =>
  topics.map((t) => ({
    name: t.name,
    partitionResponses: t.partitionData.map((p) => ({
      index: p.index,
      errorCode: code,
      baseOffset: -1n,
      logAppendTimeMs: -1n,
      logStartOffset: -1n,
      recordErrors: [],
      errorMessage: null,
    })),
  }));

const produce: Guard = (inner, env) => async (req, ctx) => {
  if (
    req.transactionalId !== null &&
    !env.allowed(ctx, Op.WRITE, R.TRANSACTIONAL_ID, req.transactionalId)
  ) {
    if (req.acks === 0) return null;
    const code = ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
    return { throttleTimeMs: 0, responses: produceErrors(req.topicData, code) };
  }
  const ok = (t: ProduceTopic) => env.allowed(ctx, Op.WRITE, R.TOPIC, t.name);
  const denied = req.topicData.filter((t: ProduceTopic) => !ok(t));
  if (denied.length === 0) return inner(req, ctx);
  const kept = req.topicData.filter(ok);
  const res = kept.length > 0 ? await inner({ ...req, topicData: kept }, ctx) : null;
  if (req.acks === 0) return null;
  const responses = [...(res?.responses ?? []), ...produceErrors(denied, TOPIC_DENIED)];
  return { throttleTimeMs: 0, ...res, responses };
};

type FetchTopic = { topic: string; topicId: string; partitions: { partition: number }[] };

const fetch: Guard = (inner, env) => (req, ctx) => {
  const name = (t: FetchTopic) =>
    ctx.header.apiVersion >= 13 ? env.topicName(t.topicId) ?? "" : t.topic;
  return split({
    list: "topics",
    out: "responses",
    ok: (e, c, t: FetchTopic) => e.allowed(c, Op.READ, R.TOPIC, name(t)),
    deny: (t: FetchTopic) => ({
      topic: t.topic,
      topicId: t.topicId,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partition,
        errorCode: TOPIC_DENIED,
        highWatermark: -1n,
        records: null,
      })),
    }),
  })(inner, env)(req, ctx);
};

/** Whether the principal may auto-create every topic the Metadata request names. */
function mayCreate(env: AuthEnv, ctx: RequestContext, names: string[]): boolean {
  return env.allowed(ctx, Op.CREATE, R.CLUSTER, CLUSTER) ||
    names.every((n) => env.allowed(ctx, Op.CREATE, R.TOPIC, n));
}

const metadata: Guard = (inner, env) => async (req, ctx) => {
  const names: string[] = (req.topics ?? []).map((t: { name: string | null }) => t.name ?? "");
  const v = ctx.header.apiVersion;
  // Auto-creation (implicit below v4) needs CREATE; without it the topics stay unknown.
  const creating = req.topics !== null && (v < 4 || req.allowAutoTopicCreation);
  const blocked = creating && !mayCreate(env, ctx, names);
  // Below v4 there is no flag to turn creation off: ask for every topic, answer the named below.
  const res = !blocked ? await inner(req, ctx) : await inner(
    v >= 4 ? { ...req, allowAutoTopicCreation: false } : { ...req, topics: null },
    ctx,
  );
  const all = req.topics === null || (v === 0 && req.topics.length === 0);
  type T = { name: string | null; partitions: unknown[]; errorCode: number };
  const visible = (t: T) => t.name === null || env.allowed(ctx, Op.DESCRIBE, R.TOPIC, t.name);
  if (all) return { ...res, topics: res.topics.filter(visible) };
  // Denied topics keep only their name: no partitions, no id.
  const mask = (t: T) =>
    visible(t) ? t : { ...t, errorCode: TOPIC_DENIED, topicId: ZERO_UUID_STRING, partitions: [] };
  if (!(blocked && v < 4)) return { ...res, topics: res.topics.map(mask) };
  const unknown = (name: string) => ({
    name,
    errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    isInternal: false,
    partitions: [],
  });
  const known = (name: string) => res.topics.find((t: T) => t.name === name) ?? unknown(name);
  return { ...res, topics: names.map(known).map(mask) };
};

/** A per-topic DESCRIBE rule for offset lookups (`field`: the partition index's wire name). */
const describePartitions = (
  topicField: string,
  partField: string,
  outPart: string,
  extra: Record<string, unknown>,
): Guard =>
  split({
    list: "topics",
    out: "topics",
    ok: (env, ctx, t) => env.allowed(ctx, Op.DESCRIBE, R.TOPIC, t[topicField]),
    deny: (t) => ({
      [topicField]: t[topicField],
      partitions: t.partitions.map((p: Record<string, number>) => ({
        [outPart]: p[partField],
        errorCode: TOPIC_DENIED,
        ...extra,
      })),
    }),
    empty: () => ({ throttleTimeMs: 0, topics: [] }),
  });

/** Rules for the topic data APIs, by API key. */
export const TOPIC_RULES: Record<number, Guard> = {
  [ApiKey.Produce]: produce,
  [ApiKey.Fetch]: fetch,
  [ApiKey.Metadata]: metadata,
  [ApiKey.ListOffsets]: describePartitions("name", "partitionIndex", "partitionIndex", {
    oldStyleOffsets: [],
    timestamp: -1n,
    offset: -1n,
    leaderEpoch: -1,
  }),
  [ApiKey.OffsetForLeaderEpoch]: describePartitions("topic", "partition", "partition", {
    leaderEpoch: -1,
    endOffset: -1n,
  }),
};
