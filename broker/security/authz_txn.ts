/**
 * Authorizer rules for transactions: WRITE on the transactional id for InitProducerId,
 * AddPartitionsToTxn, AddOffsetsToTxn, EndTxn and TxnOffsetCommit (TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
 * an idempotent producer's InitProducerId needs IDEMPOTENT_WRITE on the cluster or WRITE on some
 * topic (as Kafka 3+ allows; else CLUSTER_AUTHORIZATION_FAILED); partitions added need WRITE on
 * their topic, offsets READ on the group and topic; DescribeTransactions / ListTransactions need
 * DESCRIBE on each transactional id (listing filters).
 *
 * @module
 */
import type { RequestContext } from "../api/mod.ts";
import { ApiKey, ErrorCode } from "../protocol/mod.ts";
import { unknownTxnState } from "../txn/admin_handlers.ts";
import { AclOperation as Op, ResourceType as R } from "./acls.ts";
import {
  type AnyHandler,
  type AuthEnv,
  chain,
  CLUSTER,
  filtered,
  type Guard,
  onNamed,
  split,
  whole,
} from "./authz_common.ts";

const TXN_DENIED = ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;

type Topic = { name: string; partitions: number[] };
type CommitTopic = { name: string; partitions: { partitionIndex: number }[] };

/** WRITE on the request's transactional id, else `denied`. */
const onTxn = (denied: AnyHandler) =>
  onNamed(Op.WRITE, R.TRANSACTIONAL_ID, (req) => req.transactionalId, denied);

/**
 * AddPartitionsToTxn's checks for one transaction: null when allowed, else the per-partition
 * results (Kafka: the denied ones carry the error, the others OPERATION_NOT_ATTEMPTED).
 */
function addPartitionsDenied(env: AuthEnv, ctx: RequestContext, txnId: string, topics: Topic[]) {
  const txnOk = env.allowed(ctx, Op.WRITE, R.TRANSACTIONAL_ID, txnId);
  const topicOk = (t: Topic) => env.allowed(ctx, Op.WRITE, R.TOPIC, t.name);
  if (txnOk && topics.every(topicOk)) return null;
  const code = (t: Topic) =>
    !txnOk
      ? TXN_DENIED
      : topicOk(t)
      ? ErrorCode.OPERATION_NOT_ATTEMPTED
      : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
  return topics.map((t) => ({
    name: t.name,
    resultsByPartition: t.partitions.map((partitionIndex) => ({
      partitionIndex,
      partitionErrorCode: code(t),
    })),
  }));
}

const addPartitions: Guard = (inner, env) => (req, ctx) => {
  if (ctx.header.apiVersion < 4) {
    const denied = addPartitionsDenied(
      env,
      ctx,
      req.v3AndBelowTransactionalId,
      req.v3AndBelowTopics,
    );
    if (denied === null) return inner(req, ctx);
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      resultsByTransaction: [],
      resultsByTopicV3AndBelow: denied,
    };
  }
  type Txn = { transactionalId: string; topics: Topic[] };
  const results = (t: Txn) => addPartitionsDenied(env, ctx, t.transactionalId, t.topics);
  return split({
    list: "transactions",
    out: "resultsByTransaction",
    ok: (_e, _c, t: Txn) => results(t) === null,
    deny: (t: Txn) => ({ transactionalId: t.transactionalId, topicResults: results(t) }),
    empty: () => ({ throttleTimeMs: 0, errorCode: 0, resultsByTransaction: [] }),
  })(inner, env)(req, ctx);
};

/** A TxnOffsetCommit answer of `code` for every partition. */
const commitErrors = (topics: CommitTopic[], code: number) =>
  topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code })),
  }));

const initDenied = (errorCode: number) => () => ({
  throttleTimeMs: 0,
  errorCode,
  producerId: -1n,
  producerEpoch: -1,
});

const initProducerId: Guard = (inner, env) => (req, ctx) => {
  if (req.transactionalId !== null) return onTxn(initDenied(TXN_DENIED))(inner, env)(req, ctx);
  const idempotent = env.allowed(ctx, Op.IDEMPOTENT_WRITE, R.CLUSTER, CLUSTER) ||
    env.allowedOnAny(ctx, Op.WRITE, R.TOPIC);
  return idempotent ? inner(req, ctx) : initDenied(ErrorCode.CLUSTER_AUTHORIZATION_FAILED)();
};

/** Rules for the transaction APIs, by API key. */
export const TXN_RULES: Record<number, Guard> = {
  [ApiKey.InitProducerId]: initProducerId,
  [ApiKey.AddPartitionsToTxn]: addPartitions,
  [ApiKey.AddOffsetsToTxn]: chain(
    onTxn(() => ({ throttleTimeMs: 0, errorCode: TXN_DENIED })),
    onNamed(Op.READ, R.GROUP, (req) => req.groupId, () => ({
      throttleTimeMs: 0,
      errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
    })),
  ),
  [ApiKey.EndTxn]: onTxn(initDenied(TXN_DENIED)),
  [ApiKey.TxnOffsetCommit]: chain(
    onTxn((req: { topics: CommitTopic[] }) => ({
      throttleTimeMs: 0,
      topics: commitErrors(req.topics, TXN_DENIED),
    })),
    chain(
      whole(
        (env, req, ctx) => env.allowed(ctx, Op.READ, R.GROUP, req.groupId),
        (req) => ({
          throttleTimeMs: 0,
          topics: commitErrors(req.topics, ErrorCode.GROUP_AUTHORIZATION_FAILED),
        }),
      ),
      split({
        list: "topics",
        out: "topics",
        ok: (env, ctx, t) => env.allowed(ctx, Op.READ, R.TOPIC, t.name),
        deny: (t) => commitErrors([t], ErrorCode.TOPIC_AUTHORIZATION_FAILED)[0],
        empty: () => ({ throttleTimeMs: 0, topics: [] }),
      }),
    ),
  ),
  [ApiKey.DescribeTransactions]: split({
    list: "transactionalIds",
    out: "transactionStates",
    ok: (env, ctx, id) => env.allowed(ctx, Op.DESCRIBE, R.TRANSACTIONAL_ID, id),
    deny: (transactionalId) => unknownTxnState(TXN_DENIED, transactionalId),
    empty: () => ({ throttleTimeMs: 0, transactionStates: [] }),
  }),
  [ApiKey.ListTransactions]: filtered(
    "transactionStates",
    (env, ctx, t) => env.allowed(ctx, Op.DESCRIBE, R.TRANSACTIONAL_ID, t.transactionalId),
  ),
};
