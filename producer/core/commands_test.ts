import { assertEquals } from "@std/assert";
import type { DeviceCommand } from "@iot/events";
import { CommandHandler, rememberedCommands } from "./commands.ts";
import { fleetFromFlags } from "./fleet.ts";
import { type SimRecord, Simulation } from "./schedule.ts";

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

Deno.test("CommandHandler: a fleet far behind wall time obeys fresh commands, by the wall clock", () => {
  // A seeded run from 2026-01-01 at 10 msgs/s: event time months behind the wall clock.
  const fleet = fleetFromFlags({
    devices: 3,
    vehicles: 0,
    sensorsPerVehicle: 4,
    tempMin: 15,
    tempMax: 30,
    humidityMin: 30,
    humidityMax: 70,
  });
  const sim = new Simulation({
    fleet,
    seed: "42",
    startMs: t0,
    topics: { sensorReadings: "r", vehiclePressure: "p" },
  });
  const handler = new CommandHandler(sim);
  const out: SimRecord[] = [];
  sim.fill(out, 30, Infinity);
  const wallNow = Date.parse("2026-12-02T19:00:00.000Z");
  const issued = (id: string, name: "shutdown" | "restart", expiresAt: number): DeviceCommand => ({
    ...command(id, name),
    issuedAt: new Date(expiresAt - 300_000).toISOString(),
    expiresAt: new Date(expiresAt).toISOString(),
  });
  // Issued a second ago with a 5-minute TTL: run, however old the readings' event time.
  assertEquals(
    handler.handle(issued("c1", "shutdown", wallNow + 299_000), wallNow).map((s) => [
      s.status,
      s.ts,
    ]),
    [["delivered", "2026-12-02T19:00:00.000Z"], ["succeeded", "2026-12-02T19:00:00.000Z"]],
  );
  out.length = 0;
  sim.fill(out, 100, Infinity);
  assertEquals(out.filter((r) => r.key === "climate-0001"), []);
  assertEquals(out.length, 100);
  // Expired a second ago by the wall clock, though far ahead of the event time: not run.
  assertEquals(
    handler.handle(issued("c2", "restart", wallNow - 1000), wallNow).map((s) => s.status),
    ["expired"],
  );
  assertEquals(sim.isStopped("climate-0001"), true);
});
