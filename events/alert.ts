/**
 * Alerts: a rule on a device's windowed readings became active or cleared. Kafka key: `deviceId`.
 *
 * @module
 */
import { z } from "zod";
import { decodeWithSpec, defineEventSpec, parseWithSpec } from "./codec.ts";
import type { EventResult } from "./errors.ts";
import { idSchema, isAfter, valueSchema, whenFieldsValid } from "./fields.ts";
import { timestampSchema } from "./time.ts";

/** Alert severities, least to most severe. */
export const alertSeverities = ["info", "warning", "critical"] as const;

/** How severe an alert is. */
export type AlertSeverity = typeof alertSeverities[number];

/** Alert states: `active` when the rule starts firing, `cleared` when it stops. */
export const alertStates = ["active", "cleared"] as const;

/** Whether an alert is firing or has cleared. */
export type AlertState = typeof alertStates[number];

function checkWindow(alert: { windowStart: string; windowEnd: string }, ctx: z.RefinementCtx) {
  if (!isAfter(alert.windowEnd, alert.windowStart)) {
    ctx.addIssue({ code: "custom", path: ["windowEnd"], message: "must be after windowStart" });
  }
}

/**
 * The canonical schema of an alert:
 * - `alertId`: the alert's id, the same for its `active` and `cleared` events;
 * - `deviceId`: the device (the Kafka key);
 * - `type`: the rule that fired, e.g. `"overheating"` (a non-empty string);
 * - `severity`: one of {@linkcode alertSeverities};
 * - `state`: `"active"` or `"cleared"`;
 * - `value`: the measured value that triggered the change, a finite number;
 * - `threshold`: the rule's threshold, a finite number;
 * - `windowStart`, `windowEnd`: the window the value was computed over, end after start;
 * - `ts`: when the alert changed state, canonical ISO-8601 UTC with milliseconds.
 */
export const alertSchema = z.object({
  alertId: idSchema,
  deviceId: idSchema,
  type: z.string().min(1, { error: "must not be empty" }),
  severity: z.enum(alertSeverities),
  state: z.enum(alertStates),
  value: valueSchema,
  threshold: valueSchema,
  windowStart: timestampSchema,
  windowEnd: timestampSchema,
  ts: timestampSchema,
}).superRefine(checkWindow, whenFieldsValid);

/** A rule on a device's readings became active or cleared, in canonical form. */
export type Alert = z.infer<typeof alertSchema>;

/** The parse spec of alerts, used by the generic `parseEvent`. */
export const alertSpec = defineEventSpec("alert", alertSchema, ["windowStart", "windowEnd", "ts"]);

/**
 * Parses an already JSON-parsed value as an alert, accepting the legacy forms (`alert_id`,
 * `device_id`, `window_start`, `window_end`, `timestamp`, lenient timestamps).
 *
 * @example
 * ```ts
 * import { parseAlert } from "@iot/events";
 * const result = parseAlert({
 *   alert_id: "a1", device_id: "d1", type: "overheating", severity: "critical",
 *   state: "active", value: 41.2, threshold: 40, window_start: "2025-07-22T22:30:00Z",
 *   window_end: "2025-07-22T22:31:00Z", timestamp: "2025-07-22T22:31:00.250Z",
 * });
 * ```
 */
export function parseAlert(input: unknown): EventResult<Alert> {
  return parseWithSpec(alertSpec, input);
}

/**
 * Decodes an alert from UTF-8 JSON bytes or a JSON string; see {@linkcode parseAlert} for the
 * accepted forms.
 */
export function decodeAlert(bytes: Uint8Array | string): EventResult<Alert> {
  return decodeWithSpec(alertSpec, bytes);
}
