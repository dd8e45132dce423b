/**
 * Kafka topics: their stable ids, default names, what each carries and how it is cleaned up.
 * Callers may rename any topic; code refers to topics by id and looks the name up in a
 * {@linkcode Topics} object built once by {@linkcode resolveTopics}.
 *
 * @module
 */
import type { EventKind } from "./kind.ts";

/** Every topic id, in a stable order. */
export const topicIds = [
  "sensorReadings",
  "vehiclePressure",
  "sensorAggregates",
  "alerts",
  "deviceCommands",
  "commandStatus",
  "vehiclePressureMax",
  "lateReadings",
  "deadLetter",
] as const;

/** The stable id of a topic, e.g. `"sensorReadings"`; its name may be configured. */
export type TopicId = typeof topicIds[number];

/** The name of each topic, by id. */
export type Topics = { readonly [Id in TopicId]: string };

/** The default topic names. */
export const defaultTopics: Topics = Object.freeze({
  sensorReadings: "sensor-readings",
  vehiclePressure: "vehicle-pressure",
  sensorAggregates: "sensor-aggregates",
  alerts: "alerts",
  deviceCommands: "device-commands",
  commandStatus: "command-status",
  vehiclePressureMax: "vehicle-pressure-max",
  lateReadings: "late-readings",
  deadLetter: "dead-letter",
});

/**
 * Kafka's `cleanup.policy`: `delete` drops old segments by retention; `compact` keeps the latest
 * record of each key.
 */
export type CleanupPolicy = "delete" | "compact";

/** What a topic carries and how Kafka should clean it up. */
export interface TopicSpec {
  /**
   * The kind of event on the topic, or `undefined` for the dead-letter topic, which carries the
   * original bytes of rejected records of any kind under their original keys.
   */
  readonly eventKind: EventKind | undefined;
  /** The topic's `cleanup.policy`. */
  readonly cleanupPolicy: CleanupPolicy;
}

/** What each topic carries and how it is cleaned up, by id. */
export const topicSpecs: { readonly [Id in TopicId]: TopicSpec } = Object.freeze({
  sensorReadings: { eventKind: "climate-reading", cleanupPolicy: "delete" },
  vehiclePressure: { eventKind: "vehicle-pressure-reading", cleanupPolicy: "delete" },
  sensorAggregates: { eventKind: "window-aggregate", cleanupPolicy: "delete" },
  alerts: { eventKind: "alert", cleanupPolicy: "delete" },
  deviceCommands: { eventKind: "device-command", cleanupPolicy: "delete" },
  commandStatus: { eventKind: "command-status", cleanupPolicy: "delete" },
  // Latest maximum per vehicle: readers want the current value, not the history.
  vehiclePressureMax: { eventKind: "vehicle-pressure-max", cleanupPolicy: "compact" },
  lateReadings: { eventKind: "climate-reading", cleanupPolicy: "delete" },
  deadLetter: { eventKind: undefined, cleanupPolicy: "delete" },
});

/** The ids of the topics whose cleanup policy is `compact`. */
export const compactedTopicIds: ReadonlySet<TopicId> = new Set(
  topicIds.filter((id) => topicSpecs[id].cleanupPolicy === "compact"),
);

// Kafka's rule for topic names: 1-249 of [a-zA-Z0-9._-], and not "." or "..".
const legalName = /^[a-zA-Z0-9._-]{1,249}$/;

const topicIdSet: ReadonlySet<string> = new Set(topicIds);

/**
 * Builds the topic names to use from the defaults and `overrides`, e.g. the values a `main.ts`
 * read from its configuration.
 *
 * @param overrides New names for some topics, by id. Defaults to none.
 * @returns A frozen {@linkcode Topics}.
 * @throws {TypeError} when `overrides` has an unknown id, a name Kafka does not allow, or two
 * topics end up with the same name.
 *
 * @example
 * ```ts
 * import { resolveTopics } from "@iot/events";
 * const topics = resolveTopics({ alerts: "staging.alerts" });
 * topics.alerts; // "staging.alerts"
 * topics.sensorReadings; // "sensor-readings"
 * ```
 */
export function resolveTopics(overrides: Partial<Topics> = {}): Topics {
  for (const id of Object.keys(overrides)) {
    if (!topicIdSet.has(id)) {
      throw new TypeError(`Cannot resolve topics: unknown topic id ${JSON.stringify(id)}`);
    }
  }
  const topics: Record<string, string> = {};
  const owners = new Map<string, TopicId>();
  for (const id of topicIds) {
    const name = overrides[id] ?? defaultTopics[id];
    if (typeof name !== "string" || !legalName.test(name) || name === "." || name === "..") {
      throw new TypeError(
        `Cannot resolve topics: ${id} name ${JSON.stringify(name)} is not a valid Kafka topic ` +
          "name (1-249 of a-z A-Z 0-9 . _ -)",
      );
    }
    const owner = owners.get(name);
    if (owner !== undefined) {
      throw new TypeError(`Cannot resolve topics: ${owner} and ${id} are both named "${name}"`);
    }
    owners.set(name, id);
    topics[id] = name;
  }
  return Object.freeze(topics as Topics);
}
