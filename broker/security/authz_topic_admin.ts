/**
 * Authorizer rules for the topic admin APIs: CreateTopics (CREATE on the cluster or the topic),
 * DeleteTopics and DeleteRecords (DELETE), CreatePartitions (ALTER), DescribeProducers (READ),
 * DescribeTopicPartitions (DESCRIBE). Denied topics get TOPIC_AUTHORIZATION_FAILED each.
 *
 * @module
 */
import { ApiKey, ErrorCode } from "../protocol/mod.ts";
import { AclOperation as Op, ResourceType as R } from "./acls.ts";
import { CLUSTER, DENIED, filtered, type Guard, split } from "./authz_common.ts";

const TOPIC_DENIED = ErrorCode.TOPIC_AUTHORIZATION_FAILED;

const deleteTopics: Guard = (inner, env) => (req, ctx) => {
  const named = (t: { name: string | null; topicId: string }) =>
    t.name ?? env.topicName(t.topicId) ?? "";
  const v6 = ctx.header.apiVersion >= 6;
  return split({
    list: v6 ? "topics" : "topicNames",
    out: "responses",
    ok: (e, c, t) => e.allowed(c, Op.DELETE, R.TOPIC, v6 ? named(t) : t),
    deny: (t) => ({
      name: v6 ? named(t) : t,
      ...(v6 ? { topicId: t.topicId } : {}),
      errorCode: TOPIC_DENIED,
      errorMessage: DENIED,
    }),
    empty: () => ({ throttleTimeMs: 0, responses: [] }),
  })(inner, env)(req, ctx);
};

const partitionsDenied = (ids: number[]) =>
  ids.map((partitionIndex) => ({
    partitionIndex,
    errorCode: TOPIC_DENIED,
    errorMessage: DENIED,
    activeProducers: [],
  }));

/** Rules for the topic admin APIs, by API key. */
export const TOPIC_ADMIN_RULES: Record<number, Guard> = {
  [ApiKey.CreateTopics]: split({
    list: "topics",
    out: "topics",
    ok: (env, ctx, t) =>
      env.allowed(ctx, Op.CREATE, R.CLUSTER, CLUSTER) ||
      env.allowed(ctx, Op.CREATE, R.TOPIC, t.name),
    deny: (t) => ({ name: t.name, errorCode: TOPIC_DENIED, errorMessage: DENIED }),
    empty: () => ({ throttleTimeMs: 0, topics: [] }),
  }),
  [ApiKey.DeleteTopics]: deleteTopics,
  [ApiKey.CreatePartitions]: split({
    list: "topics",
    out: "results",
    ok: (env, ctx, t) => env.allowed(ctx, Op.ALTER, R.TOPIC, t.name),
    deny: (t) => ({ name: t.name, errorCode: TOPIC_DENIED, errorMessage: DENIED }),
    empty: () => ({ throttleTimeMs: 0, results: [] }),
  }),
  [ApiKey.DeleteRecords]: split({
    list: "topics",
    out: "topics",
    ok: (env, ctx, t) => env.allowed(ctx, Op.DELETE, R.TOPIC, t.name),
    deny: (t) => ({
      name: t.name,
      partitions: t.partitions.map((p: { partitionIndex: number }) => ({
        partitionIndex: p.partitionIndex,
        lowWatermark: -1n,
        errorCode: TOPIC_DENIED,
      })),
    }),
    empty: () => ({ throttleTimeMs: 0, topics: [] }),
  }),
  [ApiKey.DescribeProducers]: split({
    list: "topics",
    out: "topics",
    ok: (env, ctx, t) => env.allowed(ctx, Op.READ, R.TOPIC, t.name),
    deny: (t) => ({ name: t.name, partitions: partitionsDenied(t.partitionIndexes) }),
    empty: () => ({ throttleTimeMs: 0, topics: [] }),
  }),
  // Named topics: denied ones answer the error; an empty list (every topic) hides them.
  [ApiKey.DescribeTopicPartitions]: (inner, env) => (req, ctx) =>
    req.topics.length === 0
      ? filtered("topics", (e, c, t) => e.allowed(c, Op.DESCRIBE, R.TOPIC, t.name))(inner, env)(
        req,
        ctx,
      )
      : split({
        list: "topics",
        out: "topics",
        ok: (e, c, t) => e.allowed(c, Op.DESCRIBE, R.TOPIC, t.name),
        deny: (t) => ({ errorCode: TOPIC_DENIED, name: t.name, partitions: [] }),
        empty: () => ({ throttleTimeMs: 0, topics: [], nextCursor: null }),
      })(inner, env)(req, ctx),
};
