import { assertEquals } from "@std/assert";
import type { DeviceCommand } from "@iot/events";
import { CommandHandler, rememberedCommands } from "./commands.ts";

const t0 = Date.parse("2026-01-01T00:00:00.000Z");

function command(
  id: string,
  name: "shutdown" | "restart",
  deviceId = "climate-0001",
): DeviceCommand {
  return {
    commandId: id,
    deviceId,
    command: name,
    reason: "test",
    issuedAt: new Date(t0).toISOString(),
    expiresAt: new Date(t0 + 60_000).toISOString(),
  };
}

function setup() {
  const stopped = new Map<string, boolean>();
  const handler = new CommandHandler({
    setStopped: (id, value) => {
      if (!id.startsWith("climate-")) return 0;
      stopped.set(id, value);
      return 1;
    },
  });
  return { stopped, handler };
}

Deno.test("CommandHandler: shutdown then restart, each delivered then succeeded", () => {
  const { stopped, handler } = setup();
  const statuses = handler.handle(command("c1", "shutdown"), t0 + 1000);
  assertEquals(statuses, [
    {
      commandId: "c1",
      deviceId: "climate-0001",
      status: "delivered",
      ts: "2026-01-01T00:00:01.000Z",
    },
    {
      commandId: "c1",
      deviceId: "climate-0001",
      status: "succeeded",
      ts: "2026-01-01T00:00:01.000Z",
    },
  ]);
  assertEquals(stopped.get("climate-0001"), true);
  assertEquals(handler.handle(command("c2", "restart"), t0 + 2000).map((s) => s.status), [
    "delivered",
    "succeeded",
  ]);
  assertEquals(stopped.get("climate-0001"), false);
});

Deno.test("CommandHandler: unknown devices fail, expired commands only expire", () => {
  const { stopped, handler } = setup();
  assertEquals(handler.handle(command("c1", "shutdown", "boat-1"), t0).map((s) => s.status), [
    "delivered",
    "failed",
  ]);
  assertEquals(handler.handle(command("c2", "shutdown"), t0 + 60_000).map((s) => s.status), [
    "expired",
  ]);
  assertEquals(stopped.size, 0);
});

Deno.test("CommandHandler: a redelivered command id is not run twice", () => {
  const { handler } = setup();
  assertEquals(handler.handle(command("c1", "shutdown"), t0).length, 2);
  assertEquals(handler.handle(command("c1", "shutdown"), t0), []);
  for (let i = 0; i < rememberedCommands; i++) handler.handle(command(`x${i}`, "restart"), t0);
  assertEquals(handler.handle(command("c1", "shutdown"), t0).length, 2); // forgotten by now
});
