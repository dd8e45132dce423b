/**
 * The longer run of the cluster scenarios, by hand: a three-broker cluster, three processor
 * instances with a large vehicle-max state (`--keys`, default 100 000 vehicles), input flowing
 * all along, then faults in rounds: SIGKILL the instance holding the most state (its partitions
 * are restored from the changelog elsewhere), scale out by one, SIGKILL a broker and restart it.
 * Prints per fault the longest pause in the committed output (readings-by-device's topic, read
 * with read_committed as it is written), the rebalance durations the instances logged, and the
 * changelog restore speed; at the end the outputs are compared with the references.
 *
 * `deno run -A processor/cluster_bench.ts [--keys 100000] [--rounds 2]`
 *
 * @module
 */
import { Consumer, Offset } from "@iot/kafka";
import { delay, startKafkaCluster, waitFor } from "@iot/testing";
import { forwardedCount, generate, type Input, PARTITIONS } from "./jobs/climate_test_util.ts";
import {
  compare,
  createScenarioTopics,
  feed,
  Instance,
  scenario,
  scenarioDone,
} from "./cluster_test_util.ts";

const arg = (name: string, fallback: number) => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
};
const KEYS = arg("keys", 100_000);
const ROUNDS = arg("rounds", 2);
const t0 = Date.UTC(2025, 6, 22, 22, 0, 0);

/** One reading per vehicle: `count` distinct keys in vehicle-max's state. */
function manyVehicles(count: number, seq: number): Input[] {
  return Array.from({ length: count }, (_, i) => {
    const vehicleId = `v-${i}`;
    const value = JSON.stringify({
      vehicleId,
      sensorId: `${vehicleId}-tire-0`,
      ts: new Date(t0 + seq * 1000 + i).toISOString(),
      pressure: 800_000 + seq * 1000 + (i % 997),
      temperature: 20,
    });
    return { partition: i % PARTITIONS, key: `${vehicleId}-tire-0`, value };
  });
}

/** Log lines of `instance` after `since` (ms), parsed. */
function linesSince(instance: Instance, since: number): { ts: number; msg: string }[] {
  return instance.log.split("\n").filter((l) => l.startsWith("{")).map((l) => {
    try {
      const { ts, msg } = JSON.parse(l);
      return { ts: Date.parse(ts), msg: String(msg) };
    } catch {
      return { ts: 0, msg: "" };
    }
  }).filter((l) => l.ts >= since);
}

await using cluster = await startKafkaCluster({ startTimeoutMs: 300_000 });
const s = scenario("soak");
await createScenarioTopics(cluster.bootstrap, s);
const dir = await Deno.makeTempDir({ prefix: "cluster-bench-" });
const vehicles = manyVehicles(KEYS, 0);
await feed(cluster.bootstrap, s.vehicles, vehicles);
console.error(`fed ${KEYS} vehicles`);

const live = new Set<Instance>();
let nextId = 0;
const start = () => {
  const id = `i${nextId++}`;
  const instance = new Instance(cluster.bootstrap, s, id, `${dir}/${id}`);
  live.add(instance);
  return instance;
};
const all: Instance[] = [];
for (let i = 0; i < 3; i++) all.push(start());

// Output watcher: arrival times of committed records of the by-device topic, per partition (a
// fault stops some partitions while the others flow on).
const arrivals: number[][] = Array.from({ length: PARTITIONS }, () => []);
const stopWatch = new AbortController();
const watcher = (async () => {
  await using consumer = new Consumer({
    config: {
      "bootstrap.servers": cluster.bootstrap,
      "group.id": `watch-${crypto.randomUUID()}`,
      "isolation.level": "read_committed",
      "enable.auto.commit": false,
      "fetch.wait.max.ms": 20,
    },
  });
  await waitFor(async () => {
    const marks = await consumer.watermarkOffsets(s.input, 0).catch(() => null);
    return marks !== null;
  }, { timeoutMs: 120_000, message: "the by-device topic" });
  consumer.assign(
    Array.from({ length: PARTITIONS }, (_, partition) => ({
      topic: s.input,
      partition,
      offset: Offset.BEGINNING,
    })),
  );
  for await (const batch of consumer.batches({ signal: stopWatch.signal })) {
    const now = Date.now();
    for (const r of batch) arrivals[r.partition].push(now);
  }
})();

const climate: Input[] = [];
let feeding = true;
let chunks = 0;
const feeder = (async () => {
  for (let i = 0; feeding; i++) {
    const chunk = generate(100 + i, 40, i * 40);
    await feed(cluster.bootstrap, s.readings, chunk);
    climate.push(...chunk);
    chunks++;
    await delay(250);
  }
})();

