/**
 * The acquiring read of ShareFetch: for each partition of a share session, acquire records in
 * the share-partition and read the whole log batches that hold them.
 *
 * @module
 */
import { ErrorCode, type ShareFetchResponsePartitionDataInput } from "../protocol/mod.ts";
import { lastOffsetOf, readBatchHeader, splitBatches } from "../records/mod.ts";
import type { PartitionLog } from "../storage/mod.ts";
import { errorCodeOf } from "../handlers/mod.ts";
import type { ShareContext, ShareSession } from "./context.ts";
import type { AcquiredRange, SharePartition } from "./share_partition.ts";

/** What one acquiring pass needs. */
export interface AcquireRequest {
  /** Group id. */
  group: string;
  /** Member id. */
  member: string;
  /** The member's session (its partitions; its cursor moves for fairness). */
  session: ShareSession;
  /** Acquisition lock duration. */
  lockMs: number;
  /** Records to acquire at most (exceeded only to end on a batch boundary). */
  maxRecords: number;
  /** Bytes to read at most (at least one batch). */
  maxBytes: number;
}

/** Partition results, totals and the partitions to watch for appends. */
export interface AcquireResult {
  /** Results of partitions with acquired records or errors, by `topicId/partition`. */
  partitions: Map<string, ShareFetchResponsePartitionDataInput>;
  /** Records acquired. */
  records: number;
  /** Whether some partition answered an error. */
  errors: boolean;
  /** `[topic name, partition]` of the session's partitions. */
  watched: [string, number][];
}

interface Batch {
  first: number;
  last: number;
  bytes: Uint8Array;
}

/** Acquires records for `req.member` from the partitions of its session. */
export async function acquireFrom(
  share: ShareContext,
  req: AcquireRequest,
): Promise<AcquireResult> {
  const out: AcquireResult = { partitions: new Map(), records: 0, errors: false, watched: [] };
  const tps = [...req.session.partitions];
  const start = tps.length === 0 ? 0 : req.session.cursor++ % tps.length;
  let records = req.maxRecords;
  let bytes = req.maxBytes;
  const leader = { leaderId: share.nodeId, leaderEpoch: 0 };
  const result = (tp: string, errorCode: number): ShareFetchResponsePartitionDataInput => ({
    partitionIndex: Number(tp.split("/")[1]),
    errorCode,
    acknowledgeErrorCode: 0,
    currentLeader: leader,
    records: new Uint8Array(0),
    acquiredRecords: [],
  });
  for (let i = 0; i < tps.length; i++) {
    const tp = tps[(start + i) % tps.length];
    const [topicId, p] = tp.split("/");
    const partition = Number(p);
    const topic = share.topicById(topicId);
    const log = topic && share.store.partition(topic.name, partition);
    if (!topic || !log) {
      out.partitions.set(
        tp,
        result(tp, topic ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.UNKNOWN_TOPIC_ID),
      );
      out.errors = true;
      continue;
    }
    out.watched.push([topic.name, partition]);
    if (records <= 0) continue;
    const k = { group: req.group, topicId, partition };
    const earliest = share.configs.value(req.group, "share.auto.offset.reset") === "earliest";
    const sp = share.states.get(k, () => earliest ? log.logStartOffset : log.highWatermark);
    sp.expireLocks(share.now());
    sp.clampToLogStart(log.logStartOffset);
    try {
      const got = await acquireIn(share, sp, log, req, records, Math.max(1, bytes));
      share.states.persist(k).catch(share.onError);
      if (got.ranges.length === 0) continue;
      const n = got.ranges.reduce((s, r) => s + r.last - r.first + 1, 0);
      records -= n;
      bytes -= got.records.length;
      out.records += n;
      out.partitions.set(tp, {
        ...result(tp, 0),
        records: got.records,
        acquiredRecords: got.ranges.map((r) => ({
          firstOffset: BigInt(r.first),
          lastOffset: BigInt(r.last),
          deliveryCount: r.deliveryCount,
        })),
      });
    } catch (e) {
      out.partitions.set(tp, result(tp, errorCodeOf(e)));
      out.errors = true;
    }
  }
  return out;
}

/** Acquires in one share-partition and reads the batches holding the acquired records. */
async function acquireIn(
  share: ShareContext,
  sp: SharePartition,
  log: PartitionLog,
  req: AcquireRequest,
  maxRecords: number,
  maxBytes: number,
): Promise<{ ranges: AcquiredRange[]; records: Uint8Array }> {
  const batches = new Map<number, Batch>();
  const hwm = log.highWatermark;
  let newEnd = sp.endOffset;
  if (sp.endOffset < hwm && sp.room > 0 && !sp.hasAvailable()) {
    // New records end on a batch boundary (batch-optimized acquisition, Kafka's default).
    for (const b of splitAll(await log.read(sp.endOffset, maxBytes))) {
      if (b.last < sp.endOffset) continue;
      batches.set(b.first, b);
      newEnd = Math.min(b.last + 1, hwm);
      if (newEnd - sp.endOffset >= maxRecords || newEnd >= hwm) break;
    }
  }
  const ranges = sp.acquire(req.member, share.now(), req.lockMs, maxRecords, newEnd);
  for (const r of ranges) {
    let pos = r.first;
    while (pos <= r.last) {
      const covering = [...batches.values()].find((b) => b.first <= pos && pos <= b.last);
      if (covering) {
        pos = covering.last + 1;
        continue;
      }
      const read = splitAll(await log.read(pos, maxBytes)).filter((b) => b.last >= pos);
      if (read.length === 0) break; // records removed under us: the client acknowledges a gap
      for (const b of read) if (b.first <= r.last) batches.set(b.first, b);
      pos = Math.max(pos, read[0].first <= pos ? read[0].last + 1 : read[0].first);
    }
  }
  const sorted = [...batches.values()].filter((b) =>
    ranges.some((r) => b.first <= r.last && b.last >= r.first)
  ).sort((a, b) => a.first - b.first);
  const total = sorted.reduce((s, b) => s + b.bytes.length, 0);
  const records = new Uint8Array(total);
  let at = 0;
  for (const b of sorted) {
    records.set(b.bytes, at);
    at += b.bytes.length;
  }
  return { ranges, records };
}

function splitAll(chunks: Uint8Array[]): Batch[] {
  const out: Batch[] = [];
  for (const chunk of chunks) {
    for (const bytes of splitBatches(chunk).batches) {
      const h = readBatchHeader(bytes);
      out.push({ first: h.baseOffset, last: lastOffsetOf(h), bytes });
    }
  }
  return out;
}
