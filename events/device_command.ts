/**
 * Device commands: an instruction for a device, valid until it expires. Kafka key: `deviceId`.
 *
 * @module
 */
import { z } from "zod";
import { decodeWithSpec, defineEventSpec, parseWithSpec } from "./codec.ts";
import type { EventResult } from "./errors.ts";
import { idSchema, isAfter, whenFieldsValid } from "./fields.ts";
import { timestampSchema } from "./time.ts";

/** The commands a device understands. */
export const deviceCommandNames = ["shutdown", "restart"] as const;

/** One command a device understands. */
export type DeviceCommandName = typeof deviceCommandNames[number];

function checkExpiry(cmd: { issuedAt: string; expiresAt: string }, ctx: z.RefinementCtx): void {
  if (!isAfter(cmd.expiresAt, cmd.issuedAt)) {
    ctx.addIssue({ code: "custom", path: ["expiresAt"], message: "must be after issuedAt" });
  }
}

/**
 * The canonical schema of a device command:
 * - `commandId`: the command's id, echoed by its `CommandStatus` events;
 * - `deviceId`: the target device (the Kafka key);
 * - `command`: `"shutdown"` or `"restart"`;
 * - `reason`: why it was issued, a non-empty string;
 * - `issuedAt`: when it was issued, a canonical timestamp in wall-clock (processing) time: the
 *   issuer's clock when it decided to send the command;
 * - `expiresAt`: after this the device must not run it, a canonical timestamp after `issuedAt`,
 *   in the same wall-clock time, so a device compares it with its own wall clock (never with the
 *   event time of its readings, which may lag or lead the wall clock by hours in a replay or a
 *   simulation);
 * - `eventTime` (optional): the event time that triggered the command, e.g. the end of the
 *   window whose average was too hot, a canonical timestamp; information for tracing a command
 *   back to its readings, never used for expiry.
 */
export const deviceCommandSchema = z.object({
  commandId: idSchema,
  deviceId: idSchema,
  command: z.enum(deviceCommandNames),
  reason: z.string().min(1, { error: "must not be empty" }),
  issuedAt: timestampSchema,
  expiresAt: timestampSchema,
  eventTime: timestampSchema.optional(),
}).superRefine(checkExpiry, whenFieldsValid);

/** An instruction for a device, in canonical form. */
export type DeviceCommand = z.infer<typeof deviceCommandSchema>;

/** The parse spec of device commands, used by the generic `parseEvent`. */
export const deviceCommandSpec = defineEventSpec("device-command", deviceCommandSchema, [
  "issuedAt",
  "expiresAt",
  "eventTime",
]);

/**
 * Parses an already JSON-parsed value as a device command, accepting the legacy forms
 * (`command_id`, `device_id`, `issued_at`, `expires_at`, `event_time`, lenient timestamps).
 *
 * @example
 * ```ts
 * import { parseDeviceCommand } from "@iot/events";
 * const result = parseDeviceCommand({
 *   command_id: "c1", device_id: "d1", command: "shutdown", reason: "overheating",
 *   issued_at: 1753223445123, expires_at: 1753223505123,
 * });
 * ```
 */
export function parseDeviceCommand(input: unknown): EventResult<DeviceCommand> {
  return parseWithSpec(deviceCommandSpec, input);
}

/**
 * Decodes a device command from UTF-8 JSON bytes or a JSON string; see
 * {@linkcode parseDeviceCommand} for the accepted forms.
 */
export function decodeDeviceCommand(bytes: Uint8Array | string): EventResult<DeviceCommand> {
  return decodeWithSpec(deviceCommandSpec, bytes);
}
