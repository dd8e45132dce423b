/**
 * ShareFetch's topic rule (KIP-932): READ on each topic; a denied topic never joins the share
 * session, so nothing is acquired from it, and its partitions answer TOPIC_AUTHORIZATION_FAILED.
 *
 * @module
 */
import { ErrorCode } from "../protocol/mod.ts";
import { AclOperation as Op, ResourceType as R } from "./acls.ts";
import { type Guard, split } from "./authz_common.ts";

const TOPIC_DENIED = ErrorCode.TOPIC_AUTHORIZATION_FAILED;

const deniedPartition = (partitionIndex: number) => ({
  partitionIndex,
  errorCode: TOPIC_DENIED,
  acknowledgeErrorCode: TOPIC_DENIED,
  currentLeader: { leaderId: -1, leaderEpoch: -1 },
  records: new Uint8Array(),
  acquiredRecords: [],
});

/** READ on each topic of a ShareFetch (the group check runs first). */
export const shareFetchTopics: Guard = split({
  list: "topics",
  out: "responses",
  ok: (env, ctx, t) => env.allowed(ctx, Op.READ, R.TOPIC, env.topicName(t.topicId) ?? ""),
  deny: (t) => ({
    topicId: t.topicId,
    partitions: t.partitions.map((p: { partitionIndex: number }) =>
      deniedPartition(p.partitionIndex)
    ),
  }),
});
