/**
 * Processor benchmark (`deno task bench:processor`): fills a topic with climate readings, then
 * runs `device-aggregates` over it in this process twice, with exactly-once on (state
 * checkpoints + transactions) and with checkpoints off, and prints events/s (wall clock), events
 * per CPU-second of this process (the per-core figure; the JS runtime is single-threaded) and
 * checkpoint costs.
 *
 * Usage: `deno task bench:processor [--events N] [--devices N] [--partitions N]
 * [--checkpoint-interval-ms N]`. Uses IOT_TEST_KAFKA_BOOTSTRAP when set, else starts a broker.
 *
 * @module
 */
import process from "node:process";
import { Admin, Producer } from "@iot/kafka";
import { startKafka, uniqueName } from "@iot/testing";
import { deviceAggregatesJob, JobRunner, type JobStatus } from "@iot/processor";

function flag(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  const value = i >= 0 ? Number(Deno.args[i + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`--${name} must be a positive integer`);
  }
  return value;
}

const EVENTS = flag("events", 400_000);
const DEVICES = flag("devices", 2_000);
const PARTITIONS = flag("partitions", 4);
const INTERVAL_MS = flag("checkpoint-interval-ms", 1_000);
const T0 = Date.UTC(2025, 6, 22, 0, 0, 0);

async function fill(bootstrap: string, topic: string): Promise<void> {
  await using admin = new Admin({ config: { "bootstrap.servers": bootstrap } });
  await admin.createTopics([{ name: topic, partitions: PARTITIONS }]);
  await using producer = new Producer({
    config: { "bootstrap.servers": bootstrap, "linger.ms": 20, "compression.type": "lz4" },
  });
  const encoder = new TextEncoder();
  const chunk = 50_000;
  for (let start = 0; start < EVENTS; start += chunk) {
    const records = [];
    for (let i = start; i < Math.min(EVENTS, start + chunk); i++) {
      const deviceId = `device-${i % DEVICES}`;
      const ts = new Date(T0 + Math.floor(i / DEVICES) * 1_000 + (i % 7) * 100).toISOString();
      const value = encoder.encode(
        `{"deviceId":"${deviceId}","ts":"${ts}","temperature":${20 + (i % 150) / 10},` +
          `"humidity":${40 + (i % 200) / 10}}`,
      );
      records.push({ topic, key: deviceId, value });
    }
    await producer.sendBatch(records);
  }
}

interface Result {
  mode: string;
  eventsPerSecond: number;
  eventsPerCpuSecond: number;
  seconds: number;
  status: JobStatus;
}

async function run(bootstrap: string, input: string, exactlyOnce: boolean): Promise<Result> {
  const stateDir = await Deno.makeTempDir();
  const suffix = uniqueName("bench");
  const job = deviceAggregatesJob({
    input,
    output: `${suffix}-aggregates`,
    late: `${suffix}-late`,
    deadLetter: `${suffix}-dlq`,
    windowMs: 60_000,
    maxOutOfOrdernessMs: 30_000,
    allowedLatenessMs: 0,
    partitions: PARTITIONS,
  }, `device-aggregates-${suffix}`);
  const stop = new AbortController();
  const runner = new JobRunner({
    job,
    bootstrap,
    stateDir,
    exactlyOnce,
    checkpointIntervalMs: INTERVAL_MS,
    signal: stop.signal,
    log: () => {},
  });
  const running = runner.run();
  let started = 0, cpuStart = process.cpuUsage(), inAtStart = 0;
  let status = await runner.status();
  // Poll the runner's own counters: the measurement starts at the first consumed record.
  while (status.recordsIn < EVENTS) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    status = await runner.status();
    if (started === 0 && status.recordsIn > 0) {
      started = performance.now();
      cpuStart = process.cpuUsage();
      inAtStart = status.recordsIn;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  stop.abort();
  await running;
  status = await runner.status();
  await Deno.remove(stateDir, { recursive: true });
  const events = EVENTS - inAtStart;
  return {
    mode: exactlyOnce ? "exactly-once" : "checkpoints off",
    eventsPerSecond: events / seconds,
    eventsPerCpuSecond: events / cpuSeconds,
    seconds,
    status,
  };
}

if (import.meta.main) {
  await using kafka = await startKafka();
  const input = uniqueName("bench-readings");
  console.error(`filling ${input} with ${EVENTS} readings of ${DEVICES} devices...`);
  await fill(kafka.bootstrap, input);
  // Two alternating rounds, best of each mode: the machine is shared and the first run warms
  // the broker's page cache.
  const best = new Map<boolean, Result>();
  for (const exactlyOnce of [true, false, true, false]) {
    console.error(`running device-aggregates (${exactlyOnce ? "exactly-once" : "no checkpoints"})`);
    const result = await run(kafka.bootstrap, input, exactlyOnce);
    const previous = best.get(exactlyOnce);
    if (!previous || result.eventsPerSecond > previous.eventsPerSecond) {
      best.set(exactlyOnce, result);
    }
  }
  const results = [best.get(true)!, best.get(false)!];
  const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
  console.log(
    `device-aggregates over ${fmt(EVENTS)} events, ${DEVICES} devices, ${PARTITIONS} partitions, ` +
      `checkpoint every ${INTERVAL_MS} ms (fsync on), best of 2 runs per mode`,
  );
  for (const r of results) {
    console.log(
      `  ${r.mode.padEnd(16)} ${fmt(r.eventsPerSecond).padStart(9)} events/s wall, ` +
        `${fmt(r.eventsPerCpuSecond).padStart(9)} events/CPU-s, ${r.seconds.toFixed(2)} s, ` +
        `${r.status.checkpoints} checkpoints, last ${
          r.status.lastCheckpointDurationMs?.toFixed(1) ?? "-"
        } ms`,
    );
  }
  const [eos, off] = results;
  console.log(
    `  checkpoint overhead: ${
      ((1 - eos.eventsPerSecond / off.eventsPerSecond) * 100).toFixed(1)
    }%` +
      ` of throughput`,
  );
}
