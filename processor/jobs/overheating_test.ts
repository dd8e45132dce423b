import { assert, assertEquals } from "@std/assert";
import { formatTimestamp } from "@iot/events";
import { consumerRecord, RecordingOutput } from "./job_test_util.ts";
import { forwardedInputs, type Input, PARTITIONS } from "./climate_test_util.ts";
import { keyPartition } from "./key_partitioner.ts";
import { overheatingJob } from "./overheating.ts";
import {
  alertReference,
  alertsWithoutShutdown,
  canonicalAlert,
  generateHot,
  hotDevices,
  OVERHEAT,
} from "./overheating_test_util.ts";

// Event time lags the wall clock (a replay, or a slow simulated fleet).
const T0 = Date.UTC(2025, 6, 22, 22, 0, 0);
const WALL0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const config = {
  input: "in",
  alerts: "alerts",
  commands: "commands",
  deadLetter: "dlq",
  windowMs: 30_000,
  slideMs: 5_000,
  threshold: 40,
  margin: 2,
  maxOutOfOrdernessMs: 1_000,
  commandTtlMs: 60_000,
  partitions: 1,
};

/** "hot" at 45 °C for `hotSeconds` then silent (it obeyed); "cold" keeps event time going. */
function run(hotSeconds: number, commandReissueMs?: number) {
  let wall = WALL0;
  const task = overheatingJob({ ...config, commandReissueMs, now: () => wall }).createTask("in", 0);
  const out = new RecordingOutput();
  let offset = 0;
  for (let s = 0; s < 400; s++) {
    wall = WALL0 + s * 200; // event time runs 5x faster than the wall clock here
    for (const [device, temperature] of [["hot", 45], ["cold", 20]] as const) {
      if (device === "hot" && s >= hotSeconds) continue;
      const value = { deviceId: device, ts: new Date(T0 + s * 1000).toISOString(), temperature };
      task.process(consumerRecord({ ...value, humidity: 40 }, { offset: offset++ }), out);
    }
  }
  return out;
}

Deno.test("overheating: a shutdown's issuedAt/expiresAt are wall-clock, its eventTime the window end", () => {
  const out = run(20);
  const commands = out.values("commands");
  assertEquals(commands.length, 1);
  const [command] = commands;
  const issued = Date.parse(command.issuedAt as string);
  assertEquals(issued, WALL0 + 6 * 200);
  assertEquals(command.expiresAt, formatTimestamp(issued + config.commandTtlMs));
  // The first window above 40 °C ends at T0 + 5 s; it fires once a reading of T0 + 6 s arrives.
  assertEquals(command.eventTime, formatTimestamp(T0 + 5_000));
  const record = out.emitted.find((r) => r.topic === "commands")!;
  assertEquals(record.timestamp, issued);
  assertEquals(out.values("alerts").map((a) => a.state), ["active"]);
});

Deno.test("overheating: a device still hot is shut down again once per commandReissueMs", () => {
  const out = run(180, 60_000);
  const commands = out.values("commands");
  const alertId = `overheating-hot-${T0 + 5_000}`;
  assertEquals(commands.map((c) => c.commandId), [
    `${alertId}-shutdown`,
    ...[65, 125, 185].map((s) => `${alertId}-shutdown-${T0 + s * 1000}`),
  ]);
  assertEquals(
    commands.map((c) => c.eventTime),
    [5, 65, 125, 185].map((s) => formatTimestamp(T0 + s * 1000)),
  );
  // Still one alert for the episode; silence after obeying brings no more commands.
  assertEquals(out.values("alerts").map((a) => `${a.deviceId}:${a.state}`), ["hot:active"]);
});

Deno.test("overheating: re-issue state survives a snapshot and restore", () => {
  let wall = WALL0;
  const job = overheatingJob({ ...config, now: () => wall });
  const first = job.createTask("in", 0);
  const out = new RecordingOutput();
  const feed = (task: ReturnType<typeof job.createTask>, from: number, to: number) => {
    for (let s = from; s < to; s++) {
      wall = WALL0 + s * 200;
      const value = { deviceId: "hot", ts: new Date(T0 + s * 1000).toISOString(), temperature: 45 };
      task.process(consumerRecord({ ...value, humidity: 40 }, { offset: s }), out);
    }
  };
  feed(first, 0, 90); // commands at 5 s and 65 s
  const second = job.createTask("in", 0);
  for (const [name, op] of Object.entries(first.operators)) {
    second.operators[name].restore(op.snapshot());
  }
  second.restoreMeta(first.snapshotMeta());
  feed(second, 90, 130); // next at 125 s, not at 95 s
  assertEquals(
    out.values("commands").map((c) => c.eventTime),
    [5, 65, 125].map((s) => formatTimestamp(T0 + s * 1000)),
  );
});

/** `input` with its reading stamped `byMs` earlier (unreadable ones unchanged). */
function earlier(input: Input, byMs: number): Input {
  try {
    const reading = JSON.parse(input.value);
    const ts = Date.parse(reading.ts);
    if (Number.isNaN(ts)) return input;
    return {
      ...input,
      value: JSON.stringify({ ...reading, ts: new Date(ts - byMs).toISOString() }),
    };
  } catch {
    return input;
  }
}

Deno.test("overheating: alerts equal the batch reference, with out-of-order and late readings", () => {
  // generate() jitters readings by seconds and sends some 6-26 s behind; every 97th goes a
  // minute back, late for all of its windows.
  const inputs = [...generateHot(3, 450), ...generateHot(4, 450, 450)]
    .map((input, i) => i % 97 === 0 ? earlier(input, 60_000) : input);
  const { windowMs, slideMs, threshold, margin, boundMs } = OVERHEAT;
  const job = overheatingJob({
    ...config,
    windowMs,
    slideMs,
    threshold,
    margin,
    maxOutOfOrdernessMs: boundMs,
    partitions: PARTITIONS,
    now: () => WALL0,
  });
  // readings-by-device's output: the valid readings on their device's partition, in input order.
  let tasks = Array.from({ length: PARTITIONS }, (_, p) => job.createTask("in", p));
  const out = new RecordingOutput();
  const forwarded = forwardedInputs(inputs);
  forwarded.forEach(({ key, value }, offset) => {
    if (offset === Math.floor(forwarded.length / 2)) {
      // Half way, each task moves to a new owner through its snapshot.
      tasks = tasks.map((task, p) => {
        const next = job.createTask("in", p);
        for (const [name, op] of Object.entries(task.operators)) {
          next.operators[name].restore(op.snapshot());
        }
        next.restoreMeta(task.snapshotMeta());
        return next;
      });
    }
    const partition = keyPartition(key, PARTITIONS);
    tasks[partition].process(consumerRecord(value, { partition, offset }), out);
  });
  const expected = alertReference(inputs);
  assertEquals(out.values("alerts").map(canonicalAlert).sort(), expected.alerts);
  assertEquals(out.lateCount, expected.late);
  assert(expected.late > 10, `only ${expected.late} late readings`);
  for (const device of hotDevices) {
    const states = expected.alerts.map((a) => JSON.parse(a)).filter((a) => a.deviceId === device)
      .map((a) => a.state);
    assert(states.filter((s) => s === "cleared").length >= 2, `${device}: ${states}`);
  }
  assertEquals(alertsWithoutShutdown(expected.alerts, out.values("commands")), []);
});
