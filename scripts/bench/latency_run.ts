/**
 * One run of `deno task bench:latency`: the real processor (`processor/main.ts --jobs
 * overheating`, which runs readings-by-device in front of it) as a child process on a broker,
 * fed readings stamped with the wall clock at a constant rate, while a read_committed consumer
 * notes when each alert and shutdown command becomes readable.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { Admin, Consumer, Offset, Producer, type ProducerRecord } from "@iot/kafka";
import { delay, uniqueName } from "@iot/testing";
import process from "node:process";
import {
  cpuSeconds,
  type LagSample,
  loadAverage,
  type LoggedChild,
  pidListeningOn,
  type RunLoad,
  sampleLag,
  spawnLogged,
  statusUrl,
} from "./latency_load.ts";
import { type HotSchedule, type Reading, temperatureAt } from "./latency_tip.ts";

/** Settings shared by every run of a bench. */
export interface LatencySettings extends HotSchedule {
  /** Readings per second. */
  readonly rate: number;
  /** Devices (`device-0` … `device-<n-1>`); each gets `rate / devices` readings per second. */
  readonly devices: number;
  /** Partitions of every topic. */
  readonly partitions: number;
  /** Seconds of input before alerts count: windows ending earlier are not counted. */
  readonly warmupS: number;
  /** Seconds of input whose alerts count. */
  readonly seconds: number;
  /** The feeding producer's partitioner (librdkafka's `partitioner`). */
  readonly partitioner: "murmur2_random" | "consistent_random";
  /** Processor processes sharing the consumer groups (the product scales out per group). */
  readonly instances: number;
}

/** What one run varies. */
export interface LatencyCase {
  readonly guarantee: "exactly-once" | "at-least-once";
  readonly checkpointMs: number;
}

/** An alert or command as read back, with when it became readable (wall-clock ms). */
export interface Observed {
  readonly kind: "alert" | "command";
  /** `alertId`, or the alert id a command belongs to. */
  readonly alertId: string;
  readonly deviceId: string;
  readonly state: "active" | "cleared";
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly readableAt: number;
}

/** The raw material of one run; `latency.ts` turns it into figures. */
export interface RunRecord {
  /** Per hot device (by index), its readings in event-time order. */
  readonly hotReadings: Reading[][];
  /** Alerts and commands read back. */
  readonly observed: Observed[];
  /** Wall-clock ms of the first and after the last reading sent. */
  readonly startMs: number;
  readonly stopMs: number;
  /** Readings sent. */
  readonly sent: number;
  /** CPU seconds of the processor processes while the readings were sent. */
  readonly processorCpuSeconds: number;
  /** CPU use of every process and the processor's lag while the readings were sent. */
  readonly load: RunLoad;
  /**
   * Readings the overheating job found late (behind its watermark, so left out of their
   * windows), from the processor's `/status` at the end; `NaN` when unknown.
   */
  readonly lateReadings: number;
}

const MAIN = fileURLToPath(new URL("../../processor/main.ts", import.meta.url));
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The overheating job's late readings, asked of the status URL the processor logged. */
async function lateReadings(log: string): Promise<number> {
  const url = statusUrl(log);
  if (url === undefined) return NaN;
  try {
    const { jobs } = await (await fetch(url)).json() as {
      jobs: { job: string; tasks: { late: number }[] }[];
    };
    return jobs.filter((j) => j.job === "overheating")
      .reduce((n, j) => n + j.tasks.reduce((m, t) => m + t.late, 0), 0);
  } catch {
    return NaN;
  }
}

