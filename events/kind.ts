/**
 * The names of the event kinds this package defines.
 *
 * @module
 */

/** Every event kind, in a stable order. */
export const eventKinds = [
  "climate-reading",
  "vehicle-pressure-reading",
  "window-aggregate",
  "alert",
  "device-command",
  "command-status",
  "vehicle-pressure-max",
] as const;

/** The name of one event kind, e.g. `"climate-reading"`; carried by errors and used as a table key. */
export type EventKind = typeof eventKinds[number];

const kindSet: ReadonlySet<string> = new Set(eventKinds);

/**
 * Tells whether `value` names an event kind.
 *
 * @example
 * ```ts
 * import { isEventKind } from "@iot/events";
 * isEventKind("alert"); // true
 * isEventKind("alerts"); // false
 * ```
 */
export function isEventKind(value: unknown): value is EventKind {
  return typeof value === "string" && kindSet.has(value);
}
