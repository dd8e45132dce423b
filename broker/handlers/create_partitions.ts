/**
 * CreatePartitions (37): raises a topic's partition count (never lowers it); `validateOnly`.
 *
 * @module
 */
import type { ApiKey } from "../protocol/mod.ts";
import type { Handler } from "../api/mod.ts";
import type { BrokerContext } from "./context.ts";
import { errorCodeOf, messageOf } from "./error_codes.ts";
import { ErrorCode } from "../protocol/mod.ts";

/** Builds the CreatePartitions handler. */
export function createPartitionsHandler(
  ctx: BrokerContext,
): Handler<typeof ApiKey.CreatePartitions> {
  return async (request) => {
    const results = [];
    for (const t of request.topics) {
      const topic = ctx.store.topic(t.name);
      if (!topic) {
        results.push({
          name: t.name,
          errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          errorMessage: `Topic ${t.name} does not exist`,
        });
        continue;
      }
      if (request.validateOnly) {
        const ok = Number.isInteger(t.count) && t.count > topic.partitions;
        results.push({
          name: t.name,
          errorCode: ok ? 0 : ErrorCode.INVALID_PARTITIONS,
          errorMessage: ok
            ? null
            : `Topic has ${topic.partitions} partitions; ${t.count} is not more`,
        });
        continue;
      }
      try {
        await ctx.store.createPartitions(t.name, t.count);
        ctx.logger.info("partitions created", { topic: t.name, partitions: t.count });
        results.push({ name: t.name, errorCode: 0, errorMessage: null });
      } catch (e) {
        results.push({ name: t.name, errorCode: errorCodeOf(e), errorMessage: messageOf(e) });
      }
    }
    return { throttleTimeMs: 0, results };
  };
}
