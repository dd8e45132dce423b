/**
 * DeleteRecords (21): moves a partition's log start offset forward (whole segments below it are
 * deleted); offset -1 means the high watermark. Answers the new low watermark per partition.
 *
 * @module
 */
import {
  type ApiKey,
  type DeleteRecordsResponseDeleteRecordsPartitionResultInput,
  ErrorCode,
} from "../protocol/mod.ts";
import type { Handler } from "../api/mod.ts";
import type { BrokerContext } from "./context.ts";
import { errorCodeOf } from "./error_codes.ts";

/** Builds the DeleteRecords handler. */
export function deleteRecordsHandler(ctx: BrokerContext): Handler<typeof ApiKey.DeleteRecords> {
  return async (request) => {
    const topics = [];
    for (const t of request.topics) {
      const partitions: DeleteRecordsResponseDeleteRecordsPartitionResultInput[] = [];
      for (const p of t.partitions) {
        const log = ctx.store.partition(t.name, p.partitionIndex);
        const answer = (errorCode: number, lowWatermark: number) => ({
          partitionIndex: p.partitionIndex,
          lowWatermark: BigInt(lowWatermark),
          errorCode,
        });
        if (!log) {
          partitions.push(answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1));
          continue;
        }
        const offset = p.offset === -1n ? log.highWatermark : Number(p.offset);
        if (offset < 0 || offset > log.highWatermark) {
          partitions.push(answer(ErrorCode.OFFSET_OUT_OF_RANGE, -1));
          continue;
        }
        try {
          partitions.push(answer(ErrorCode.NONE, await log.deleteRecordsBefore(offset)));
        } catch (e) {
          const code = errorCodeOf(e);
          if (code === ErrorCode.UNKNOWN_SERVER_ERROR) {
            ctx.logger.error("DeleteRecords failed", {
              topic: t.name,
              partition: p.partitionIndex,
            });
          }
          partitions.push(answer(code, -1));
        }
      }
      topics.push({ name: t.name, partitions });
    }
    return { throttleTimeMs: 0, topics };
  };
}
