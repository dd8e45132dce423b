/**
 * AlterConfigs (33) and IncrementalAlterConfigs (44) for topics: the new configs are validated,
 * stored and applied to the running partition logs at once (retention, cleanup policy, segment
 * size and the other keys the store understands). GROUP resources go to the group config store
 * (share-group settings). Broker configs are static here, as a clear error rather than a silent
 * no-op.
 *
 * @module
 */
import { type ApiKey, ErrorCode } from "../protocol/mod.ts";
import type { Handler } from "../api/mod.ts";
import { InvalidConfigError, parseLogConfig } from "../storage/mod.ts";
import type { BrokerContext } from "./context.ts";
import { errorCodeOf, messageOf } from "./error_codes.ts";
import { configValue } from "./topic_configs.ts";

/** Kafka ConfigResource types. */
const ResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8, GROUP: 32 };
/** IncrementalAlterConfigs operations. */
const Op = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 };
/** Keys whose values are lists (APPEND/SUBTRACT apply to them only). */
const LIST_KEYS = new Set(["cleanup.policy"]);

interface Result {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
}

/** Builds the AlterConfigs handler: the given set replaces the topic's overrides. */
export function alterConfigsHandler(ctx: BrokerContext): Handler<typeof ApiKey.AlterConfigs> {
  return async (request) => {
    const responses: Result[] = [];
    for (const r of request.resources) {
      responses.push(
        await apply(ctx, r.resourceType, r.resourceName, request.validateOnly, () => {
          const next: Record<string, string> = {};
          for (const c of r.configs) if (c.value !== null) next[c.name] = c.value;
          return next;
        }),
      );
    }
    return { throttleTimeMs: 0, responses };
  };
}

/** Builds the IncrementalAlterConfigs handler: SET, DELETE, APPEND and SUBTRACT per key. */
export function incrementalAlterConfigsHandler(
  ctx: BrokerContext,
): Handler<typeof ApiKey.IncrementalAlterConfigs> {
  return async (request) => {
    const responses: Result[] = [];
    for (const r of request.resources) {
      responses.push(
        await apply(ctx, r.resourceType, r.resourceName, request.validateOnly, (current) => {
          const next = { ...current };
          const effective = (key: string) => configValue(ctx.store.logConfig(r.resourceName), key);
          for (const c of r.configs) applyOp(next, c.name, c.configOperation, c.value, effective);
          return next;
        }),
      );
    }
    return { throttleTimeMs: 0, responses };
  };
}

function applyOp(
  configs: Record<string, string>,
  key: string,
  op: number,
  value: string | null,
  effective: (key: string) => string,
): void {
  if (op === Op.DELETE) {
    delete configs[key];
    return;
  }
  if (value === null) throw new InvalidConfigError(`${key}: a null value is only valid for DELETE`);
  if (op === Op.SET) {
    configs[key] = value;
    return;
  }
  if (op !== Op.APPEND && op !== Op.SUBTRACT) {
    throw new InvalidConfigError(`${key}: unknown config operation ${op}`);
  }
  if (!LIST_KEYS.has(key)) {
    throw new InvalidConfigError(`${key}: APPEND and SUBTRACT apply only to list configs`);
  }
  const items = (configs[key] ?? effective(key)).split(",").map((s) => s.trim()).filter((s) =>
    s !== ""
  );
  const change = value.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const next = op === Op.APPEND
    ? [...items, ...change.filter((c) => !items.includes(c))]
    : items.filter((i) => !change.includes(i));
  configs[key] = next.join(",");
}

async function apply(
  ctx: BrokerContext,
  resourceType: number,
  resourceName: string,
  validateOnly: boolean,
  change: (current: Readonly<Record<string, string>>) => Record<string, string>,
): Promise<Result> {
  const result = (errorCode: number, errorMessage: string | null = null): Result => ({
    errorCode,
    errorMessage,
    resourceType,
    resourceName,
  });
  if (resourceType === ResourceType.GROUP && ctx.groupConfigs) {
    try {
      await ctx.groupConfigs.alter(resourceName, change, validateOnly);
      return result(ErrorCode.NONE);
    } catch (e) {
      return result(errorCodeOf(e), messageOf(e));
    }
  }
  if (resourceType !== ResourceType.TOPIC) {
    const what = resourceType === ResourceType.BROKER || resourceType === ResourceType.BROKER_LOGGER
      ? "broker configs are static on this broker (set them with its flags)"
      : `resource type ${resourceType} is not supported`;
    return result(ErrorCode.INVALID_REQUEST, what);
  }
  const topic = ctx.store.topic(resourceName);
  if (!topic) {
    return result(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${resourceName} does not exist`);
  }
  try {
    const next = change(topic.configs);
    // Keys the store does not interpret are kept (as CreateTopics keeps them) and described.
    parseLogConfig(next); // validates every known value before anything changes
    if (!validateOnly) {
      await ctx.store.setTopicConfigs(resourceName, next);
      ctx.logger.info("topic configs altered", { topic: resourceName, configs: next });
    }
    return result(ErrorCode.NONE);
  } catch (e) {
    return result(errorCodeOf(e), messageOf(e));
  }
}
