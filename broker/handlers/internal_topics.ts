/**
 * Kafka's internal topics, `__consumer_offsets` and `__transaction_state`. This broker keeps
 * offsets and transaction state in its metadata store, but clients and tools expect the topics to
 * exist and be flagged internal in Metadata (regex subscriptions skip them, tools look them up),
 * so they exist as real, empty, one-partition logs that clients can read but not produce to.
 *
 * @module
 */
import type { LogStore } from "../storage/mod.ts";

/** Names of the internal topics, as Kafka names them. */
export const INTERNAL_TOPICS: readonly string[] = ["__consumer_offsets", "__transaction_state"];

/** Whether `topic` is one of {@linkcode INTERNAL_TOPICS}. */
export function isInternalTopic(topic: string): boolean {
  return INTERNAL_TOPICS.includes(topic);
}

/** Creates the internal topics that do not exist yet (an existing data dir keeps its own). */
export async function ensureInternalTopics(store: LogStore): Promise<void> {
  for (const name of INTERNAL_TOPICS) {
    if (!store.topic(name)) await store.createTopic(name, { partitions: 1 });
  }
}
