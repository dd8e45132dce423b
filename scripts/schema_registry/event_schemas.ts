/**
 * The `@iot/events` schemas as JSON Schema, one per topic that carries an event kind, under
 * the subject Confluent's serializers use by default (`TopicNameStrategy`: `<topic>-value`).
 * The dead-letter topic carries raw bytes of any kind and has none.
 *
 * @module
 */
import { z } from "zod";
import {
  alertSchema,
  climateReadingSchema,
  commandStatusSchema,
  defaultTopics,
  deviceCommandSchema,
  type EventKind,
  topicIds,
  type Topics,
  topicSpecs,
  vehiclePressureMaxSchema,
  vehiclePressureReadingSchema,
  windowAggregateSchema,
} from "@iot/events";

// The mapped type makes a new event kind without a schema here a compile error.
const schemas: { readonly [K in EventKind]: z.ZodType } = {
  "climate-reading": climateReadingSchema,
  "vehicle-pressure-reading": vehiclePressureReadingSchema,
  "window-aggregate": windowAggregateSchema,
  "alert": alertSchema,
  "device-command": deviceCommandSchema,
  "command-status": commandStatusSchema,
  "vehicle-pressure-max": vehiclePressureMaxSchema,
};

/** One subject to register: its name, the event kind and the JSON Schema text. */
export interface EventSubject {
  /** `<topic>-value`. */
  subject: string;
  /** The event kind the topic carries. */
  kind: EventKind;
  /** JSON Schema (draft 2020-12) of the canonical event, as compact JSON. */
  schema: string;
}

/** The JSON Schema of an event kind's canonical form (closed: no other properties). */
export function eventJsonSchema(kind: EventKind): string {
  return JSON.stringify(z.toJSONSchema(schemas[kind], { io: "output" }));
}

/** The subjects of every topic that carries an event kind, in topic order. */
export function eventSubjects(topics: Topics = defaultTopics): EventSubject[] {
  return topicIds.flatMap((id) => {
    const kind = topicSpecs[id].eventKind;
    return kind === undefined
      ? []
      : [{ subject: `${topics[id]}-value`, kind, schema: eventJsonSchema(kind) }];
  });
}
