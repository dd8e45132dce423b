/**
 * Scaling curve of `device-aggregates` (`deno task bench:scaling`): events/s and events per
 * CPU-second of our processor (exactly-once, checkpoints at 10 s) as the number of devices (the
 * keyed state) grows, and as instances (processes sharing the consumer group) are added on the
 * same machine; with `--profile`, a CPU profile of one instance per device count and its top
 * functions by self time. There is no peer here: each row's events per CPU-second is also given as
 * a ratio to the first row of its curve (the smallest device count; one instance).
 *
 * Usage: `deno task bench:scaling [--devices 1000,10000,100000,1000000] [--instances 1,2,4]
 * [--events N] [--profile]`. Uses IOT_TEST_KAFKA_BOOTSTRAP when set, else starts a Kafka.
 *
 * @module
 */
import { booleanOption, defineCli, integerOption, listOption } from "@iot/service";
import { startKafka, uniqueName } from "@iot/testing";
import { formatTop, topSelf } from "./cpu_profile.ts";
import { parseBenchArgs } from "./flink_flags.ts";
import { fill } from "./flink_input.ts";
import { type BenchCase, type BenchInput, type RunFigures, runOurs } from "./flink_runs.ts";
import { startRun } from "./run_info.ts";

const scalingCli = defineCli({
  name: "bench:scaling",
  usage: "deno task bench:scaling [flags]",
  summary: "Throughput of device-aggregates by device count and by instances.",
  prefix: "BENCH_SCALING",
  configFile: false,
  options: {
    devices: listOption(["1000", "10000", "100000", "1000000"], {
      doc: "device counts",
      default: ["1000", "10000", "100000", "1000000"],
    }),
    instances: listOption(["1", "2", "4"], {
      doc: "instance counts, run on the 10 000-device input",
      default: ["1", "2", "4"],
    }),
    events: integerOption({
      doc: "readings per input (at least one per device)",
      default: 500_000,
    }),
    partitions: integerOption({ doc: "input partitions", default: 4, min: 1 }),
    profile: booleanOption({ doc: "profile one instance per device count", default: false }),
  },
});

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

function aggregates(input: BenchInput, parallelism: number): BenchCase {
  return {
    job: "aggregates",
    parallelism,
    input,
    windowMs: 60_000,
    slideMs: 60_000,
    outOfOrdernessMs: 30_000,
    checkpointMs: 10_000,
    threshold: 40,
    margin: 2,
  };
}

/** A table row; `base`: events per CPU-second of the first row of this curve (none: this is it). */
function line(label: string, c: BenchCase, r: RunFigures, base?: number): string {
  const e = c.input.events, perCpu = e / r.cpuSeconds;
  return `| ${label} | ${fmt(e)} | ${fmt(e / r.seconds)} | ${fmt(perCpu)} | ` +
    `${(perCpu / (base ?? perCpu)).toFixed(2)}x | ${r.peakRssMiB?.toFixed(0) ?? "-"} |`;
}

const perCpuSecond = (c: BenchCase, r: RunFigures) => c.input.events / r.cpuSeconds;

async function profiled(bootstrap: string, c: BenchCase): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "scaling-prof-" });
  try {
    await runOurs(bootstrap, c, ["--cpu-prof", `--cpu-prof-dir=${dir}`]);
    const [file] = [...Deno.readDirSync(dir)].filter((f) => f.name.endsWith(".cpuprofile"));
    return formatTop(topSelf(await Deno.readTextFile(`${dir}/${file.name}`), 12));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const o = parseBenchArgs(scalingCli);
  const info = await startRun("bench:scaling");
  const deviceCounts = o.devices.map(Number), instanceCounts = o.instances.map(Number);
  await using kafka = await startKafka();
  const rows: string[] = [], profiles: string[] = [];
  const inputs = new Map<number, BenchInput>();
  for (const devices of new Set([...deviceCounts, 10_000])) {
    const events = Math.max(o.events, devices);
    console.error(`filling ${fmt(events)} readings of ${fmt(devices)} devices...`);
    inputs.set(
      devices,
      await fill(kafka.bootstrap, uniqueName("scaling"), events, devices, o.partitions),
    );
  }
  let base: number | undefined;
  for (const devices of deviceCounts) {
    const c = aggregates(inputs.get(devices)!, 1);
    const r = await runOurs(kafka.bootstrap, c);
    rows.push(line(`${fmt(devices)} devices, 1 instance`, c, r, base));
    base ??= perCpuSecond(c, r);
    console.error(rows.at(-1));
    if (o.profile) profiles.push(`${fmt(devices)} devices:\n${await profiled(kafka.bootstrap, c)}`);
  }
  base = undefined;
  for (const instances of instanceCounts) {
    const c = aggregates(inputs.get(10_000)!, instances);
    const r = await runOurs(kafka.bootstrap, c);
    rows.push(
      line(`10,000 devices, ${instances} instance${instances === 1 ? "" : "s"}`, c, r, base),
    );
    base ??= perCpuSecond(c, r);
    console.error(rows.at(-1));
  }
  console.log(
    `device-aggregates (1 min tumbling, exactly-once, checkpoint every 10 s), ${o.partitions} ` +
      `partitions, ${navigator.hardwareConcurrency} cores; CPU = all instances' processes, from ` +
      `the first record read to the outputs committed`,
  );
  console.log(
    "| case | events | events/s | events/CPU-s | vs first row of its curve | " +
      "peak RSS MiB (largest instance) |",
  );
  console.log("| --- | -: | -: | -: | -: | -: |");
  console.log(rows.join("\n"));
  console.log(info.summary());
  if (profiles.length > 0) {
    console.log(
      `\nTop self time (--cpu-prof; a separate run of one instance per device count, share of ` +
        `all samples of that process):\n${profiles.join("\n")}`,
    );
  }
}
