import { assertEquals } from "@std/assert";
import { runBroker } from "@iot/broker";
import { parseClimateReading } from "@iot/events";
import { eventSubjects } from "./event_schemas.ts";
import { registerEventSchemas } from "./register.ts";

// Written by hand from events/topics.ts: every topic but the dead-letter one carries a kind.
const expectedSubjects = [
  "alerts-value",
  "command-status-value",
  "device-commands-value",
  "late-readings-value",
  "sensor-aggregates-value",
  "sensor-readings-value",
  "vehicle-pressure-max-value",
  "vehicle-pressure-value",
];

Deno.test("schemas:register registers every event schema under <topic>-value, idempotently", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "schemas-register-" });
  let broker = await runBroker({ dataDir, port: 0, schemaRegistryPort: 0 });
  try {
    let url = `http://127.0.0.1:${broker.schemaRegistryPort}`;
    const get = async (path: string) => await (await fetch(`${url}${path}`)).json();
    // An older climate schema (before the optional `battery`) is already there: the current one
    // adds an optional property to a closed object, which BACKWARD allows, so it is version 2.
    const current = JSON.parse(eventSubjects().find((s) => s.kind === "climate-reading")!.schema);
    delete current.properties.battery;
    const older = await fetch(`${url}/subjects/sensor-readings-value/versions`, {
      method: "POST",
      body: JSON.stringify({ schemaType: "JSON", schema: JSON.stringify(current) }),
    });
    assertEquals(await older.json(), { id: 1 });

    const first = await registerEventSchemas(url);
    assertEquals(first.filter((r) => r.error), []);
    assertEquals(await get("/subjects"), expectedSubjects);
    const byName = new Map(first.map((r) => [r.subject, r]));
    assertEquals(byName.get("sensor-readings-value")?.version, 2);
    // Two topics carry climate readings: one schema, one id.
    assertEquals(byName.get("late-readings-value")?.id, byName.get("sensor-readings-value")?.id);
    assertEquals(new Set(first.map((r) => r.id)).size, 7);
    assertEquals(await registerEventSchemas(url), first);

    // A restarted broker has every subject, version and id (the metadata store is the log).
    await broker.close();
    broker = await runBroker({ dataDir, port: 0, schemaRegistryPort: 0 });
    url = `http://127.0.0.1:${broker.schemaRegistryPort}`;
    assertEquals(await get("/subjects"), expectedSubjects);
    assertEquals(await registerEventSchemas(url), first);

    // The registered schema is the canonical climate reading: what the parser accepts as
    // canonical has exactly its required fields, and no others are allowed.
    const latest = await get("/subjects/sensor-readings-value/versions/latest");
    const schema = JSON.parse(latest.schema);
    const sample = {
      deviceId: "d1",
      ts: "2025-07-22T22:30:45.123Z",
      temperature: 21.5,
      humidity: 40,
    };
    assertEquals(parseClimateReading(sample).ok, true);
    assertEquals([...schema.required].sort(), Object.keys(sample).sort());
    assertEquals(schema.additionalProperties, false);
  } finally {
    await broker.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});
