import { assert, assertEquals, assertThrows } from "@std/assert";
import type { EventKind } from "./kind.ts";
import { eventKinds } from "./kind.ts";
import {
  type AnyEvent,
  decodeEvent,
  encodeEvent,
  eventKeyFields,
  type EventMap,
  keyOf,
  parseEvent,
} from "./registry.ts";

// One canonical example per kind, keyed by kind.
const examples: { [K in EventKind]: EventMap[K] } = {
  "climate-reading": {
    deviceId: "dev-1",
    ts: "2025-07-22T22:30:45.123Z",
    temperature: 21.5,
    humidity: 40,
  },
  "vehicle-pressure-reading": {
    vehicleId: "truck-7",
    sensorId: "tyre-fl",
    ts: "2025-07-22T22:30:45.123Z",
    pressure: 850000,
    temperature: 30,
  },
  "window-aggregate": {
    deviceId: "dev-2",
    windowStart: "2025-07-22T22:30:00.000Z",
    windowEnd: "2025-07-22T22:31:00.000Z",
    count: 1,
    temperature: { avg: 20, min: 20, max: 20 },
    humidity: { avg: 40, min: 40, max: 40 },
  },
  "alert": {
    alertId: "alert-1",
    deviceId: "dev-3",
    type: "overheating",
    severity: "warning",
    state: "cleared",
    value: 39,
    threshold: 40,
    windowStart: "2025-07-22T22:30:00.000Z",
    windowEnd: "2025-07-22T22:31:00.000Z",
    ts: "2025-07-22T22:31:00.000Z",
  },
  "device-command": {
    commandId: "cmd-1",
    deviceId: "dev-4",
    command: "restart",
    reason: "firmware update",
    issuedAt: "2025-07-22T22:30:00.000Z",
    expiresAt: "2025-07-22T22:35:00.000Z",
  },
  "command-status": {
    commandId: "cmd-1",
    deviceId: "dev-5",
    status: "delivered",
    ts: "2025-07-22T22:30:01.000Z",
  },
  "vehicle-pressure-max": {
    vehicleId: "truck-8",
    sensorId: "tyre-rr",
    pressureMax: 900000,
    temperature: 35,
    ts: "2025-07-22T22:30:45.123Z",
  },
};

const expectedKeys: Record<EventKind, string> = {
  "climate-reading": "dev-1",
  "vehicle-pressure-reading": "tyre-fl",
  "window-aggregate": "dev-2",
  "alert": "dev-3",
  "device-command": "dev-4",
  "command-status": "dev-5",
  "vehicle-pressure-max": "truck-8",
};

Deno.test("parseEvent() and decodeEvent() accept each kind's canonical example", () => {
  for (const kind of eventKinds) {
    const value: AnyEvent = examples[kind];
    assertEquals(parseEvent(kind, value), { ok: true, value }, kind);
    assertEquals(decodeEvent(kind, encodeEvent(value)), { ok: true, value }, kind);
  }
});

Deno.test("parseEvent() rejects another kind's event and reports the requested kind", () => {
  const result = parseEvent("alert", examples["climate-reading"]);
  assert(!result.ok);
  assertEquals(result.error.kind, "alert");
  assertEquals(result.error.reason, "schema");
});

Deno.test("decodeEvent() reports invalid JSON with the requested kind", () => {
  const result = decodeEvent("device-command", "{");
  assert(!result.ok);
  assertEquals(result.error.kind, "device-command");
  assertEquals(result.error.reason, "invalid-json");
});

Deno.test("parseEvent() throws TypeError for an unknown kind", () => {
  assertThrows(() => parseEvent("nope" as EventKind, {}), TypeError, "Unknown event kind");
});

Deno.test("keyOf() returns each kind's key field value", () => {
  for (const kind of eventKinds) {
    assertEquals(keyOf(kind, examples[kind]), expectedKeys[kind], kind);
  }
});

Deno.test("eventKeyFields lists the key field of every kind and is frozen", () => {
  assertEquals(Object.keys(eventKeyFields).sort(), [...eventKinds].sort());
  assertEquals(eventKeyFields["vehicle-pressure-reading"], "sensorId");
  assertEquals(eventKeyFields["vehicle-pressure-max"], "vehicleId");
  assert(Object.isFrozen(eventKeyFields));
});

Deno.test("encodeEvent() writes UTF-8 JSON", () => {
  const value = { ...examples["command-status"], deviceId: "Gerät-1" };
  assertEquals(JSON.parse(new TextDecoder().decode(encodeEvent(value))), value);
});
