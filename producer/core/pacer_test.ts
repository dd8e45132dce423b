import { assert, assertEquals } from "@std/assert";
import { fleetFromFlags } from "./fleet.ts";
import { maxWaitMs, pace, type Pacing } from "./pacer.ts";
import { type SimRecord, Simulation } from "./schedule.ts";

const base = { elapsedMs: 0, nowMs: 0, generated: 0, startMs: 1000, nextMs: 1000, chunk: 100 };
const uncapped: Pacing = { mode: "max", capAtWallClock: false };

Deno.test("pace: max sends full chunks without waiting", () => {
  assertEquals(pace({ ...base, pacing: uncapped }), { max: 100, untilMs: Infinity, waitMs: 0 });
});

Deno.test("pace: a numeric rate allows what the elapsed time earned", () => {
  const rate = (n: number): Pacing => ({ mode: "rate", rate: n });
  assertEquals(pace({ ...base, pacing: rate(1000), elapsedMs: 50 }).max, 50);
  assertEquals(pace({ ...base, pacing: rate(1000), elapsedMs: 500, generated: 450 }).max, 50);
  assertEquals(pace({ ...base, pacing: rate(1e6), elapsedMs: 500 }).max, 100);
  const wait = pace({ ...base, pacing: rate(10), elapsedMs: 150, generated: 1 });
  assertEquals([wait.max, wait.waitMs], [0, 50]);
  assertEquals(pace({ ...base, pacing: rate(1), elapsedMs: 0, generated: 0 }).waitMs, maxWaitMs);
});

Deno.test("pace: real time and capped max release what the wall clock reached", () => {
  for (const pacing of [{ mode: "realtime" }, { mode: "max", capAtWallClock: true }] as const) {
    assertEquals(pace({ ...base, pacing, nowMs: 1500, nextMs: 1200 }), {
      max: 100,
      untilMs: 1500,
      waitMs: 0,
    });
    assertEquals(pace({ ...base, pacing, nowMs: 1500, nextMs: 1520 }), {
      max: 0,
      untilMs: 1500,
      waitMs: 20,
    });
    assertEquals(pace({ ...base, pacing, nowMs: 0, nextMs: 9000 }).waitMs, maxWaitMs);
  }
});

Deno.test("pace: speedup advances event time N times wall time from the start", () => {
  const pacing: Pacing = { mode: "speedup", speedup: 60 };
  // 500 wall ms at 60x: 30 s of event time after the start.
  assertEquals(pace({ ...base, pacing, elapsedMs: 500, nextMs: 31_000 }).untilMs, 31_000);
  const wait = pace({ ...base, pacing, elapsedMs: 500, nextMs: 31_600 });
  assertEquals([wait.max, wait.waitMs], [0, 10]);
});

/** Drives `pace` and a Simulation on a manual clock, as the run loop does. */
function drive(pacing: Pacing, startMs: number, wallStartMs: number, wallEndMs: number) {
  const fleet = fleetFromFlags({
    devices: 20,
    vehicles: 1,
    sensorsPerVehicle: 4,
    tempMin: 15,
    tempMax: 30,
    humidityMin: 30,
    humidityMax: 70,
  });
  const topics = { sensorReadings: "r", vehiclePressure: "p" };
  const sim = new Simulation({ fleet, seed: "7", startMs, topics });
  const sent: { wallMs: number; record: SimRecord }[] = [];
  const batch: SimRecord[] = [];
  for (let nowMs = wallStartMs; nowMs < wallEndMs;) {
    const step = pace({
      pacing,
      elapsedMs: nowMs - wallStartMs,
      nowMs,
      generated: sim.emitted,
      startMs,
      nextMs: sim.nextMs,
      chunk: 500,
    });
    batch.length = 0;
    if (step.max > 0) sim.fill(batch, step.max, step.untilMs);
    for (const record of batch) sent.push({ wallMs: nowMs, record });
    nowMs += batch.length > 0 ? 3 : step.waitMs; // sending takes a few ms
  }
  return sent;
}

Deno.test("real time: every reading is stamped at most its send time and within a period of it", () => {
  const wallStart = Date.parse("2026-12-02T19:00:00.000Z");
  const sent = drive({ mode: "realtime" }, wallStart, wallStart, wallStart + 60_000);
  assert(sent.length > 20 * 55, `${sent.length} readings in a minute`);
  for (const { wallMs, record } of sent) {
    assert(record.timestamp <= wallMs, `${record.key} stamped ahead of the wall clock`);
    assert(record.timestamp > wallMs - 1000 - maxWaitMs, `${record.key} stamped far behind`);
  }
});

Deno.test("capped max: a run from the past catches up with the wall clock, never passes it", () => {
  const wallStart = Date.parse("2026-12-02T19:00:00.000Z");
  const sent = drive(
    { mode: "max", capAtWallClock: true },
    wallStart - 600_000,
    wallStart,
    wallStart + 5000,
  );
  // Ten minutes of backlog go at once, then readings follow the wall clock.
  assertEquals(sent.filter((s) => s.wallMs === wallStart).length, 500);
  assert(sent.at(-1)!.record.timestamp > wallStart + 3000);
  for (const { wallMs, record } of sent) assert(record.timestamp <= wallMs);
  // Uncapped, the same run stamps readings far ahead of the wall clock.
  const ahead = drive(uncapped, wallStart - 600_000, wallStart, wallStart + 300);
  assert(ahead.at(-1)!.record.timestamp > wallStart + 600_000);
});
