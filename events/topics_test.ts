import { assert, assertEquals, assertThrows } from "@std/assert";
import { isEventKind } from "./kind.ts";
import { compactedTopicIds, defaultTopics, resolveTopics, topicIds, topicSpecs } from "./topics.ts";

Deno.test("defaultTopics has the documented names and is frozen", () => {
  assertEquals(defaultTopics, {
    sensorReadings: "sensor-readings",
    vehiclePressure: "vehicle-pressure",
    sensorAggregates: "sensor-aggregates",
    alerts: "alerts",
    deviceCommands: "device-commands",
    commandStatus: "command-status",
    vehiclePressureMax: "vehicle-pressure-max",
    lateReadings: "late-readings",
    deadLetter: "dead-letter",
  });
  assert(Object.isFrozen(defaultTopics));
  assertEquals(Object.keys(defaultTopics), [...topicIds]);
});

Deno.test("only vehiclePressureMax is compacted", () => {
  assertEquals([...compactedTopicIds], ["vehiclePressureMax"]);
  assertEquals(topicSpecs.vehiclePressureMax.cleanupPolicy, "compact");
  assertEquals(topicSpecs.sensorReadings.cleanupPolicy, "delete");
});

Deno.test("topicSpecs names an event kind for every topic except dead-letter", () => {
  for (const id of topicIds) {
    const kind = topicSpecs[id].eventKind;
    if (id === "deadLetter") assertEquals(kind, undefined);
    else assert(isEventKind(kind), id);
  }
  assertEquals(topicSpecs.lateReadings.eventKind, "climate-reading");
  assertEquals(topicSpecs.vehiclePressure.eventKind, "vehicle-pressure-reading");
});

Deno.test("resolveTopics() returns the defaults without overrides", () => {
  assertEquals(resolveTopics(), defaultTopics);
  assertEquals(resolveTopics({}), defaultTopics);
});

Deno.test("resolveTopics() applies overrides and freezes the result", () => {
  const topics = resolveTopics({ alerts: "staging.alerts", deadLetter: "staging_dlq" });
  assertEquals(topics.alerts, "staging.alerts");
  assertEquals(topics.deadLetter, "staging_dlq");
  assertEquals(topics.sensorReadings, "sensor-readings");
  assert(Object.isFrozen(topics));
});

Deno.test("resolveTopics() treats an undefined override as absent", () => {
  assertEquals(resolveTopics({ alerts: undefined }).alerts, "alerts");
});

Deno.test("resolveTopics() rejects unknown ids", () => {
  assertThrows(
    () => resolveTopics({ alert: "x" } as Record<string, string>),
    TypeError,
    'unknown topic id "alert"',
  );
});

Deno.test("resolveTopics() rejects names Kafka does not allow", () => {
  for (const name of ["", "has space", "a/b", ".", "..", "x".repeat(250)]) {
    assertThrows(() => resolveTopics({ alerts: name }), TypeError, "alerts name");
  }
  assertEquals(resolveTopics({ alerts: "x".repeat(249) }).alerts.length, 249);
});

Deno.test("resolveTopics() rejects two topics with the same name", () => {
  assertThrows(
    () => resolveTopics({ lateReadings: "sensor-readings" }),
    TypeError,
    'sensorReadings and lateReadings are both named "sensor-readings"',
  );
});
