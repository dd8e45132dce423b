/**
 * `overheating` and `vehicle-max` against a real broker, with exactly-once on: alerts raise once
 * and clear with hysteresis; vehicle maxima meet across partitions and instances through the
 * repartition topic; invalid input is dead-lettered with its origin in headers.
 */
import { assert, assertEquals } from "@std/assert";
import { startKafka, uniqueName, waitFor } from "@iot/testing";
import { Admin, type ConsumerRecord, Producer } from "@iot/kafka";
import { JobRunner } from "./runtime/job_runner.ts";
import { overheatingJob } from "./jobs/overheating.ts";
import { vehicleMaxJob } from "./jobs/vehicle_max.ts";
import { caughtUp, readCommitted } from "./runtime/runtime_test_util.ts";
import { deadLetterHeaders } from "./runtime/dead_letter.ts";
import type { JobDefinition } from "./runtime/job.ts";

const P = 2;
const T0 = Date.UTC(2025, 6, 22, 22, 0, 0);
const text = (b: Uint8Array | null) => new TextDecoder().decode(b ?? new Uint8Array());
const header = (r: ConsumerRecord, name: string) => text(r.headers.find(([n]) => n === name)![1]);

/**
 * Runs `jobs` in group `groupId` while `produce` writes input, until `done` holds. (Input topics
 * are checked with `caughtUp`; a transactional topic such as a repartition topic ends in a
 * commit marker the group never commits past, so its progress is read from the runners.)
 */
async function runUntil(
  bootstrap: string,
  groupId: string,
  jobs: { job: JobDefinition; instanceId: string }[],
  produce: () => Promise<void>,
  stateDir: string,
  done: (runners: JobRunner[]) => Promise<boolean>,
) {
  const stop = new AbortController();
  const runners = jobs.map(({ job, instanceId }) =>
    new JobRunner({
      job,
      bootstrap,
      stateDir, // instances on one machine share it: a moved partition finds its checkpoint
      instanceId,
      groupId,
      checkpointIntervalMs: 100,
      store: { sync: false },
      signal: stop.signal,
      log: () => {},
    })
  );
  const runs = runners.map((r) => r.run());
  try {
    await produce();
    await waitFor(() => done(runners), {
      timeoutMs: 30_000,
      intervalMs: 200,
      message: "the job to commit its input",
    });
  } finally {
    stop.abort();
    await Promise.all(runs);
  }
}

type Rec = { topic: string; key: string; value: string; partition: number };

/**
 * Creates `topics` with unlimited retention: records stamped with 2025 event times would
 * otherwise be deleted by the broker's 7-day retention as soon as their segment rolls.
 */
async function createTopics(bootstrap: string, topics: readonly string[]) {
  await using admin = new Admin({ config: { "bootstrap.servers": bootstrap } });
  await admin.createTopics(
    topics.map((name) => ({ name, partitions: P, config: { "retention.ms": "-1" } })),
    { ignoreExisting: true },
  );
}

async function send(bootstrap: string, records: Rec[]) {
  await createTopics(bootstrap, [...new Set(records.map((r) => r.topic))]);
  await using producer = new Producer({ config: { "bootstrap.servers": bootstrap } });
  await producer.sendBatch(records);
}

Deno.test("overheating: one alert and one shutdown per episode, cleared with hysteresis", async () => {
  await using kafka = await startKafka();
  const t = {
    input: uniqueName("oh-in"),
    alerts: uniqueName("oh-alerts"),
    commands: uniqueName("oh-cmd"),
    deadLetter: uniqueName("oh-dlq"),
  };
  const job = overheatingJob({
    ...t,
    windowMs: 30_000,
    slideMs: 5_000,
    threshold: 40,
    margin: 2,
    maxOutOfOrdernessMs: 1_000,
    commandTtlMs: 60_000,
    partitions: P,
  }, uniqueName("oh"));
  await createTopics(kafka.bootstrap, Object.values(t));
  // hot: 30 °C, then 45 °C for 2 min, then 39 °C (inside the margin) then 30 °C.
  // always-hot: 50 °C throughout. cold: 20 °C throughout.
  const temperature = (device: string, s: number) =>
    device === "always-hot"
      ? 50
      : device === "cold"
      ? 20
      : s < 60
      ? 30
      : s < 180
      ? 45
      : s < 300
      ? 39
      : 30;
  const records: Rec[] = [];
  for (let s = 0; s < 420; s++) {
    for (const [device, partition] of [["hot", 0], ["always-hot", 1], ["cold", 1]] as const) {
      const value = JSON.stringify({
        deviceId: device,
        ts: new Date(T0 + s * 1000).toISOString(),
        temperature: temperature(device, s),
        humidity: 40,
      });
      records.push({ topic: t.input, key: device, value, partition });
    }
  }
  records.push({ topic: t.input, key: "hot", value: "garbage", partition: 0 });
  const stateDir = await Deno.makeTempDir();
  try {
    const half = records.length / 2;
    const groupId = uniqueName("oh-group");
    const run = (part: Rec[]) =>
      runUntil(
        kafka.bootstrap,
        groupId,
        [{ job, instanceId: "a" }],
        () => send(kafka.bootstrap, part),
        stateDir,
        () => caughtUp(kafka.bootstrap, groupId, t.input, P),
      );
    await run(records.slice(0, half)); // a restart in the middle of the "hot" episode
    await run(records.slice(half));
    const alerts = (await readCommitted(kafka.bootstrap, t.alerts, P)).map((r) =>
      JSON.parse(text(r.value))
    );
    const summary = alerts.map((a) => `${a.deviceId}:${a.state}`).sort();
    assertEquals(summary, ["always-hot:active", "hot:active", "hot:cleared"]);
    const hot = alerts.filter((a) => a.deviceId === "hot");
    assertEquals(hot[0].alertId, hot[1].alertId);
    assert(hot[1].value < 38, `cleared below threshold - margin, got ${hot[1].value}`);
    const commands = (await readCommitted(kafka.bootstrap, t.commands, P)).map((r) =>
      JSON.parse(text(r.value))
    );
    assertEquals(commands.map((c) => `${c.deviceId}:${c.command}`).sort(), [
      "always-hot:shutdown",
      "hot:shutdown",
    ]);
    const dead = await readCommitted(kafka.bootstrap, t.deadLetter, P);
    assertEquals(dead.length, 1);
    assertEquals(header(dead[0], deadLetterHeaders.code), "invalid-json");
    assertEquals(header(dead[0], deadLetterHeaders.topic), t.input);
    assertEquals(header(dead[0], deadLetterHeaders.partition), "0");
    assertEquals(header(dead[0], deadLetterHeaders.offset), String(420));
  } finally {
    await Deno.remove(stateDir, { recursive: true });
  }
});

