/**
 * Confluent's Python client (`confluent-kafka[schemaregistry,json,avro]` from PyPI, installed by
 * `venv.sh`) against the shim: registry calls, then JSON and Avro serializer producers and
 * deserializer consumers through the shim's Kafka port. Bounded at 60 s.
 */
import { assertEquals } from "@std/assert";
import { runBroker } from "@iot/broker";
import { decodeClimateReading } from "@iot/events";
import { registerEventSchemas } from "./register.ts";

async function python(): Promise<string> {
  const venv = new URL("./venv.sh", import.meta.url).pathname;
  const out = await new Deno.Command("bash", { args: [venv], stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(
      `scripts/schema_registry/venv.sh failed: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test("Confluent's Python client: registry API, JSON and Avro serializer round trips through the shim", async () => {
  const interpreter = await python();
  const dataDir = await Deno.makeTempDir({ prefix: "registry-peer-" });
  try {
    await using broker = await runBroker({ dataDir, port: 0, schemaRegistryPort: 0 });
    const url = `http://127.0.0.1:${broker.schemaRegistryPort}`;
    const topic = "peer-json";
    const events = await registerEventSchemas(url);
    const climateId = events.find((r) => r.subject === "sensor-readings-value")?.id;
    const run = await new Deno.Command(interpreter, {
      args: [new URL("./peer_client.py", import.meta.url).pathname, url, broker.bootstrap, topic],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(60_000),
    }).output();
    const stdout = new TextDecoder().decode(run.stdout).trim();
    if (!run.success) {
      throw new Error(`peer_client.py failed:\n${new TextDecoder().decode(run.stderr)}`);
    }
    const seen = JSON.parse(stdout.split("\n").at(-1)!);
    assertEquals(seen.types, ["AVRO", "JSON"]);
    // Seven event schemas came first (ids 1-7): new schemas get the next ids, the same one its own.
    assertEquals([seen.id1, seen.id1_again, seen.id2], [8, 8, 9]);
    assertEquals(seen.schema1_roundtrip, true);
    assertEquals([seen.v2_compatible, seen.breaking_compatible], [true, false]);
    assertEquals(seen.latest, { version: 2, id: 9, type: "JSON" });
    assertEquals(seen.lookup_v1, { version: 1, id: 8 });
    assertEquals(seen.versions, [1, 2]);
    assertEquals(seen.breaking_register, { status: 409, error_code: 409 });
    assertEquals(seen.protobuf_register, { status: 422, error_code: 42201 });
    assertEquals(seen.missing_subject, 40401);
    assertEquals([seen.set_compat, seen.get_compat], [{ compatibility: "FULL" }, "FULL"]);
    assertEquals([seen.deleted_version, seen.versions_after_delete], [1, [2]]);
    // The serializer registered V2 under <topic>-value: same schema, same id (9), and every
    // record is framed as magic byte 0 + that id.
    assertEquals(seen.json_roundtrip, {
      unflushed: 0,
      consumed: 20,
      equal: true,
      frames: [[0, 9]],
    });
    assertEquals([seen.topic_subject_id, seen.invalid_record], [9, "refused"]);
    // Avro: a new optional field (with a default) is compatible, int for long is not; the
    // serializer's schema became version 2 of the subject with the next id.
    assertEquals([seen.avro_id1, seen.avro_v2_compatible, seen.avro_bad_compatible], [
      10,
      true,
      false,
    ]);
    assertEquals(seen.avro_roundtrip, {
      unflushed: 0,
      consumed: 10,
      equal: true,
      frames: [[0, 11]],
    });
    assertEquals(seen.avro_latest, 2);
    // A climate reading framed by Confluent's serializer with the platform's schema: our own
    // parser reads the payload; an out-of-range humidity never leaves the client.
    assertEquals(seen.event_frame, [0, climateId]);
    assertEquals(decodeClimateReading(JSON.stringify(seen.event_payload)).ok, true);
    assertEquals(seen.event_invalid, "refused");
    // The registry's own view, read without the client.
    const subjects: string[] = await (await fetch(`${url}/subjects`)).json();
    assertEquals(subjects.filter((s) => s.startsWith("peer-")), [
      "peer-api-value",
      "peer-json-avro-value",
      "peer-json-value",
    ]);
    const byId = await (await fetch(`${url}/schemas/ids/9/subjects`)).json();
    assertEquals(byId, ["peer-api-value", "peer-json-value"]);
    assertEquals(subjects.length, 3 + 8);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
