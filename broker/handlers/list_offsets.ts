/**
 * ListOffsets (2): earliest (-2), latest (-1) and by timestamp. Latest is the high watermark for
 * read_uncommitted and the last stable offset for read_committed; as in Kafka, a lookup by
 * timestamp finds nothing (-1) at or beyond that same limit. Max-timestamp (-3) and the tiered-storage
 * specials (-4, -5) are answered like Kafka without tiered storage: -4 as earliest, -5 as
 * "none" (-1); -3 is not supported and answers offset -1.
 *
 * @module
 */
import type {
  ApiKey,
  ListOffsetsResponseListOffsetsPartitionResponseInput,
} from "../protocol/mod.ts";
import type { Handler } from "../api/mod.ts";
import type { PartitionLog } from "../storage/mod.ts";
import type { BrokerContext } from "./context.ts";
import { errorCodeOf } from "./error_codes.ts";
import { ErrorCode } from "../protocol/mod.ts";

type PartitionResult = ListOffsetsResponseListOffsetsPartitionResponseInput;

/** Builds the ListOffsets handler. */
export function listOffsetsHandler(ctx: BrokerContext): Handler<typeof ApiKey.ListOffsets> {
  return async (request, { header }) => ({
    throttleTimeMs: 0,
    topics: await Promise.all(request.topics.map(async (t) => ({
      name: t.name,
      partitions: await Promise.all(t.partitions.map(async (p) => {
        const log = ctx.store.partition(t.name, p.partitionIndex);
        if (!log) return answer(p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1, -1);
        try {
          let [offset, timestamp] = await lookup(log, Number(p.timestamp));
          if (request.isolationLevel === 1 && ctx.transactions) {
            const lso = ctx.transactions.lastStableOffset(
              t.name,
              p.partitionIndex,
              log.highWatermark,
            );
            if (Number(p.timestamp) === -1) offset = lso;
            else if (Number(p.timestamp) >= 0 && offset >= lso) [offset, timestamp] = [-1, -1];
          }
          const r = answer(p.partitionIndex, 0, offset, timestamp);
          if (header.apiVersion < 4) r.leaderEpoch = undefined;
          if (header.apiVersion === 0) r.oldStyleOffsets = offset >= 0 ? [BigInt(offset)] : [];
          return r;
        } catch (e) {
          return answer(p.partitionIndex, errorCodeOf(e), -1, -1);
        }
      })),
    }))),
  });
}

async function lookup(log: PartitionLog, timestamp: number): Promise<[number, number]> {
  switch (timestamp) {
    case -1:
      return [log.highWatermark, -1];
    case -2:
    case -4:
      return [log.logStartOffset, -1];
    case -3:
    case -5:
      return [-1, -1];
  }
  if (timestamp < 0) return [-1, -1];
  const found = await log.offsetForTimestamp(timestamp);
  return found ? [found.offset, found.timestamp] : [-1, -1];
}

function answer(
  partitionIndex: number,
  errorCode: number,
  offset: number,
  timestamp: number,
): PartitionResult {
  return {
    partitionIndex,
    errorCode,
    timestamp: BigInt(timestamp),
    offset: BigInt(offset),
    leaderEpoch: errorCode === 0 ? 0 : -1,
  };
}