Deno.test("vehicle-max: sensors of a vehicle meet through the repartition topic across two instances", async () => {
  await using kafka = await startKafka();
  const t = {
    input: uniqueName("vm-in"),
    repartition: uniqueName("vm-repartition"),
    output: uniqueName("vm-max"),
    deadLetter: uniqueName("vm-dlq"),
  };
  const job = vehicleMaxJob({ ...t, partitions: P }, uniqueName("vm"));
  await createTopics(kafka.bootstrap, [t.input, t.repartition, t.deadLetter]);
  const records: Rec[] = [];
  const maxOf = new Map<string, number>();
  let seed = 42;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < 2000; i++) {
    const vehicle = `v${i % 5}`;
    const sensor = `${vehicle}-s${Math.floor(rand() * 4)}`;
    const pressure = 800_000 + Math.floor(rand() * 200_000) * 10 + i % 10; // no ties
    maxOf.set(vehicle, Math.max(maxOf.get(vehicle) ?? 0, pressure));
    const value = JSON.stringify({
      vehicleId: vehicle,
      sensorId: sensor,
      ts: new Date(T0 + i * 100).toISOString(),
      pressure,
      temperature: 30,
    });
    // Keyed by sensor: a vehicle's sensors are spread over both partitions.
    records.push({ topic: t.input, key: sensor, value, partition: Number(sensor.at(-1)) % P });
  }
  records.push({
    topic: t.input,
    key: "x",
    value: JSON.stringify({ vehicleId: "v0" }),
    partition: 1,
  });
  const stateDir = await Deno.makeTempDir();
  try {
    const groupId = uniqueName("vm-group");
    await runUntil(
      kafka.bootstrap,
      groupId,
      [{ job, instanceId: "a" }, { job, instanceId: "b" }],
      () => send(kafka.bootstrap, records),
      stateDir,
      async (runners) => {
        if (!await caughtUp(kafka.bootstrap, groupId, t.input, P)) return false;
        const statuses = await Promise.all(runners.map((r) => r.status()));
        const repartitioned = statuses.flatMap((s) => s.tasks)
          .filter((task) => task.topic === t.repartition && task.pendingOutputs === 0)
          .reduce((n, task) => n + task.recordsIn, 0);
        return repartitioned === 2000;
      },
    );
    const maxima = (await readCommitted(kafka.bootstrap, t.output, P)).map((r) => ({
      key: text(r.key),
      partition: r.partition,
      ...JSON.parse(text(r.value)),
    }));
    const byVehicle = Map.groupBy(maxima, (m) => m.vehicleId as string);
    assertEquals([...byVehicle.keys()].sort(), [...maxOf.keys()].sort());
    for (const [vehicle, list] of byVehicle) {
      const values = list.map((m) => m.pressureMax as number);
      assertEquals(values, [...values].sort((a, b) => a - b), `${vehicle}: only new maxima`);
      assertEquals(new Set(values).size, values.length, `${vehicle}: no duplicates`);
      assertEquals(values.at(-1), maxOf.get(vehicle));
      assert(list.every((m) => m.key === vehicle));
    }
    const dead = await readCommitted(kafka.bootstrap, t.deadLetter, P);
    assertEquals(dead.map((r) => header(r, deadLetterHeaders.code)), ["schema"]);
  } finally {
    await Deno.remove(stateDir, { recursive: true });
  }
});