/** Runs `c` on `bootstrap`; `label` prefixes progress lines on stderr. */
export async function runLatency(
  bootstrap: string,
  s: LatencySettings,
  c: LatencyCase,
  label: string,
): Promise<RunRecord> {
  const run = uniqueName("latency");
  const t = {
    input: `${run}-readings`,
    byDevice: `${run}-by-device`,
    alerts: `${run}-alerts`,
    commands: `${run}-commands`,
    deadLetter: `${run}-dlq`,
  };
  {
    await using admin = new Admin({ config: { "bootstrap.servers": bootstrap } });
    await admin.createTopics(
      Object.values(t).map((name) => ({ name, partitions: s.partitions })),
      { ignoreExisting: true },
    );
  }
  const args = [
    ...["run", "--allow-all", MAIN, "--bootstrap", bootstrap],
    ...["--jobs", "overheating", "--group-prefix", run, "--status-port", "0"],
    ...["--partitions", String(s.partitions), "--readings-by-device-topic", t.byDevice],
    ...["--topic", `sensorReadings=${t.input}`, "--topic", `alerts=${t.alerts}`],
    ...["--topic", `deviceCommands=${t.commands}`, "--topic", `deadLetter=${t.deadLetter}`],
    ...["--processing-guarantee", c.guarantee, "--checkpoint-interval-ms", String(c.checkpointMs)],
    // Misplaced input interleaves every source in every partition: await them all from the start.
    ...(s.partitioner === "consistent_random" ? ["--await-all-sources"] : []),
  ];
  const instances: Instance[] = [];
  for (let i = 0; i < s.instances; i++) instances.push(await spawnInstance(args, i));
  const observed: Observed[] = [];
  const watching = new AbortController();
  const watcher = watch(bootstrap, [t.alerts, t.commands], s.partitions, watching.signal, observed);
  let record: RunRecord;
  try {
    const broker = pidListeningOn(Number(bootstrap.split(":").at(-1)));
    const cpu = async () => ({
      instances: await Promise.all(instances.map((p) => cpuSeconds(p.child.pid))),
      broker: broker === undefined ? NaN : await cpuSeconds(broker),
      bench: process.cpuUsage(),
    });
    const cpu0 = await cpu();
    const lag: LagSample[] = [];
    const sampling = sampleLagEvery(instances, lag, 5_000);
    const fed = await feed(bootstrap, t.input, s, label);
    const cpu1 = await cpu();
    lag.push(await sampleLag(urls(instances), (fed.stopMs - fed.startMs) / 1000));
    sampling.stop();
    const instanceCpuSeconds = cpu1.instances.map((c, i) => c - cpu0.instances[i]);
    const bench = process.cpuUsage(cpu0.bench);
    const load: RunLoad = {
      seconds: (fed.stopMs - fed.startMs) / 1000,
      processorCpuSeconds: instanceCpuSeconds.reduce((a, b) => a + b, 0),
      instanceCpuSeconds,
      brokerCpuSeconds: cpu1.broker - cpu0.broker,
      benchCpuSeconds: (bench.user + bench.system) / 1e6,
      lag,
      loadAverage: await loadAverage(),
    };
    // Windows that could fire before the input stopped are readable within about two
    // checkpoint intervals (two transactional hops) once the processor keeps up.
    await delay(2 * c.checkpointMs + 5_000);
    let late = 0;
    for (const p of instances) late += await lateReadings(p.log());
    record = {
      ...fed,
      observed,
      processorCpuSeconds: load.processorCpuSeconds,
      load,
      lateReadings: late,
    };
  } finally {
    watching.abort();
    await watcher;
    for (const p of instances) {
      try {
        p.child.kill("SIGTERM");
      } catch {
        // It exited by itself during the run (even with 0): show why, and go on with the rest.
        console.error(`${label}: processor instance ${p.index} exited during the run; its log:`);
        console.error(p.log().split("\n").slice(-30).join("\n"));
      }
    }
  }
  for (const p of instances) {
    const status = await p.child.status;
    await p.logged;
    await Deno.remove(p.stateDir, { recursive: true });
    // A processor that died during the run shows as missing alerts; say why too.
    if (!status.success && status.signal !== "SIGTERM") {
      console.error(p.log().split("\n").slice(-20).join("\n"));
      console.error(`${label}: processor instance ${p.index} exited with ${status.code}`);
    }
  }
  return record;
}

/** One processor process of a run. */
interface Instance extends LoggedChild {
  readonly index: number;
  readonly stateDir: string;
}

