import { assert, assertEquals } from "@std/assert";
import * as events from "./mod.ts";

Deno.test("mod.ts exports the public API", () => {
  const expected = [
    "aggregateStatValues",
    "EventValidationError",
    "alertSchema",
    "alertSeverities",
    "alertStates",
    "cassandraLayout",
    "climateReadingSchema",
    "commandStatusSchema",
    "commandStatusValues",
    "compactedTopicIds",
    "deadLetterHeaderNames",
    "deadLetterRecord",
    "decodeAlert",
    "decodeClimateReading",
    "decodeCommandStatus",
    "decodeDeviceCommand",
    "decodeEvent",
    "decodeVehiclePressureMax",
    "decodeVehiclePressureReading",
    "decodeWindowAggregate",
    "defaultTopics",
    "deviceCommandNames",
    "deviceCommandSchema",
    "encodeEvent",
    "eventContentType",
    "eventHeaderNames",
    "eventHeaders",
    "eventKeyFields",
    "eventKinds",
    "formatTimestamp",
    "ingestSequenceColumn",
    "isEventKind",
    "keyOf",
    "maxTimestampMs",
    "minTimestampMs",
    "mongoLayout",
    "normalizeTimestamp",
    "parseAlert",
    "parseClimateReading",
    "parseCommandStatus",
    "parseDeviceCommand",
    "parseEvent",
    "parseVehiclePressureMax",
    "parseVehiclePressureReading",
    "parseWindowAggregate",
    "resolveTopics",
    "scanCanonicalClimateReading",
    "schemaVersion",
    "sqliteLayout",
    "timestampSchema",
    "topicIds",
    "topicSpecs",
    "unwrapEvent",
    "vehiclePressureMaxSchema",
    "vehiclePressureReadingSchema",
    "windowAggregateSchema",
  ];
  assertEquals(Object.keys(events).sort(), expected.sort());
});

Deno.test("the module example works: decode legacy bytes, key and re-encode canonically", () => {
  const result = events.decodeClimateReading(
    '{"device_id":"d1","timestamp":"2025-07-23T00:30:45+02:00","temperature":21.5,"humidity":40}',
  );
  assert(result.ok);
  assertEquals(result.value.ts, "2025-07-22T22:30:45.000Z");
  assertEquals(events.keyOf("climate-reading", result.value), "d1");
  assertEquals(
    new TextDecoder().decode(events.encodeEvent(result.value)),
    '{"deviceId":"d1","ts":"2025-07-22T22:30:45.000Z","temperature":21.5,"humidity":40}',
  );
});

Deno.test("every topic's event kind has a key field", () => {
  for (const id of events.topicIds) {
    const kind = events.topicSpecs[id].eventKind;
    if (kind !== undefined) assert(events.eventKeyFields[kind], id);
  }
});
