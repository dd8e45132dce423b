/**
 * Material of the cluster scenarios (`cluster_integration_test.ts`, and the longer run by hand
 * in `cluster_bench.ts`): processor instances as child processes of `main.ts`, their topics
 * on a replicated cluster, vehicle readings with a reference written as a plain batch
 * computation, and the checks that the committed outputs (aggregates, alerts, vehicle maxima)
 * equal the references. Used only by
 * tests and scripts.
 *
 * @module
 */
import { Admin, Producer, type ProducerRecord } from "@iot/kafka";
import { seededRandom, uniqueName } from "@iot/testing";
import {
  actual,
  type ClimateTestConfig,
  consumedAll,
  type Expected,
  type Input,
  PARTITIONS,
  reference,
  topicsFor,
} from "./jobs/climate_test_util.ts";
import {
  alertReference,
  type CommittedAlerts,
  committedAlerts,
  OVERHEAT,
} from "./jobs/overheating_test_util.ts";
import { caughtUp, readCommitted } from "./runtime/runtime_test_util.ts";
import type { JobStatus } from "./runtime/status.ts";

/** The topics and groups of one scenario: the climate pipeline, overheating and vehicle-max. */
export interface ClusterScenario extends ClimateTestConfig {
  /** overheating's alerts. */
  alerts: string;
  /** overheating's device commands. */
  commands: string;
  /** Vehicle pressure readings (keyed by sensor). */
  vehicles: string;
  /** vehicle-max's repartition topic. */
  repartition: string;
  /** Maxima per vehicle. */
  maxima: string;
  /** `--group-prefix` of the instances. */
  groupPrefix: string;
}

/** Unique names for a scenario called `name`. */
export function scenario(name: string): ClusterScenario {
  return {
    ...topicsFor(name, uniqueName),
    alerts: uniqueName(`${name}-alerts`),
    commands: uniqueName(`${name}-commands`),
    vehicles: uniqueName(`${name}-vehicles`),
    repartition: uniqueName(`${name}-repartition`),
    maxima: uniqueName(`${name}-max`),
    groupPrefix: uniqueName(name),
  };
}

/**
 * Creates every topic of `s` with the broker's replication factor and `min.insync.replicas`, and
 * unlimited retention (the readings are stamped in 2025).
 */
export async function createScenarioTopics(bootstrap: string, s: ClusterScenario): Promise<void> {
  await using admin = new Admin({ config: { "bootstrap.servers": bootstrap } });
  const names = [s.readings, s.input, s.output, s.late, s.deadLetter, s.vehicles, s.repartition]
    .concat(s.alerts, s.commands);
  const config = { "retention.ms": "-1" };
  await admin.createTopics([
    ...names.map((name) => ({ name, partitions: PARTITIONS, replicationFactor: -1, config })),
    {
      name: s.maxima,
      partitions: PARTITIONS,
      replicationFactor: -1,
      config: { ...config, "cleanup.policy": "compact" },
    },
  ], { ignoreExisting: true });
}

/** A processor instance: `main.ts` as a child process with its own id, state dir and port. */
export class Instance {
  /** Its stderr so far. */
  log = "";
  /** Its exit status once it exited by itself or was stopped; `null` while it runs. */
  exited: Deno.CommandStatus | null = null;
  readonly #child: Deno.ChildProcess;
  readonly #done: Promise<void>;

