/**
 * Fetch (1): whole batches from the one containing the fetch offset, with long polling on the
 * store's append signal until `minBytes` are available, `maxWaitMs` passes or the connection closes.
 *
 * read_uncommitted reads up to the high watermark; read_committed up to the last stable offset,
 * with the aborted transactions overlapping the range (the client drops their batches). Fetch
 * sessions are refused (session id 0: clients send full requests).
 *
 * @module
 */
import type {
  ApiKey,
  FetchRequest,
  FetchResponseFetchableTopicResponseInput,
  FetchResponsePartitionDataInput,
} from "../protocol/mod.ts";
import type { Handler } from "../api/mod.ts";
import { errorField } from "@iot/service";
import type { BrokerContext } from "./context.ts";
import { errorCodeOf } from "./error_codes.ts";
import { ErrorCode } from "../protocol/mod.ts";
import { cutBatchesAt } from "./stable_read.ts";
import { topicById } from "./topics.ts";

/** Builds the Fetch handler. */
export function fetchHandler(ctx: BrokerContext): Handler<typeof ApiKey.Fetch> {
  return async (request, { header, signal }) => {
    const byId = header.apiVersion >= 13;
    const names = request.topics.map((t) => byId ? topicById(ctx, t.topicId)?.name : t.topic);
    const deadline = performance.now() + Math.max(0, request.maxWaitMs);
    while (true) {
      const { responses, bytes, errors } = await readAll(ctx, request, names, byId);
      const remaining = deadline - performance.now();
      if (bytes >= request.minBytes || errors || remaining <= 0 || signal.aborted) {
        return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses };
      }
      const watched: [string, number][] = [];
      request.topics.forEach((t, i) => {
        const name = names[i];
        if (name !== undefined) { for (const p of t.partitions) watched.push([name, p.partition]); }
      });
      await ctx.store.appends.wait(watched, remaining, signal);
    }
  };
}

async function readAll(
  ctx: BrokerContext,
  request: FetchRequest,
  names: (string | undefined)[],
  byId: boolean,
): Promise<
  { responses: FetchResponseFetchableTopicResponseInput[]; bytes: number; errors: boolean }
> {
  let budget = request.maxBytes > 0 ? request.maxBytes : 0x7fffffff;
  let bytes = 0;
  let errors = false;
  const committed = request.isolationLevel === 1;
  const responses: FetchResponseFetchableTopicResponseInput[] = [];
  for (const [i, topic] of request.topics.entries()) {
    const name = names[i];
    const partitions: FetchResponsePartitionDataInput[] = [];
    for (const p of topic.partitions) {
      const log = name === undefined ? undefined : ctx.store.partition(name, p.partition);
      if (!log) {
        errors = true;
        partitions.push(empty(
          p.partition,
          byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          -1,
          -1,
        ));
        continue;
      }
      const offset = Number(p.fetchOffset);
      const hwm = log.highWatermark;
      // Between the high watermark and the log end (an append awaiting its fsync) the answer is
      // empty, not out of range.
      if (offset < log.logStartOffset || offset > log.logEndOffset) {
        errors = true;
        partitions.push(empty(p.partition, ErrorCode.OFFSET_OUT_OF_RANGE, hwm, log.logStartOffset));
        continue;
      }
      const lso = ctx.transactions?.lastStableOffset(name!, p.partition, hwm) ?? hwm;
      const upper = committed ? lso : hwm;
      const base = {
        ...empty(p.partition, 0, hwm, log.logStartOffset),
        lastStableOffset: BigInt(lso),
      };
      if (committed) base.abortedTransactions = [];
      // KIP-74: the first partition with data gets at least one batch even beyond the limits.
      const limit = bytes === 0 ? Math.max(1, Math.min(p.partitionMaxBytes, budget)) : Math.min(
        p.partitionMaxBytes,
        budget,
      );
      if (offset >= upper || limit <= 0) {
        partitions.push(base);
        continue;
      }
      try {
        // The log reads below its high watermark; read_committed cuts again at the LSO, which is
        // a batch boundary (a transaction's first batch) at most the high watermark.
        let chunks = await log.read(offset, limit);
        if (committed) chunks = cutBatchesAt(chunks, upper).chunks;
        const records = concat(chunks);
        bytes += records.length;
        budget -= records.length;
        if (committed && ctx.transactions && records.length > 0) {
          base.abortedTransactions = ctx.transactions
            .abortedTransactions(name!, p.partition, offset, upper)
            .map((a) => ({ producerId: BigInt(a.producerId), firstOffset: BigInt(a.firstOffset) }));
        }
        partitions.push({ ...base, records });
      } catch (e) {
        errors = true;
        const code = errorCodeOf(e);
        if (code === ErrorCode.UNKNOWN_SERVER_ERROR) {
          ctx.logger.error("read failed", {
            topic: name,
            partition: p.partition,
            error: errorField(e),
          });
        }
        partitions.push(empty(p.partition, code, log.highWatermark, log.logStartOffset));
      }
    }
    responses.push({ topic: name ?? "", topicId: topic.topicId, partitions });
  }
  return { responses, bytes, errors };
}

function empty(
  partitionIndex: number,
  errorCode: number,
  highWatermark: number,
  logStartOffset: number,
): FetchResponsePartitionDataInput {
  return {
    partitionIndex,
    errorCode,
    highWatermark: BigInt(highWatermark),
    lastStableOffset: BigInt(highWatermark),
    logStartOffset: BigInt(logStartOffset),
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: new Uint8Array(0),
  };
}

/** Joins batches into one buffer; batches read as adjacent views of one buffer are not copied. */
function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 0) return new Uint8Array(0);
  if (chunks.length === 1) return chunks[0];
  let total = 0;
  let adjacent = true;
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i];
    total += c.length;
    if (i > 0) {
      const prev = chunks[i - 1];
      adjacent &&= c.buffer === prev.buffer && c.byteOffset === prev.byteOffset + prev.length;
    }
  }
  if (adjacent) return new Uint8Array(chunks[0].buffer, chunks[0].byteOffset, total);
  const out = new Uint8Array(total);
  let pos = 0;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}
