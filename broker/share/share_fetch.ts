/**
 * ShareFetch (78) and ShareAcknowledge (79). A share session (epoch 0 opens it, each request
 * carries the next epoch, -1 closes it and releases what the member holds) names the partitions a
 * member fetches from. Acknowledgements are applied and made durable before the answer; then
 * records are acquired (redeliveries first, then whole new batches from the log) and returned with
 * their acquired ranges and delivery counts, long-polling until something is acquired, `maxWaitMs`
 * passes or the connection closes.
 *
 * @module
 */
import {
  ErrorCode,
  type ShareAcknowledgeRequest,
  type ShareAcknowledgeResponseInput,
  type ShareFetchRequest,
  type ShareFetchResponseInput,
  type ShareFetchResponsePartitionDataInput,
} from "../protocol/mod.ts";
import type { RequestContext } from "../api/mod.ts";
import type { ShareContext, ShareSession } from "./context.ts";
import { acquireFrom } from "./share_read.ts";

/** The single node leads every partition (leader epoch 0, as Metadata reports). */
function leaderOf(share: ShareContext) {
  return { leaderId: share.nodeId, leaderEpoch: 0 };
}

interface AckBatch {
  firstOffset: bigint;
  lastOffset: bigint;
  acknowledgeTypes: number[];
}

interface AckPartition {
  partitionIndex: number;
  acknowledgementBatches: AckBatch[];
}

type SessionResult = { session: ShareSession | null; errorCode: number; errorMessage?: string };

/** Opens, continues or closes the member's share session as the request's epoch says. */
function useSession(
  share: ShareContext,
  group: string,
  member: string,
  epoch: number,
): SessionResult {
  const key = `${group}\0${member}`;
  if (epoch === 0) {
    const session = { epoch: 1, partitions: new Set<string>(), cursor: 0 };
    share.sessions.set(key, session);
    return { session, errorCode: 0 };
  }
  const session = share.sessions.get(key);
  if (!session) return { session: null, errorCode: ErrorCode.SHARE_SESSION_NOT_FOUND };
  if (epoch === -1) {
    share.sessions.delete(key);
    return { session, errorCode: 0 };
  }
  if (epoch !== session.epoch) {
    return {
      session: null,
      errorCode: ErrorCode.INVALID_SHARE_SESSION_EPOCH,
      errorMessage: `expected share session epoch ${session.epoch}, got ${epoch}`,
    };
  }
  session.epoch = epoch === 0x7fffffff ? 1 : epoch + 1;
  return { session, errorCode: 0 };
}

