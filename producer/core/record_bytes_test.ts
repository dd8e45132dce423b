import { assertEquals } from "@std/assert";
import { fleetFromFlags, parseFleet } from "./fleet.ts";
import { RecordBytes, utf8 } from "./record_bytes.ts";
import { Rng } from "./rng.ts";
import { Simulation } from "./schedule.ts";

const topics = { sensorReadings: "sensor-readings", vehiclePressure: "vehicle-pressure" };
const startMs = Date.parse("2026-01-01T00:00:00.000Z");

function written(value: number): string {
  const batch = new RecordBytes(1, []);
  batch.key(null);
  batch.number(value);
  batch.end(batch.topicIndexOf("t"), 0);
  return batch.valueText(0);
}

Deno.test("RecordBytes.number writes what String() writes", () => {
  const fixed = [0, -0, 1, -1, 0.5, -0.05, 25.62, 25.6, 25, 1e15, 123456789012.34, 0.1 + 0.2];
  const more = [1e21, -1e-7, 5e-324, Number.MAX_SAFE_INTEGER, 999_999.999, NaN, Infinity];
  for (const value of [...fixed, ...more]) assertEquals(written(value), String(value), `${value}`);
  const rng = Rng.fromSeed("numbers");
  for (let i = 0; i < 20_000; i++) {
    const decimals = i % 5;
    const value = Math.round((rng.float() - 0.3) * 2_000_000 * 10 ** decimals) / 10 ** decimals;
    assertEquals(written(value), String(value));
    const raw = (rng.float() - 0.5) * 10 ** (i % 12);
    assertEquals(written(raw), String(raw));
  }
});

Deno.test("RecordBytes: keys, values, topics and timestamps of each record; it grows", () => {
  const batch = new RecordBytes(1, [["h", utf8("v")]]);
  for (let i = 0; i < 100; i++) {
    batch.key(i % 10 === 0 ? null : utf8(`key-${i}`));
    batch.bytes(utf8(`{"i":`));
    batch.number(i / 4);
    batch.text("}".repeat(i % 3 + 1));
    batch.end(batch.topicIndexOf(`topic-${i % 2}`), 1000 + i);
  }
  assertEquals(batch.count, 100);
  assertEquals(batch.topics, ["topic-0", "topic-1"]);
  for (let i = 0; i < 100; i++) {
    assertEquals(batch.keyText(i), i % 10 === 0 ? null : `key-${i}`);
    assertEquals(batch.valueText(i), `{"i":${i / 4}${"}".repeat(i % 3 + 1)}`);
    assertEquals(batch.topicIndex[i], i % 2);
    assertEquals(batch.timestamps[i], 1000 + i);
  }
  batch.reset();
  assertEquals(batch.count, 0);
});

/** Both ways of generating, as lines of topic, key, value, timestamp. */
function generate(fleet: ReturnType<typeof parseFleet>, count: number): [string[], string[]] {
  const options = { fleet, seed: "42", startMs, topics, count };
  const textSim = new Simulation(options);
  const byteSim = new Simulation(options);
  const text: string[] = [];
  const bytes: string[] = [];
  const records: import("./schedule.ts").SimRecord[] = [];
  const batch = new RecordBytes(64, []);
  while (!textSim.done) {
    records.length = 0;
    textSim.fill(records, 7_000, Infinity);
    for (const r of records) text.push(`${r.topic}\t${r.key}\t${r.value}\t${r.timestamp}`);
  }
  while (!byteSim.done) {
    batch.reset();
    byteSim.fillBytes(batch, 3_000, Infinity);
    for (let i = 0; i < batch.count; i++) {
      const topic = batch.topics[batch.topicIndex[i]];
      bytes.push(`${topic}\t${batch.keyText(i)}\t${batch.valueText(i)}\t${batch.timestamps[i]}`);
    }
  }
  return [text, bytes];
}

Deno.test("Simulation.fillBytes writes byte for byte what fill() generates", async () => {
  const fifty = fleetFromFlags({
    devices: 50,
    vehicles: 3,
    sensorsPerVehicle: 4,
    tempMin: 15,
    tempMax: 30,
    humidityMin: 30,
    humidityMax: 70,
  });
  // The example fleet has spikes, overheating, silence and clock skew.
  const example = parseFleet(
    JSON.parse(await Deno.readTextFile(new URL("../examples/fleet.json", import.meta.url))),
    "example",
  );
  for (const [fleet, count] of [[fifty, 20_000], [example, 120_000]] as const) {
    const [text, bytes] = generate(fleet, count);
    assertEquals(bytes.length, count);
    assertEquals(bytes, text);
  }
});
