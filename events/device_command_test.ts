import { assert, assertEquals } from "@std/assert";
import {
  decodeDeviceCommand,
  type DeviceCommand,
  deviceCommandNames,
  parseDeviceCommand,
} from "./device_command.ts";
import { encodeEvent } from "./registry.ts";

const command: DeviceCommand = {
  commandId: "cmd-1",
  deviceId: "dev-1",
  command: "shutdown",
  reason: "overheating",
  issuedAt: "2025-07-22T22:30:45.123Z",
  expiresAt: "2025-07-22T22:31:45.123Z",
};

function failedPaths(input: unknown): string[] {
  const result = parseDeviceCommand(input);
  assert(!result.ok, "expected the command to be rejected");
  assertEquals(result.error.kind, "device-command");
  return result.error.issues.map((issue) => issue.path);
}

Deno.test("parseDeviceCommand() accepts every command", () => {
  for (const name of deviceCommandNames) {
    const value = { ...command, command: name };
    assertEquals(parseDeviceCommand(value), { ok: true, value });
  }
});

Deno.test("parseDeviceCommand() names the failing field", () => {
  assertEquals(failedPaths({ ...command, command: "reboot" }), ["command"]);
  assertEquals(failedPaths({ ...command, reason: "" }), ["reason"]);
  assertEquals(failedPaths({ ...command, commandId: "" }), ["commandId"]);
  assertEquals(failedPaths({ ...command, expiresAt: command.issuedAt }), ["expiresAt"]);
  assertEquals(failedPaths({ ...command, issuedAt: "now" }), ["issuedAt"]);
});

Deno.test("parseDeviceCommand() normalises legacy fields and timestamps", () => {
  const legacy = {
    command_id: "cmd-1",
    device_id: "dev-1",
    command: "shutdown",
    reason: "overheating",
    issued_at: 1753223445123,
    expires_at: "2025-07-22 22:31:45.123Z",
  };
  assertEquals(parseDeviceCommand(legacy), { ok: true, value: command });
});

Deno.test("decodeDeviceCommand() round-trips through encodeEvent()", () => {
  const bytes = encodeEvent(command);
  assertEquals(
    new TextDecoder().decode(bytes),
    '{"commandId":"cmd-1","deviceId":"dev-1","command":"shutdown","reason":"overheating",' +
      '"issuedAt":"2025-07-22T22:30:45.123Z","expiresAt":"2025-07-22T22:31:45.123Z"}',
  );
  assertEquals(decodeDeviceCommand(bytes), { ok: true, value: command });
});

Deno.test("decodeDeviceCommand() rejects invalid JSON", () => {
  const result = decodeDeviceCommand("[");
  assert(!result.ok);
  assertEquals(result.error.reason, "invalid-json");
});

Deno.test("parseDeviceCommand() carries the optional triggering eventTime, legacy event_time too", () => {
  const withEventTime = { ...command, eventTime: "2026-01-01T00:01:00.000Z" };
  assertEquals(parseDeviceCommand(withEventTime), { ok: true, value: withEventTime });
  const legacy = {
    command_id: "cmd-1",
    device_id: "dev-1",
    command: "shutdown",
    reason: "overheating",
    issued_at: command.issuedAt,
    expires_at: command.expiresAt,
    event_time: Date.UTC(2026, 0, 1, 0, 1),
  };
  assertEquals(parseDeviceCommand(legacy), { ok: true, value: withEventTime });
  assertEquals(failedPaths({ ...command, eventTime: "yesterday" }), ["eventTime"]);
  // Commands without it (older issuers) stay valid.
  assertEquals(parseDeviceCommand(command), { ok: true, value: command });
});