/** Applies a member's acknowledgements; resolves to an error code per `topicId/partition`. */
async function acknowledge(
  share: ShareContext,
  group: string,
  member: string,
  topics: { topicId: string; partitions: AckPartition[] }[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const now = share.now();
  const lockMs = share.configs.int(group, "share.record.lock.duration.ms");
  const writes: Promise<void>[] = [];
  let released = false;
  for (const t of topics) {
    for (const p of t.partitions) {
      if (p.acknowledgementBatches.length === 0) continue;
      const k = { group, topicId: t.topicId, partition: p.partitionIndex };
      const sp = share.states.find(k);
      let code: number = sp ? ErrorCode.NONE : ErrorCode.INVALID_RECORD_STATE;
      if (!share.topicById(t.topicId)) code = ErrorCode.UNKNOWN_TOPIC_ID;
      for (const b of sp && code === 0 ? p.acknowledgementBatches : []) {
        const first = Number(b.firstOffset);
        const last = Number(b.lastOffset);
        const c = sp!.acknowledge(member, first, last, b.acknowledgeTypes, now, lockMs);
        if (c !== 0 && code === 0) code = c;
        released ||= b.acknowledgeTypes.includes(2);
      }
      out.set(`${t.topicId}/${p.partitionIndex}`, code);
      writes.push(share.states.persist(k));
    }
  }
  if (released) share.states.notify();
  await Promise.all(writes);
  return out;
}

/** The top level of a ShareFetch or ShareAcknowledge response (same fields in both). */
function topLevel(lockMs: number, errorCode: number, errorMessage: string | null = null) {
  return {
    throttleTimeMs: 0,
    errorCode,
    errorMessage,
    acquisitionLockTimeoutMs: lockMs,
    responses: [],
    nodeEndpoints: [],
  };
}

/** The checks both APIs start with: ids present, then the share session by epoch. */
function begin(
  share: ShareContext,
  req: { groupId: string | null; memberId: string | null; shareSessionEpoch: number },
): { group: string; member: string; session: ShareSession } | ReturnType<typeof topLevel> {
  const lockMs = share.configs.int(req.groupId ?? "", "share.record.lock.duration.ms");
  if (!req.groupId) return topLevel(lockMs, ErrorCode.INVALID_REQUEST, "GroupId must be set.");
  if (!req.memberId) return topLevel(lockMs, ErrorCode.INVALID_REQUEST, "MemberId must be set.");
  const { session, errorCode, errorMessage } = useSession(
    share,
    req.groupId,
    req.memberId,
    req.shareSessionEpoch,
  );
  if (!session) return topLevel(lockMs, errorCode, errorMessage);
  return { group: req.groupId, member: req.memberId, session };
}

/** Handles one ShareFetch. */
export async function shareFetch(
  share: ShareContext,
  req: ShareFetchRequest,
  ctx: RequestContext,
): Promise<ShareFetchResponseInput> {
  const lockMs = share.configs.int(req.groupId ?? "", "share.record.lock.duration.ms");
  const hasAcks = req.topics.some((t) => t.partitions.some((p) => p.acknowledgementBatches.length));
  if (req.shareSessionEpoch === 0 && hasAcks) {
    const message = "Acknowledgements are not allowed when opening a session.";
    return topLevel(lockMs, ErrorCode.INVALID_REQUEST, message);
  }
  const started = begin(share, req);
  if (!("session" in started)) return started;
  const { group, member, session } = started;
  for (const t of req.topics) {
    for (const p of t.partitions) session.partitions.add(`${t.topicId}/${p.partitionIndex}`);
  }
  for (const f of req.forgottenTopicsData) {
    for (const p of f.partitions) session.partitions.delete(`${f.topicId}/${p}`);
  }
  const acks = await acknowledge(share, group, member, req.topics);
  const results = new Map<string, ShareFetchResponsePartitionDataInput>();
  for (const [tp, code] of acks) results.set(tp, partitionResult(share, tp, code));
  if (req.shareSessionEpoch === -1) {
    await share.releaseMember(group, member);
    return { ...topLevel(lockMs, 0), responses: grouped(results) };
  }
  const deadline = performance.now() + Math.max(0, req.maxWaitMs);
  while (true) {
    const got = await acquireFrom(share, {
      group,
      member,
      session,
      lockMs,
      maxRecords: req.maxRecords > 0 ? req.maxRecords : 500,
      maxBytes: req.maxBytes > 0 ? req.maxBytes : 0x7fffffff,
    });
    for (const [tp, r] of got.partitions) {
      const prev = results.get(tp);
      results.set(tp, { ...r, acknowledgeErrorCode: prev?.acknowledgeErrorCode ?? 0 });
    }
    const remaining = deadline - performance.now();
    if (got.records > 0 || got.errors || remaining <= 0 || ctx.signal.aborted) break;
    // Woken by an append to a session partition or by records becoming available again.
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    try {
      await Promise.race([
        share.store.appends.wait(got.watched, remaining, stop.signal),
        share.states.wait(remaining, stop.signal),
      ]);
    } finally {
      stop.abort();
      ctx.signal.removeEventListener("abort", onAbort);
    }
  }
  return { ...topLevel(lockMs, 0), responses: grouped(results) };
}

/** Handles one ShareAcknowledge. */
export async function shareAcknowledge(
  share: ShareContext,
  req: ShareAcknowledgeRequest,
): Promise<ShareAcknowledgeResponseInput> {
  const lockMs = share.configs.int(req.groupId ?? "", "share.record.lock.duration.ms");
  if (req.shareSessionEpoch === 0) {
    const message = "ShareAcknowledge cannot open a session.";
    return topLevel(lockMs, ErrorCode.INVALID_SHARE_SESSION_EPOCH, message);
  }
  const started = begin(share, req);
  if (!("session" in started)) return started;
  const { group, member } = started;
  const acks = await acknowledge(share, group, member, req.topics);
  if (req.shareSessionEpoch === -1) await share.releaseMember(group, member);
  const byTopic = new Map<
    string,
    { partitionIndex: number; errorCode: number; currentLeader: ReturnType<typeof leaderOf> }[]
  >();
  for (const [tp, code] of acks) {
    const [topicId, p] = tp.split("/");
    const list = byTopic.get(topicId) ?? [];
    list.push({ partitionIndex: Number(p), errorCode: code, currentLeader: leaderOf(share) });
    byTopic.set(topicId, list);
  }
  return {
    ...topLevel(lockMs, 0),
    responses: [...byTopic].map(([topicId, partitions]) => ({ topicId, partitions })),
  };
}

/** A partition result without records, for `topicId/partition`. */
function partitionResult(
  share: ShareContext,
  tp: string,
  acknowledgeErrorCode: number,
): ShareFetchResponsePartitionDataInput {
  return {
    partitionIndex: Number(tp.split("/")[1]),
    errorCode: 0,
    acknowledgeErrorCode,
    currentLeader: leaderOf(share),
    records: new Uint8Array(0),
    acquiredRecords: [],
  };
}

function grouped(results: Map<string, ShareFetchResponsePartitionDataInput>) {
  const byTopic = new Map<string, ShareFetchResponsePartitionDataInput[]>();
  for (const [tp, r] of results) {
    const topicId = tp.split("/")[0];
    const list = byTopic.get(topicId) ?? [];
    list.push(r);
    byTopic.set(topicId, list);
  }
  return [...byTopic].map(([topicId, partitions]) => ({ topicId, partitions }));
}
