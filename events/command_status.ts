/**
 * Command statuses: what became of a device command. Kafka key: `deviceId`.
 *
 * @module
 */
import { z } from "zod";
import { decodeWithSpec, defineEventSpec, parseWithSpec } from "./codec.ts";
import type { EventResult } from "./errors.ts";
import { idSchema } from "./fields.ts";
import { timestampSchema } from "./time.ts";

/**
 * The statuses a command can report: `delivered` to the device, then `succeeded` or `failed`;
 * or `expired` when it was not run before its `expiresAt`.
 */
export const commandStatusValues = ["delivered", "succeeded", "failed", "expired"] as const;

/** One status a command can report. */
export type CommandStatusValue = typeof commandStatusValues[number];

/**
 * The canonical schema of a command status:
 * - `commandId`: the command this reports on;
 * - `deviceId`: the command's target device (the Kafka key);
 * - `status`: one of {@linkcode commandStatusValues};
 * - `ts`: when the status was reached, canonical ISO-8601 UTC with milliseconds.
 */
export const commandStatusSchema = z.object({
  commandId: idSchema,
  deviceId: idSchema,
  status: z.enum(commandStatusValues),
  ts: timestampSchema,
});

/** What became of a device command, in canonical form. */
export type CommandStatus = z.infer<typeof commandStatusSchema>;

/** The parse spec of command statuses, used by the generic `parseEvent`. */
export const commandStatusSpec = defineEventSpec("command-status", commandStatusSchema, ["ts"]);

/**
 * Parses an already JSON-parsed value as a command status, accepting the legacy forms
 * (`command_id`, `device_id`, `timestamp`, lenient timestamps).
 *
 * @example
 * ```ts
 * import { parseCommandStatus } from "@iot/events";
 * const result = parseCommandStatus({
 *   command_id: "c1", device_id: "d1", status: "succeeded", timestamp: "2025-07-22T22:30:45Z",
 * });
 * ```
 */
export function parseCommandStatus(input: unknown): EventResult<CommandStatus> {
  return parseWithSpec(commandStatusSpec, input);
}

/**
 * Decodes a command status from UTF-8 JSON bytes or a JSON string; see
 * {@linkcode parseCommandStatus} for the accepted forms.
 */
export function decodeCommandStatus(bytes: Uint8Array | string): EventResult<CommandStatus> {
  return decodeWithSpec(commandStatusSpec, bytes);
}