async function spawnInstance(args: readonly string[], index: number): Promise<Instance> {
  const stateDir = await Deno.makeTempDir({ prefix: "latency-bench-" });
  const logged = spawnLogged([...args, "--state-dir", stateDir, "--instance-id", `i${index}`]);
  return { ...logged, index, stateDir };
}

function urls(instances: readonly Instance[]): string[] {
  return instances.map((p) => statusUrl(p.log())).filter((u) => u !== undefined);
}

/** Samples the instances' lag every `ms` into `into` until stopped. */
function sampleLagEvery(instances: readonly Instance[], into: LagSample[], ms: number) {
  const started = Date.now();
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    into.push(await sampleLag(urls(instances), (Date.now() - started) / 1000));
    busy = false;
  }, ms);
  return { stop: () => clearInterval(timer) };
}

/** Reads alerts and commands as they become readable (read_committed) into `observed`. */
async function watch(
  bootstrap: string,
  topics: readonly string[],
  partitions: number,
  signal: AbortSignal,
  observed: Observed[],
): Promise<void> {
  await using consumer = new Consumer({
    config: {
      "bootstrap.servers": bootstrap,
      "group.id": uniqueName("latency-watch"),
      "isolation.level": "read_committed",
      "enable.auto.commit": false,
      "fetch.wait.max.ms": 10,
    },
  });
  consumer.assign(topics.flatMap((topic) =>
    Array.from({ length: partitions }, (_, partition) => ({
      topic,
      partition,
      offset: Offset.BEGINNING,
    }))
  ));
  for await (const batch of consumer.batches({ signal })) {
    const readableAt = Date.now();
    for (const r of batch) {
      const v = JSON.parse(decoder.decode(r.value!));
      if (r.topic === topics[0]) {
        observed.push({
          kind: "alert",
          alertId: v.alertId,
          deviceId: v.deviceId,
          state: v.state,
          windowStart: Date.parse(v.windowStart),
          windowEnd: Date.parse(v.windowEnd),
          readableAt,
        });
      } else {
        const end = Date.parse(v.eventTime);
        observed.push({
          kind: "command",
          alertId: String(v.commandId).replace(/-shutdown(-\d+)?$/, ""),
          deviceId: v.deviceId,
          state: "active",
          windowStart: NaN,
          windowEnd: end,
          readableAt,
        });
      }
    }
  }
}

/** Sends readings at `s.rate` per second, stamped with the wall clock, for the run's length. */
async function feed(bootstrap: string, topic: string, s: LatencySettings, label: string) {
  await using producer = new Producer({
    config: { "bootstrap.servers": bootstrap, "linger.ms": 5, "partitioner": s.partitioner },
  });
  const hotReadings: Reading[][] = Array.from({ length: s.hot }, () => []);
  const inFlight: Promise<void>[] = [];
  const startMs = Date.now();
  const stopAt = startMs + (s.warmupS + s.seconds) * 1000;
  let sent = 0, reported = startMs;
  for (let now = startMs; now < stopAt; now = Date.now()) {
    const due = Math.floor((now - startMs) * s.rate / 1000);
    const records: ProducerRecord[] = [];
    const iso = new Date(now).toISOString();
    for (; sent < due; sent++) {
      const index = sent % s.devices;
      const deviceId = `device-${index}`;
      const temperature = temperatureAt(s, index, now);
      if (index < s.hot) hotReadings[index].push({ ts: now, temperature });
      const value = `{"deviceId":"${deviceId}","ts":"${iso}","temperature":${temperature},` +
        `"humidity":${40 + (sent % 200) / 10}}`;
      records.push({ topic, key: deviceId, value: encoder.encode(value) });
    }
    if (records.length > 0) inFlight.push(producer.sendAll(records));
    while (inFlight.length > 200) await inFlight.shift();
    if (now - reported >= 10_000) {
      reported = now;
      console.error(`${label}: ${sent} readings sent, ${Math.round((now - startMs) / 1000)} s`);
    }
    await delay(2); // pacing: the next tick sends what fell due meanwhile
  }
  const stopMs = Date.now();
  await Promise.all(inFlight);
  return { hotReadings, startMs, stopMs, sent };
}
