import { assert, assertEquals, assertGreater, assertLess, assertThrows } from "@std/assert";
import { decodeClimateReading, decodeVehiclePressureReading } from "@iot/events";
import { type Fleet, fleetFromFlags, parseFleet } from "./fleet.ts";
import { RecordBytes } from "./record_bytes.ts";
import { type SimRecord, Simulation, type SimulationOptions } from "./schedule.ts";

const topics = { sensorReadings: "sensor-readings", vehiclePressure: "vehicle-pressure" };
const startMs = Date.parse("2026-01-01T00:00:00.000Z");
const mixed = fleetFromFlags({
  devices: 5,
  vehicles: 2,
  sensorsPerVehicle: 3,
  tempMin: 15,
  tempMax: 30,
  humidityMin: 30,
  humidityMax: 70,
});

function run(options: Partial<SimulationOptions> & { fleet?: Fleet }, batch = 1000): SimRecord[] {
  const sim = new Simulation({ fleet: mixed, seed: "42", startMs, topics, ...options });
  const out: SimRecord[] = [];
  while (!sim.done) sim.fill(out, batch, Infinity);
  return out;
}

/** Like {@linkcode run}, through `fillBytes`, read back from the byte batches. */
function runBytes(options: Partial<SimulationOptions> & { fleet?: Fleet }, batch: number) {
  const sim = new Simulation({ fleet: mixed, seed: "42", startMs, topics, ...options });
  const out: SimRecord[] = [];
  const bytes = new RecordBytes(16, []);
  while (!sim.done) {
    bytes.reset();
    sim.fillBytes(bytes, batch, Infinity);
    for (let i = 0; i < bytes.count; i++) {
      out.push({
        topic: bytes.topics[bytes.topicIndex[i]],
        key: bytes.keyText(i)!,
        value: bytes.valueText(i),
        timestamp: bytes.timestamps[i],
      });
    }
  }
  return out;
}

Deno.test("Simulation: records are valid events with the right topic and key", () => {
  const records = run({ count: 2000 });
  assertEquals(records.length, 2000);
  for (const r of records) {
    if (r.topic === topics.sensorReadings) {
      const event = decodeClimateReading(r.value);
      assert(event.ok, r.value);
      assertEquals(event.value.deviceId, r.key);
      assertEquals(Date.parse(event.value.ts), r.timestamp);
      assertEquals(JSON.stringify(event.value), r.value); // canonical, stable key order
    } else {
      assertEquals(r.topic, topics.vehiclePressure);
      const event = decodeVehiclePressureReading(r.value);
      assert(event.ok, r.value);
      assertEquals(event.value.sensorId, r.key);
      assert(r.key.startsWith(`${event.value.vehicleId}-tire-`));
      assertGreater(event.value.pressure, 700_000);
      assertLess(event.value.pressure, 1_000_000);
    }
  }
  assertEquals(new Set(records.map((r) => r.key)).size, 5 + 2 * 3);
});

Deno.test("Simulation: event-time order, same-time ties by definition order", () => {
  const records = run({ count: 5000 });
  const order = new Map(new Simulation({ fleet: mixed, seed: "42", startMs, topics }).streams.map((
    s,
    i,
  ) => [s.key, i]));
  for (let i = 1; i < records.length; i++) {
    const a = records[i - 1], b = records[i];
    assert(
      a.timestamp < b.timestamp ||
        (a.timestamp === b.timestamp && order.get(a.key)! < order.get(b.key)!),
      `records ${i - 1} and ${i} out of order`,
    );
  }
});

Deno.test("Simulation: output depends on the seed only, not on batching", () => {
  const whole = run({ count: 3000 }, 10_000);
  assertEquals(run({ count: 3000 }, 1), whole);
  assertEquals(run({ count: 3000 }, 7), whole);
  const other = run({ count: 3000, seed: "43" });
  assert(other.some((r, i) => r.value !== whole[i].value));
});

Deno.test("Simulation: fill respects untilMs and the duration limit", () => {
  const sim = new Simulation({ fleet: mixed, seed: "1", startMs, topics, durationMs: 10_000 });
  const out: SimRecord[] = [];
  sim.fill(out, 1e9, startMs + 5000);
  assert(out.every((r) => r.timestamp <= startMs + 5000));
  assertGreater(sim.nextMs, startMs + 5000);
  while (!sim.done) sim.fill(out, 1000, Infinity);
  assert(out.every((r) => r.timestamp < startMs + 10_000));
  // 11 streams (5 climate devices, 6 tyre sensors) reporting every second for 10 s.
  assertEquals(out.length, 110);
});

Deno.test("Simulation: each sensor reports at its own period", () => {
  const fleet = parseFleet({
    devices: [{ type: "climate", temperature: { period: "1s" }, humidity: { period: "10s" } }],
  }, "test");
  const records = run({ fleet, durationMs: 60_000 });
  // Both start at one phase; humidity's ticks coincide with every tenth temperature tick.
  assertEquals(records.length, 60);
  const humidity = records.map((r) => JSON.parse(r.value).humidity);
  assertLess(new Set(humidity).size, 8); // held between its own samples
});

