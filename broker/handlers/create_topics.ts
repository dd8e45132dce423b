/**
 * CreateTopics (19): partitions (-1 = the broker default), replication factor 1 (or -1), topic
 * configs such as `cleanup.policy=compact`, and `validateOnly`.
 *
 * @module
 */
import type {
  ApiKey,
  CreateTopicsRequestCreatableTopic,
  CreateTopicsResponseCreatableTopicResultInput,
} from "../protocol/mod.ts";
import type { Handler } from "../api/mod.ts";
import {
  InvalidPartitionsError,
  parseLogConfig,
  TopicExistsError,
  validateTopicName,
} from "../storage/mod.ts";
import type { BrokerContext } from "./context.ts";
import { errorCodeOf, messageOf } from "./error_codes.ts";
import { ErrorCode } from "../protocol/mod.ts";
import { describeTopicConfigs } from "./topic_configs.ts";
import { wireTopicId, ZERO_UUID } from "./topics.ts";

type Result = CreateTopicsResponseCreatableTopicResultInput;

/** Builds the CreateTopics handler. */
export function createTopicsHandler(ctx: BrokerContext): Handler<typeof ApiKey.CreateTopics> {
  return async (request) => {
    const seen = new Map<string, number>();
    for (const t of request.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
    const topics: Result[] = [];
    for (const t of request.topics) {
      if (seen.get(t.name)! > 1) {
        topics.push(failed(t.name, ErrorCode.INVALID_REQUEST, "Duplicate topic in request"));
      } else topics.push(await createOne(ctx, t, request.validateOnly));
    }
    return { throttleTimeMs: 0, topics };
  };
}

async function createOne(
  ctx: BrokerContext,
  t: CreateTopicsRequestCreatableTopic,
  validateOnly: boolean,
): Promise<Result> {
  if (t.replicationFactor !== -1 && t.replicationFactor !== 1) {
    return failed(
      t.name,
      ErrorCode.INVALID_REPLICATION_FACTOR,
      `Replication factor ${t.replicationFactor} is larger than the 1 available broker`,
    );
  }
  if (t.assignments.some((a) => a.brokerIds.some((b) => b !== ctx.identity.nodeId))) {
    return failed(t.name, ErrorCode.INVALID_REPLICA_ASSIGNMENT, "Unknown broker in assignment");
  }
  const partitions = t.assignments.length > 0
    ? t.assignments.length
    : t.numPartitions === -1
    ? ctx.topics.partitions
    : t.numPartitions;
  const configs: Record<string, string> = {};
  for (const c of t.configs) if (c.value !== null) configs[c.name] = c.value;
  try {
    if (validateOnly) {
      validateTopicName(t.name);
      if (ctx.store.topic(t.name)) throw new TopicExistsError(t.name);
      if (!Number.isInteger(partitions) || partitions < 1) {
        throw new InvalidPartitionsError(`Partition count ${partitions} must be at least 1`);
      }
      parseLogConfig(configs);
      return created(ctx, t.name, ZERO_UUID, partitions, configs);
    }
    const info = await ctx.store.createTopic(t.name, { partitions, configs });
    ctx.logger.info("topic created", { topic: t.name, partitions, configs });
    return created(ctx, t.name, wireTopicId(info), partitions, configs);
  } catch (e) {
    return failed(t.name, errorCodeOf(e), messageOf(e));
  }
}

function created(
  ctx: BrokerContext,
  name: string,
  topicId: string,
  numPartitions: number,
  configs: Record<string, string>,
): Result {
  const effective = ctx.store.topic(name) ? ctx.store.logConfig(name) : parseLogConfig(configs);
  return {
    name,
    topicId,
    errorCode: 0,
    errorMessage: null,
    numPartitions,
    replicationFactor: 1,
    configs: describeTopicConfigs(effective, configs).map((c) => ({
      name: c.name,
      value: c.value,
      readOnly: false,
      configSource: c.source,
      isSensitive: false,
    })),
  };
}

function failed(name: string, errorCode: number, errorMessage: string): Result {
  return {
    name,
    topicId: ZERO_UUID,
    errorCode,
    errorMessage,
    numPartitions: -1,
    replicationFactor: -1,
    configs: [],
  };
}