  /** Starts instance `id` of scenario `s` on `bootstrap` with state in `stateDir`. */
  constructor(bootstrap: string, s: ClusterScenario, readonly id: string, stateDir: string) {
    const args = [
      ...["--bootstrap", bootstrap, "--state-dir", stateDir, "--instance-id", id],
      ...["--jobs", "readings-by-device,device-aggregates,overheating,vehicle-max"],
      ...["--group-prefix", s.groupPrefix, "--status-port", "0"],
      ...["--checkpoint-interval-ms", "300", "--fsync", "false", "--partitions", "3"],
      ...["--window-ms", String(s.windowMs), "--max-out-of-orderness-ms"],
      ...[String(s.maxOutOfOrdernessMs), "--allowed-lateness-ms", String(s.allowedLatenessMs)],
      ...["--topic", `sensorReadings=${s.readings}`, "--readings-by-device-topic", s.input],
      ...["--topic", `sensorAggregates=${s.output}`, "--topic", `lateReadings=${s.late}`],
      ...["--topic", `deadLetter=${s.deadLetter}`, "--topic", `vehiclePressure=${s.vehicles}`],
      ...["--topic", `vehiclePressureMax=${s.maxima}`, "--repartition-topic", s.repartition],
      ...["--topic", `alerts=${s.alerts}`, "--topic", `deviceCommands=${s.commands}`],
      ...["--overheat-window-ms", String(OVERHEAT.windowMs), "--overheat-slide-ms"],
      ...[String(OVERHEAT.slideMs), "--overheat-threshold", String(OVERHEAT.threshold)],
      ...["--overheat-margin", String(OVERHEAT.margin)],
    ];
    const child = this.#child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("./main.ts", import.meta.url).pathname, ...args],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    child.status.then((status) => this.exited = status);
    this.#done = (async () => {
      for await (const text of child.stderr.pipeThrough(new TextDecoderStream())) {
        this.log += text;
      }
    })();
  }

  /** Its job statuses, or `null` while it does not answer. */
  async status(): Promise<JobStatus[] | null> {
    // The port is picked by the instance (no race with other processes) and logged at start.
    const url = /"status":"(http:\/\/127\.0\.0\.1:\d+\/status)"/.exec(this.log)?.[1];
    if (url === undefined) return null;
    const response = await fetch(url).catch(() => null);
    if (response === null) return null;
    if (!response.ok) {
      await response.body?.cancel();
      return null;
    }
    return (await response.json() as { jobs: JobStatus[] }).jobs;
  }

  /** Sends `signal` and waits for the exit; returns the exit status. */
  async stop(signal: Deno.Signal): Promise<Deno.CommandStatus> {
    try {
      this.#child.kill(signal);
    } catch { /* already exited */ }
    const status = await this.#child.status;
    await this.#done;
    return status;
  }

  /** Its warn and error lines (restarts, failures), the last `max` of them. */
  notable(max = 40): string[] {
    return this.log.split("\n").filter((l) => /"level":"(warn|error)"/.test(l)).slice(-max);
  }

  /** Whether it has been assigned a partition of `topic` (it logged the assignment). */
  assigned(topic: string): boolean {
    return this.log.includes(`assigned ${topic}[`);
  }
}

/**
 * Writes each instance's whole stderr (`<prefix>-<id>.log`) and each broker's log so far
 * (`<prefix>-broker-<id>.log`) into `dir`: what a failed or flaky scenario is diagnosed from,
 * since the test prints only tails.
 */
export async function saveLogs(
  dir: string,
  prefix: string,
  instances: readonly Instance[],
  brokers: readonly { id: number; logPath: string }[],
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  for (const i of instances) await Deno.writeTextFile(`${dir}/${prefix}-${i.id}.log`, i.log);
  for (const b of brokers) {
    await Deno.copyFile(b.logPath, `${dir}/${prefix}-broker-${b.id}.log`).catch(() => {});
  }
}

/**
 * The node id of the broker coordinating consumer group `groupId`: the leader of the group's
 * `__consumer_offsets` partition, picked as Kafka does (Java's `String.hashCode`, made
 * non-negative, modulo the partition count).
 */
export async function groupCoordinator(bootstrap: string, groupId: string): Promise<number> {
  await using admin = new Admin({ config: { "bootstrap.servers": bootstrap } });
  const [offsets] = await admin.describeTopics(["__consumer_offsets"]);
  let hash = 0;
  for (let i = 0; i < groupId.length; i++) hash = (Math.imul(hash, 31) + groupId.charCodeAt(i)) | 0;
  const abs = hash === -2147483648 ? 0 : Math.abs(hash);
  const partition = offsets.partitions.find((p) => p.partition === abs % offsets.partitions.length);
  if (partition === undefined || partition.leader < 0) {
    throw new Error(`no leader for ${groupId}'s partition of __consumer_offsets`);
  }
  return partition.leader;
}

