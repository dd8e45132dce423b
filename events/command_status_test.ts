import { assert, assertEquals } from "@std/assert";
import {
  type CommandStatus,
  commandStatusValues,
  decodeCommandStatus,
  parseCommandStatus,
} from "./command_status.ts";
import { encodeEvent } from "./registry.ts";

const status: CommandStatus = {
  commandId: "cmd-1",
  deviceId: "dev-1",
  status: "succeeded",
  ts: "2025-07-22T22:30:46.000Z",
};

function failedPaths(input: unknown): string[] {
  const result = parseCommandStatus(input);
  assert(!result.ok, "expected the status to be rejected");
  assertEquals(result.error.kind, "command-status");
  return result.error.issues.map((issue) => issue.path);
}

Deno.test("parseCommandStatus() accepts every status", () => {
  for (const value of commandStatusValues) {
    const event = { ...status, status: value };
    assertEquals(parseCommandStatus(event), { ok: true, value: event });
  }
});

Deno.test("parseCommandStatus() names the failing field", () => {
  assertEquals(failedPaths({ ...status, status: "pending" }), ["status"]);
  assertEquals(failedPaths({ ...status, commandId: "" }), ["commandId"]);
  assertEquals(failedPaths({ ...status, deviceId: null }), ["deviceId"]);
  assertEquals(failedPaths({ ...status, ts: -Infinity }), ["ts"]);
});

Deno.test("parseCommandStatus() normalises legacy fields and timestamps", () => {
  const legacy = {
    command_id: "cmd-1",
    device_id: "dev-1",
    status: "succeeded",
    timestamp: "2025-07-22T22:30:46Z",
  };
  assertEquals(parseCommandStatus(legacy), { ok: true, value: status });
});

Deno.test("decodeCommandStatus() round-trips through encodeEvent()", () => {
  const bytes = encodeEvent(status);
  assertEquals(
    new TextDecoder().decode(bytes),
    '{"commandId":"cmd-1","deviceId":"dev-1","status":"succeeded","ts":"2025-07-22T22:30:46.000Z"}',
  );
  assertEquals(decodeCommandStatus(bytes), { ok: true, value: status });
});

Deno.test("decodeCommandStatus() rejects invalid JSON", () => {
  const result = decodeCommandStatus("{]");
  assert(!result.ok);
  assertEquals(result.error.reason, "invalid-json");
});
