/**
 * Topic lookups shared by handlers: by name, by id, and auto-creation.
 *
 * @module
 */
import { uuidToString, ZERO_UUID_STRING } from "../protocol/mod.ts";
import { TopicExistsError, type TopicInfo } from "../storage/mod.ts";
import type { BrokerContext } from "./context.ts";

/** Kafka's "authorized operations not requested" value. */
export const OPS_NOT_REQUESTED = -2147483648;
/** READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS (no ACLs here). */
export const ALL_TOPIC_OPS: number = [3, 4, 5, 6, 7, 8, 10, 11].reduce((a, b) => a | (1 << b), 0);

/** The all-zero topic id Kafka uses for "no id", in wire (base64url) form. */
export const ZERO_UUID = ZERO_UUID_STRING;

const wireIds = new Map<string, string>();

/**
 * A topic's id in Kafka's wire form (base64url of the 16 bytes) from the store's canonical
 * UUID text (`6f1d…-…`).
 */
export function wireTopicId(topic: TopicInfo): string {
  let id = wireIds.get(topic.topicId);
  if (id === undefined) {
    const hex = topic.topicId.replaceAll("-", "");
    const bytes = new Uint8Array(16);
    for (let i = 0; i < 16; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    id = uuidToString(bytes);
    wireIds.set(topic.topicId, id);
  }
  return id;
}

/** Finds a topic by its wire-form id. */
export function topicById(ctx: BrokerContext, id: string): TopicInfo | undefined {
  return ctx.store.listTopics().find((t) => wireTopicId(t) === id);
}

/**
 * Creates `name` with the default partition count unless it exists (a concurrent creation by
 * another request counts as existing). Throws the store's typed errors for bad names.
 */
export async function ensureTopic(ctx: BrokerContext, name: string): Promise<TopicInfo> {
  const existing = ctx.store.topic(name);
  if (existing) return existing;
  try {
    const created = await ctx.store.createTopic(name, { partitions: ctx.topics.partitions });
    ctx.logger.info("topic auto-created", { topic: name, partitions: created.partitions });
    return created;
  } catch (e) {
    if (e instanceof TopicExistsError) return ctx.store.topic(name)!;
    throw e;
  }
}
