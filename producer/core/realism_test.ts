import { assert, assertEquals, assertGreater, assertLess } from "@std/assert";
import { decodeClimateReading } from "@iot/events";
import { fleetFromFlags, type Realism, realismSchema } from "./fleet.ts";
import { Disorder, wantsDisorder } from "./realism.ts";
import { type SimRecord, Simulation } from "./schedule.ts";

const fleet = fleetFromFlags({
  devices: 20,
  vehicles: 0,
  sensorsPerVehicle: 1,
  tempMin: 15,
  tempMax: 30,
  humidityMin: 30,
  humidityMax: 70,
});

function generate(n: number): SimRecord[] {
  const sim = new Simulation({
    fleet,
    seed: "r",
    startMs: 0,
    count: n,
    topics: { sensorReadings: "s", vehiclePressure: "v" },
  });
  const out: SimRecord[] = [];
  while (!sim.done) sim.fill(out, 1000, Infinity);
  return out;
}

function shape(realism: Partial<Realism>, records: SimRecord[], batch = 500) {
  const disorder = new Disorder(realismSchema.parse(realism), "42");
  const out: SimRecord[] = [];
  for (let i = 0; i < records.length; i += batch) {
    out.push(...disorder.apply(records.slice(i, i + batch)));
  }
  out.push(...disorder.drain());
  return { out, counts: disorder.counts, held: disorder.held };
}

Deno.test("Disorder: nothing asked, nothing changed", () => {
  const records = generate(1000);
  assertEquals(wantsDisorder(realismSchema.parse({})), false);
  assertEquals(shape({}, records).out, records);
});

Deno.test("Disorder: out-of-order records arrive after later ones, within the bound", () => {
  const records = generate(20_000);
  const { out, counts } = shape({ outOfOrder: 0.1, maxOutOfOrder: 3000 }, records);
  assertEquals(out.length, records.length);
  assertGreater(counts.outOfOrder, 1500);
  let maxSeen = -Infinity, inversions = 0;
  for (const r of out) {
    if (r.timestamp < maxSeen) {
      inversions++;
      assertLess(maxSeen - r.timestamp, 3000 + 1000); // bound plus one reporting period
    }
    maxSeen = Math.max(maxSeen, r.timestamp);
  }
  assertGreater(inversions, 1000);
});

Deno.test("Disorder: late records arrive beyond the lateness bound", () => {
  const records = generate(20_000);
  const { out, counts } = shape({ late: 0.01, lateBy: 60_000 }, records);
  assertEquals(out.length, records.length);
  let maxSeen = -Infinity, late = 0;
  for (const r of out) {
    if (maxSeen - r.timestamp >= 59_000) late++;
    maxSeen = Math.max(maxSeen, r.timestamp);
  }
  assertGreater(late, counts.late / 2);
});

Deno.test("Disorder: duplicates and malformed values at the requested ratios", () => {
  const records = generate(20_000);
  const { out, counts } = shape(
    { duplicates: 0.05, invalidJson: 0.02, schemaViolations: 0.03 },
    records,
  );
  assertEquals(out.length, records.length + counts.duplicates);
  const near = (n: number, ratio: number) => Math.abs(n - ratio * 20_000) < ratio * 20_000 * 0.2;
  assert(near(counts.duplicates, 0.05) && near(counts.invalidJson, 0.02), JSON.stringify(counts));
  assert(near(counts.schemaViolations, 0.03), JSON.stringify(counts));
  const reasons = { "invalid-json": 0, schema: 0 };
  for (const r of new Set(out)) {
    const result = decodeClimateReading(r.value);
    if (!result.ok) reasons[result.error.reason as keyof typeof reasons]++;
  }
  assertEquals(reasons, { "invalid-json": counts.invalidJson, schema: counts.schemaViolations });
});

Deno.test("Disorder: reproducible for a seed, whatever the batch sizes", () => {
  const records = generate(5000);
  const realism = { outOfOrder: 0.1, late: 0.01, lateBy: 10_000, duplicates: 0.02 };
  assertEquals(shape(realism, records, 1).out, shape(realism, records, 777).out);
});