Deno.test("Simulation: anomalies spike, overheat and silence their targets", () => {
  const fleet = parseFleet({
    devices: [{ type: "climate", count: 2 }, { type: "vehicle", sensorsPerVehicle: 2 }],
    anomalies: [
      { kind: "spike", target: "vehicle-0001-tire-2", at: "10s", duration: "5s" },
      { kind: "overheat", target: "climate-0001", at: "20s", duration: "60s", ratePerMinute: 30 },
      { kind: "silence", target: "climate-0002", at: "30s", duration: "20s" },
    ],
  }, "test");
  const records = run({ fleet, durationMs: 90_000 });
  const at = (key: string, fromS: number, toS: number) =>
    records.filter((r) =>
      r.key === key && r.timestamp >= startMs + fromS * 1000 && r.timestamp < startMs + toS * 1000
    ).map((r) => JSON.parse(r.value));
  for (const r of at("vehicle-0001-tire-2", 10, 15)) assertGreater(r.pressure, 1_000_000);
  for (const r of at("vehicle-0001-tire-2", 16, 90)) assertLess(r.pressure, 900_001);
  for (const r of at("vehicle-0001-tire-1", 10, 15)) assertLess(r.pressure, 900_001);
  const heat = at("climate-0001", 75, 80);
  assert(heat.length > 0 && heat.every((r) => r.temperature > 40), JSON.stringify(heat));
  assertEquals(at("climate-0002", 30, 50).length, 0);
  assertGreater(at("climate-0002", 50, 60).length, 0);
});

Deno.test("Simulation: stopped devices send nothing until resumed; unknown ids report 0", () => {
  const sim = new Simulation({ fleet: mixed, seed: "42", startMs, topics });
  assertEquals(sim.setStopped("climate-0001", true), 1);
  assertEquals(sim.setStopped("vehicle-0002", true), 3);
  assertEquals(sim.setStopped("nope", true), 0);
  assertEquals(sim.isStopped("vehicle-0002-tire-1"), true);
  const out: SimRecord[] = [];
  sim.fill(out, 500, Infinity);
  assert(out.every((r) => r.key !== "climate-0001" && !r.key.startsWith("vehicle-0002")));
  sim.setStopped("climate-0001", false);
  out.length = 0;
  sim.fill(out, 500, Infinity);
  assert(out.some((r) => r.key === "climate-0001"));
});

Deno.test("Simulation: clock skew shifts each device's timestamps by its own offset", () => {
  const fleet = { ...mixed, realism: { ...mixed.realism, clockSkew: 2000 } };
  const plain = run({ count: 500 });
  const skewed = run({ fleet, count: 500 });
  const offsets = new Map<string, Set<number>>();
  plain.forEach((r, i) => {
    assertEquals(skewed[i].key, r.key);
    const set = offsets.get(r.key) ?? new Set();
    set.add(skewed[i].timestamp - r.timestamp);
    offsets.set(r.key, set);
  });
  for (const set of offsets.values()) assertEquals(set.size, 1);
  const all = [...offsets.values()].map((s) => [...s][0]);
  assert(all.every((o) => Math.abs(o) <= 2000) && new Set(all).size > 1);
});

async function sha256(records: readonly SimRecord[]): Promise<string> {
  const text = records.map((r) => `${r.topic}\t${r.key}\t${r.value}\t${r.timestamp}`).join("\n");
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("Simulation: a seed and start give the same bytes as before pacing modes existed", async () => {
  // Digests taken with the producer of commit c9e3203, before the pacing modes and the anomaly
  // flags: `--devices 50 --seed 42` and the example fleet (spike, overheat, silence, realism).
  const fifty = fleetFromFlags({
    devices: 50,
    vehicles: 0,
    sensorsPerVehicle: 4,
    tempMin: 15,
    tempMax: 30,
    humidityMin: 30,
    humidityMax: 70,
  });
  const example = JSON.parse(
    await Deno.readTextFile(new URL("../examples/fleet.json", import.meta.url)),
  );
  // Both generators: the records as strings (`fill`) and as bytes (`fillBytes`, what is sent).
  for (const generate of [run, runBytes]) {
    assertEquals(
      await sha256(generate({ fleet: fifty, count: 100_000 }, 10_000)),
      "03f66939a307d1785ee8774ad5fd387397f247005e67ca603072e6d69588fbdf",
    );
    assertEquals(
      await sha256(generate({ fleet: parseFleet(example, "example"), count: 200_000 }, 10_000)),
      "23e1e8e55d629e2c1313fc8b553b6971715f4e172ff3349231ed39df9e52f9c1",
    );
  }
});

Deno.test("Simulation: restartAt starts over from a later start, keeping stopped devices", () => {
  const later = startMs + 3_600_000;
  const sim = new Simulation({ fleet: mixed, seed: "42", startMs, topics, durationMs: 5000 });
  sim.setStopped("climate-0002", true);
  sim.restartAt(later);
  const out: SimRecord[] = [];
  while (!sim.done) sim.fill(out, 1000, Infinity);
  const fresh = run({ startMs: later, durationMs: 5000 }).filter((r) => r.key !== "climate-0002");
  assertEquals(out, fresh);
  assertThrows(() => sim.restartAt(later), Error, "already generated");
});
