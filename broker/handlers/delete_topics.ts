/**
 * DeleteTopics (20): by name (all versions) or by topic id (v6+).
 *
 * @module
 */
import type { ApiKey, DeleteTopicsResponseDeletableTopicResultInput } from "../protocol/mod.ts";
import type { Handler } from "../api/mod.ts";
import type { BrokerContext } from "./context.ts";
import { errorCodeOf, messageOf } from "./error_codes.ts";
import { ErrorCode } from "../protocol/mod.ts";
import { topicById, wireTopicId, ZERO_UUID } from "./topics.ts";

type Result = DeleteTopicsResponseDeletableTopicResultInput;

/** Builds the DeleteTopics handler. */
export function deleteTopicsHandler(ctx: BrokerContext): Handler<typeof ApiKey.DeleteTopics> {
  return async (request, { header }) => {
    const wanted = header.apiVersion >= 6
      ? request.topics.map((t) => ({ name: t.name, topicId: t.topicId }))
      : request.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
    const responses: Result[] = [];
    for (const w of wanted) {
      const byId = w.name === null;
      const topic = byId ? topicById(ctx, w.topicId) : ctx.store.topic(w.name!);
      if (!topic) {
        responses.push({
          name: w.name,
          topicId: w.topicId,
          errorCode: byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          errorMessage: "This server does not host this topic",
        });
        continue;
      }
      try {
        await ctx.store.deleteTopic(topic.name);
        await ctx.producers?.dropTopic(topic.name);
        await ctx.transactions?.dropTopic(topic.name);
        ctx.logger.info("topic deleted", { topic: topic.name });
        responses.push({
          name: topic.name,
          topicId: wireTopicId(topic),
          errorCode: 0,
          errorMessage: null,
        });
      } catch (e) {
        responses.push({
          name: topic.name,
          topicId: wireTopicId(topic),
          errorCode: errorCodeOf(e),
          errorMessage: messageOf(e),
        });
      }
    }
    return { throttleTimeMs: 0, responses };
  };
}
