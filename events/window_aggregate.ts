/**
 * Window aggregates: count, average, minimum and maximum of one device's climate readings over a
 * time window. Kafka key: `deviceId`.
 *
 * @module
 */
import { z } from "zod";
import { decodeWithSpec, defineEventSpec, parseWithSpec } from "./codec.ts";
import type { EventResult } from "./errors.ts";
import { humiditySchema, idSchema, isAfter, temperatureSchema, whenFieldsValid } from "./fields.ts";
import { timestampSchema } from "./time.ts";

/** Average, minimum and maximum of one measurement over a window. */
export interface AggregateStats {
  /** The mean value. */
  readonly avg: number;
  /** The smallest value. */
  readonly min: number;
  /** The largest value. */
  readonly max: number;
}

// A mean computed in floating point can land a few ulps outside [min, max] (three readings of
// 0.1 average to 0.10000000000000002), so the bounds get a relative slack.
const avgSlack = 1e-9;

function checkStats(stats: AggregateStats, ctx: z.RefinementCtx): void {
  if (stats.min > stats.max) {
    ctx.addIssue({ code: "custom", path: ["max"], message: "must be at least min" });
    return;
  }
  const slack = avgSlack * Math.max(1, Math.abs(stats.min), Math.abs(stats.max));
  if (stats.avg < stats.min - slack || stats.avg > stats.max + slack) {
    ctx.addIssue({ code: "custom", path: ["avg"], message: "must be between min and max" });
  }
}

function statsSchema(value: z.ZodNumber) {
  return z.object({ avg: value, min: value, max: value }).superRefine(checkStats, whenFieldsValid);
}

function checkWindow(window: { windowStart: string; windowEnd: string }, ctx: z.RefinementCtx) {
  if (!isAfter(window.windowEnd, window.windowStart)) {
    ctx.addIssue({ code: "custom", path: ["windowEnd"], message: "must be after windowStart" });
  }
}

/**
 * The canonical schema of a window aggregate:
 * - `deviceId`: the device (the Kafka key);
 * - `windowStart`, `windowEnd`: the window's bounds, canonical timestamps, end after start;
 * - `count`: how many readings fell in the window, an integer of at least 1;
 * - `temperature`: {@linkcode AggregateStats} in °C;
 * - `humidity`: {@linkcode AggregateStats} in percent, each 0 to 100.
 *
 * In each stats object `min <= avg <= max` (with a floating-point slack of 1e-9 relative).
 */
export const windowAggregateSchema = z.object({
  deviceId: idSchema,
  windowStart: timestampSchema,
  windowEnd: timestampSchema,
  count: z.number().int().min(1, { error: "must be at least 1" }),
  temperature: statsSchema(temperatureSchema),
  humidity: statsSchema(humiditySchema),
}).superRefine(checkWindow, whenFieldsValid);

/** One device's readings summarised over a time window, in canonical form. */
export type WindowAggregate = z.infer<typeof windowAggregateSchema>;

/** The parse spec of window aggregates, used by the generic `parseEvent`. */
export const windowAggregateSpec = defineEventSpec("window-aggregate", windowAggregateSchema, [
  "windowStart",
  "windowEnd",
]);

/**
 * Parses an already JSON-parsed value as a window aggregate, accepting the legacy forms
 * (`device_id`, `window_start`, `window_end`, lenient timestamps).
 *
 * @example
 * ```ts
 * import { parseWindowAggregate } from "@iot/events";
 * const result = parseWindowAggregate({
 *   device_id: "d1", window_start: "2025-07-22T22:30:00Z", window_end: "2025-07-22T22:31:00Z",
 *   count: 2, temperature: { avg: 21, min: 20, max: 22 }, humidity: { avg: 40, min: 40, max: 40 },
 * });
 * ```
 */
export function parseWindowAggregate(input: unknown): EventResult<WindowAggregate> {
  return parseWithSpec(windowAggregateSpec, input);
}

/**
 * Decodes a window aggregate from UTF-8 JSON bytes or a JSON string; see
 * {@linkcode parseWindowAggregate} for the accepted forms.
 */
export function decodeWindowAggregate(bytes: Uint8Array | string): EventResult<WindowAggregate> {
  return decodeWithSpec(windowAggregateSpec, bytes);
}