/** `count` pressure readings of 4 vehicles × 4 tyres (keyed by sensor), event time from `start`. */
export function vehicleReadings(seed: number, count: number, start: number): Input[] {
  const rand = seededRandom(seed);
  const t0 = Date.UTC(2025, 6, 22, 22, 0, 0);
  return Array.from({ length: count }, (_, i) => {
    const vehicle = `vehicle-${Math.floor(rand() * 4)}`;
    const sensorId = `${vehicle}-tire-${Math.floor(rand() * 4)}`;
    const value = JSON.stringify({
      vehicleId: vehicle,
      sensorId,
      ts: new Date(t0 + (start + i) * 100).toISOString(),
      pressure: 800_000 + Math.floor(rand() * 100_000),
      temperature: Math.round(rand() * 4000) / 100,
    });
    return { partition: Math.floor(rand() * PARTITIONS), key: sensorId, value };
  });
}

/** The reference of vehicle-max: the highest pressure per vehicle over the whole input. */
export function vehicleReference(inputs: readonly Input[]): Map<string, number> {
  const max = new Map<string, number>();
  for (const { value } of inputs) {
    const r = JSON.parse(value);
    max.set(r.vehicleId, Math.max(max.get(r.vehicleId) ?? -Infinity, r.pressure));
  }
  return max;
}

/** Writes `inputs` to `topic` with an idempotent `acks=all` producer; resolves once acknowledged. */
export async function feed(
  bootstrap: string,
  topic: string,
  inputs: readonly Input[],
): Promise<void> {
  await using producer = new Producer({
    config: { "bootstrap.servers": bootstrap, "enable.idempotence": true, "acks": "all" },
  });
  const records: ProducerRecord[] = inputs.map((i) => ({ topic, ...i }));
  await producer.sendAll(records);
}

/**
 * Whether the live `instances` committed the whole input: both input groups caught up, and the
 * tasks of device-aggregates, overheating and vehicle-max's second stage took every forwarded
 * record.
 */
export async function scenarioDone(
  bootstrap: string,
  s: ClusterScenario,
  instances: readonly Instance[],
  forwarded: { climate: number; vehicles: number },
): Promise<boolean> {
  const statuses = (await Promise.all(instances.map((i) => i.status()))).flat();
  if (statuses.some((x) => x === null)) return false;
  const jobs = statuses as JobStatus[];
  for (const job of ["device-aggregates", "overheating"]) {
    if (!consumedAll(jobs.filter((j) => j.job === job), s, forwarded.climate)) return false;
  }
  const maxTasks = jobs.filter((j) => j.job === "vehicle-max").flatMap((j) => j.tasks)
    .filter((t) => t.topic === s.repartition);
  const took = maxTasks.reduce((n, t) => n + t.recordsIn, 0);
  if (maxTasks.length !== PARTITIONS || took !== forwarded.vehicles) return false;
  if (maxTasks.some((t) => t.pendingOutputs > 0)) return false;
  return await caughtUp(bootstrap, `${s.groupPrefix}-readings-by-device`, s.readings, PARTITIONS) &&
    await caughtUp(bootstrap, `${s.groupPrefix}-vehicle-max`, s.vehicles, PARTITIONS);
}

/** What the scenario's outputs hold, next to what the references say they must. */
export interface Comparison {
  /** Climate outputs read with read_committed. */
  got: Expected;
  /** The climate reference. */
  expected: Expected;
  /** Per vehicle: the maxima emitted, in order. */
  maxima: Map<string, number[]>;
  /** The vehicle reference. */
  expectedMax: Map<string, number>;
  /** Alerts read with read_committed (canonical JSON, sorted), and the shutdown commands. */
  alerts: CommittedAlerts;
  /** The alert reference. */
  expectedAlerts: string[];
}

/**
 * Reads the committed outputs and computes the references of `climate` (aggregates, alerts) and
 * `vehicles`.
 */
export async function compare(
  bootstrap: string,
  s: ClusterScenario,
  climate: readonly Input[],
  vehicles: readonly Input[],
): Promise<Comparison> {
  const maxima = new Map<string, number[]>();
  for (const r of await readCommitted(bootstrap, s.maxima, PARTITIONS)) {
    const m = JSON.parse(new TextDecoder().decode(r.value!));
    maxima.set(m.vehicleId, [...(maxima.get(m.vehicleId) ?? []), m.pressureMax]);
  }
  return {
    got: await actual(bootstrap, s),
    expected: reference(climate),
    maxima,
    expectedMax: vehicleReference(vehicles),
    alerts: await committedAlerts(bootstrap, s),
    expectedAlerts: alertReference(climate, OVERHEAT).alerts,
  };
}
