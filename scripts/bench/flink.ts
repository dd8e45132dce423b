/**
 * Flink side by side (`deno task bench:flink`): pre-fills topics of JSON climate readings on a
 * dedicated Kafka 4.3.1, then runs each job in Flink 2.2 (DataStream API, local MiniCluster,
 * exactly-once Kafka sink, built from scripts/bench/flink/ on first use) and in our processor,
 * in alternating rounds at each parallelism, with checkpoints at the same interval. Prints events/s
 * (wall) and events per CPU-second (whole process: JVM or Deno, every thread) for each, the
 * ratios, and whether both wrote the same results (a plain comparison of the output topics).
 *
 * Usage: `deno task bench:flink [--jobs aggregates,overheating,sliding] [--events N] ...`
 * (`--help` lists the flags).
 *
 * @module
 */
import { startKafka, uniqueName } from "@iot/testing";
import { flinkClasspath } from "./flink_build.ts";
import { fill } from "./flink_input.ts";
import { committedValues, compareOutputs, type Comparison } from "./flink_compare.ts";
import { startRun } from "./run_info.ts";
import { type BenchJob, flinkBenchCli, parseBenchArgs } from "./flink_flags.ts";
import {
  type BenchCase,
  type BenchInput,
  type RunFigures,
  runFlink,
  runOurs,
} from "./flink_runs.ts";

const OUT_OF_ORDERNESS_MS = 30_000;

/** Each job's windows, and issue 14's target for ours / Flink in events per CPU-second. */
const WINDOWS: Record<
  BenchJob,
  { windowMs: number; slideMs: number; label: string; target?: number }
> = {
  aggregates: {
    windowMs: 60_000,
    slideMs: 60_000,
    label: "device-aggregates 1 min tumbling",
    target: 3,
  },
  overheating: { windowMs: 30_000, slideMs: 5_000, label: "overheating 30 s / 5 s sliding" },
  sliding: {
    windowMs: 600_000,
    slideMs: 1_000,
    label: "aggregates 10 min / 1 s sliding",
    target: 5,
  },
};

interface Row {
  c: BenchCase;
  flink: RunFigures[];
  ours: RunFigures[];
  check: Comparison;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

function describe(who: string, c: BenchCase, r: RunFigures): string {
  return `  ${who.padEnd(5)} ${c.job} p${c.parallelism}: ${r.seconds.toFixed(2)} s, ` +
    `${fmt(c.input.events / r.seconds)} ev/s, ${fmt(c.input.events / r.cpuSeconds)} ev/CPU-s ` +
    `(${r.cpuSeconds.toFixed(2)} CPU-s; whole process ${r.processCpuSeconds.toFixed(2)} CPU-s` +
    (r.readSeconds === undefined ? ")" : `; all read after ${r.readSeconds.toFixed(2)} s)`);
}

async function measure(classpath: string, bootstrap: string, c: BenchCase, rounds: number) {
  const row: Omit<Row, "check"> = { c, flink: [], ours: [] };
  for (let round = 0; round < rounds; round++) {
    // Alternate who goes first: the machine is shared and noisy.
    for (const who of round % 2 === 0 ? ["flink", "ours"] : ["ours", "flink"]) {
      const r = who === "flink"
        ? await runFlink(classpath, bootstrap, c)
        : await runOurs(bootstrap, c);
      (who === "flink" ? row.flink : row.ours).push(r);
      console.error(describe(who, c, r));
    }
  }
  const check = compareOutputs(
    await committedValues(bootstrap, row.flink[0].output),
    await committedValues(bootstrap, row.ours[0].output),
  );
  return { ...row, check };
}

function table(rows: readonly Row[]): string {
  const best = (runs: RunFigures[], events: number, k: "seconds" | "cpuSeconds") =>
    Math.max(...runs.map((r) => events / r[k]));
  const lines = [
    "| job | p | Flink ev/s | ours ev/s | ratio | Flink ev/CPU-s | ours ev/CPU-s | ratio | " +
    "per CPU-s ratio by round | target (per CPU-s) | same results |",
    "| --- | -: | -: | -: | -: | -: | -: | -: | --- | --- | --- |",
  ];
  for (const { c, flink, ours, check } of rows) {
    const e = c.input.events;
    const [fw, ow] = [best(flink, e, "seconds"), best(ours, e, "seconds")];
    const [fc, oc] = [best(flink, e, "cpuSeconds"), best(ours, e, "cpuSeconds")];
    const same = check.compared > 0 && check.same === check.compared && check.onlyOurs === 0 &&
        check.duplicates === 0
      ? `yes (${fmt(check.same)} of ${fmt(check.peerTotal)}/${fmt(check.oursTotal)} results)`
      : `NO: ${check.same}/${check.compared} same, ${check.onlyPeer} only Flink, ` +
        `${check.onlyOurs} only ours, ${check.different} differ, ${check.duplicates} duplicates`;
    // The best figures may come from different rounds: each round's own ratio shows the spread.
    const byRound = flink.map((f, i) => `${(f.cpuSeconds / ours[i].cpuSeconds).toFixed(2)}x`);
    const target = WINDOWS[c.job].target;
    const met = target === undefined
      ? "none"
      : `≥ ${target}x: ${oc / fc >= target ? "met" : "NOT met"}`;
    const cells = [
      WINDOWS[c.job].label,
      String(c.parallelism),
      fmt(fw),
      fmt(ow),
      `${(ow / fw).toFixed(2)}x`,
      fmt(fc),
      fmt(oc),
      `${(oc / fc).toFixed(2)}x`,
      byRound.join(", "),
      met,
      same,
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

if (import.meta.main) {
  const o = parseBenchArgs(flinkBenchCli);
  const info = await startRun("bench:flink");
  const classpath = await flinkClasspath(console.error);
  await using kafka = await startKafka({ dedicated: true });
  const inputs = new Map<BenchJob, BenchInput>();
  console.error(`filling inputs on Kafka at ${kafka.bootstrap}...`);
  const main = await fill(
    kafka.bootstrap,
    uniqueName("readings"),
    o.events,
    o.devices,
    o.partitions,
  );
  const sliding = o.jobs.includes("sliding")
    ? await fill(
      kafka.bootstrap,
      uniqueName("readings"),
      o.slidingEvents,
      o.slidingDevices,
      o.partitions,
    )
    : main;
  inputs.set("aggregates", main).set("overheating", main).set("sliding", sliding);
  const rows: Row[] = [];
  for (const job of o.jobs) {
    for (const parallelism of o.parallelism.map(Number)) {
      const c: BenchCase = {
        job,
        parallelism,
        input: inputs.get(job)!,
        ...WINDOWS[job],
        outOfOrdernessMs: OUT_OF_ORDERNESS_MS,
        checkpointMs: o.checkpointIntervalMs,
        threshold: 40,
        margin: 2,
      };
      rows.push(await measure(classpath, kafka.bootstrap, c, o.rounds));
    }
  }
  console.log(
    `Flink 2.2.1 (MiniCluster, EXACTLY_ONCE KafkaSink) vs ours, Kafka 4.3.1, checkpoint every ` +
      `${o.checkpointIntervalMs} ms, ${o.partitions} partitions; best of ${o.rounds} alternating ` +
      `rounds; ${fmt(main.events)} readings of ${main.devices} devices` +
      (o.jobs.includes("sliding")
        ? `, 10 min / 1 s: ${fmt(sliding.events)} readings of ${sliding.devices} devices`
        : "") +
      `. CPU = whole process (every thread), from the first record read to the outputs committed.`,
  );
  console.log(table(rows));
  console.log(info.summary());
}