const stateKeys = async () => {
  let keys = 0;
  for (const i of live) {
    for (const job of (await i.status()) ?? []) {
      if (job.job !== "vehicle-max") continue;
      for (const t of job.tasks) if (t.topic === s.repartition) keys += t.stateKeys;
    }
  }
  return keys;
};
await waitFor(async () => (await stateKeys()) >= KEYS, {
  timeoutMs: 600_000,
  intervalMs: 1_000,
  message: `${KEYS} keys in vehicle-max's state`,
});
console.error("state loaded; faults begin");

/** Longest gap between output arrivals of any one partition in [from, to], ms. */
const longestPause = (from: number, to: number) => {
  let longest = 0;
  for (const partition of arrivals) {
    const times = partition.filter((t) => t >= from && t <= to);
    for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i] - times[i - 1]);
    longest = Math.max(longest, (times[0] ?? to) - from);
  }
  return longest;
};
const rebalances = (since: number) =>
  [...live].flatMap((i) => linesSince(i, since))
    .map((l) => /rebalance \w+ done in (\d+) ms/.exec(l.msg)?.[1])
    .filter((m) => m !== undefined).map(Number);
const restores = (since: number) =>
  [...live].flatMap((i) => linesSince(i, since))
    .map((l) => /restored .*from the changelog: (\d+) keys in (\d+) ms/.exec(l.msg))
    .filter((m) => m !== null).map((m) => ({ keys: Number(m![1]), ms: Number(m![2]) }));

const report: Record<string, unknown>[] = [];
const settle = async (from: number, what: string, extra: Record<string, unknown> = {}) => {
  const before = chunks;
  await waitFor(() => chunks >= before + 40, { timeoutMs: 300_000, message: "input" });
  const r = restores(from);
  const keys = r.reduce((n, x) => n + x.keys, 0);
  const ms = Math.max(0, ...r.map((x) => x.ms));
  report.push({
    fault: what,
    longestOutputPauseMs: longestPause(from, Date.now()),
    rebalanceMsMax: Math.max(0, ...rebalances(from)),
    restoredKeys: keys,
    restoreMs: ms,
    restoreMsPer100kKeys: keys > 0 ? Math.round(ms / keys * 100_000) : null,
    ...extra,
  });
  console.error(JSON.stringify(report.at(-1)));
};

// The same window without a fault: the pause every checkpoint interval and input chunk cause.
await settle(Date.now(), "none (baseline)");
for (let round = 0; round < ROUNDS; round++) {
  // 1. SIGKILL the instance with the most state.
  let victim: Instance | null = null;
  let most = -1;
  for (const i of live) {
    const keys = ((await i.status()) ?? []).filter((j) => j.job === "vehicle-max")
      .flatMap((j) => j.tasks).reduce((n, t) => n + t.stateKeys, 0);
    if (keys > most) [victim, most] = [i, keys];
  }
  let from = Date.now();
  live.delete(victim!);
  await victim!.stop("SIGKILL");
  await settle(from, `SIGKILL instance ${victim!.id} (${most} keys)`);
  // 2. Scale out by one.
  from = Date.now();
  all.push(start());
  await settle(from, "scale out +1");
  // 3. SIGKILL broker 2, restart it 20 s later.
  from = Date.now();
  await cluster.nodes[1].kill();
  await delay(20_000);
  await cluster.nodes[1].start();
  await settle(from, "SIGKILL broker 2, restart after 20 s");
}
feeding = false;
await feeder;
const forwarded = { climate: forwardedCount(climate), vehicles: vehicles.length };
await waitFor(() => scenarioDone(cluster.bootstrap, s, [...live], forwarded), {
  timeoutMs: 300_000,
  intervalMs: 1_000,
  message: "all input committed",
});
const c = await compare(cluster.bootstrap, s, climate, vehicles);
const same = JSON.stringify(c.got) === JSON.stringify(c.expected) &&
  JSON.stringify(c.alerts.alerts) === JSON.stringify(c.expectedAlerts) &&
  [...c.expectedMax].every(([v, max]) => c.maxima.get(v)?.at(-1) === max);
stopWatch.abort();
await watcher;
for (const i of live) await i.stop("SIGTERM");
await Deno.remove(dir, { recursive: true });
console.log(JSON.stringify({ keys: KEYS, rounds: ROUNDS, chunks, equalToReference: same, report }));
