/**
 * OffsetForLeaderEpoch (23): there is only leader epoch 0, so its end offset is the high
 * watermark; a later epoch is unknown (-1/-1), as in Kafka.
 *
 * @module
 */
import type { ApiKey } from "../protocol/mod.ts";
import type { Handler } from "../api/mod.ts";
import type { BrokerContext } from "./context.ts";
import { ErrorCode } from "../protocol/mod.ts";

/** Builds the OffsetForLeaderEpoch handler. */
export function offsetForLeaderEpochHandler(
  ctx: BrokerContext,
): Handler<typeof ApiKey.OffsetForLeaderEpoch> {
  return (request) => ({
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => {
        const log = ctx.store.partition(t.topic, p.partition);
        const errorCode = !log
          ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
          : p.currentLeaderEpoch > 0
          ? ErrorCode.UNKNOWN_LEADER_EPOCH
          : 0;
        const known = errorCode === 0 && p.leaderEpoch <= 0;
        return {
          errorCode,
          partition: p.partition,
          leaderEpoch: known ? 0 : -1,
          endOffset: known ? BigInt(log!.highWatermark) : -1n,
        };
      }),
    })),
  });
}
