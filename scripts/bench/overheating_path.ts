/**
 * CPU cost of the overheating path (`deno task bench:overheating-path`): the real processor
 * (`processor/main.ts --jobs overheating`: readings-by-device, then the 30 s / 5 s overheating
 * average, in one process) over a pre-filled topic of climate readings, and its events per
 * CPU-second (readings through both stages per CPU-second of the process, from the first record
 * consumed until the overheating stage has consumed them all). With `--baseline DIR` (another
 * checkout of the repository, e.g. `git archive main | tar -x -C DIR`) the same processor of that
 * tree runs on the same input in alternating rounds, and the table gives the ratio.
 *
 * `--profile DIR` writes a `--cpu-prof` profile of each of our runs there and prints its top
 * functions by self time.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { defineCli, integerOption, listOption, stringOption } from "@iot/service";
import { startKafka, uniqueName } from "@iot/testing";
import { formatTop, topSelf } from "./cpu_profile.ts";
import { parseBenchArgs } from "./flink_flags.ts";
import { fill } from "./flink_input.ts";
import { cpuSeconds, spawnLogged, statusUrl } from "./latency_load.ts";

const pathCli = defineCli({
  name: "bench:overheating-path",
  usage: "deno task bench:overheating-path [flags]",
  summary: "Events per CPU-second of readings-by-device + overheating in one processor process.",
  prefix: "BENCH_OVERHEATING_PATH",
  configFile: false,
  options: {
    events: integerOption({ doc: "readings in the input", default: 600_000, min: 1 }),
    devices: integerOption({ doc: "devices", default: 10_000, min: 1 }),
    partitions: integerOption({ doc: "partitions of every topic", default: 4, min: 1 }),
    rounds: integerOption({ doc: "alternating rounds", default: 2, min: 1 }),
    guarantees: listOption(["exactly-once", "at-least-once"], {
      doc: "processing guarantees to run",
      default: ["exactly-once"],
    }),
    checkpointMs: integerOption({ doc: "checkpoint interval (ms)", default: 1_000, min: 10 }),
    baseline: stringOption({ doc: "another checkout to compare with (its processor/main.ts)" }),
    profile: stringOption({ doc: "directory for --cpu-prof profiles of our runs" }),
    baselineV8Flags: stringOption({
      doc: "V8 flags of the baseline's process (e.g. --max-semi-space-size=16); with no " +
        "--baseline, the baseline is this tree with these flags",
    }),
  },
});

const OURS = fileURLToPath(new URL("../..", import.meta.url));

interface PathRun {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly eventsPerCpuSecond: number;
  readonly eventsPerSecond: number;
}

interface JobCounts {
  job: string;
  recordsIn: number;
}

/** Sum of records consumed per job, from the processor's `/status`. */
async function counts(url: string): Promise<Map<string, number>> {
  const { jobs } = await (await fetch(url)).json() as { jobs: JobCounts[] };
  return new Map(jobs.map((j) => [j.job, j.recordsIn]));
}

/** Runs the processor of `tree` over `input` until overheating consumed `events` readings. */
async function runPath(
  tree: string,
  bootstrap: string,
  input: string,
  o: {
    events: number;
    partitions: number;
    checkpointMs: number;
    guarantee: string;
    flags?: string;
  },
  profileDir: string,
): Promise<PathRun> {
  const run = uniqueName("path");
  const stateDir = await Deno.makeTempDir({ prefix: "overheating-path-" });
  const prof = [
    ...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []),
    ...(o.flags ? [`--v8-flags=${o.flags}`] : []),
  ];
  const { child, log, logged } = spawnLogged([
    ...["run", "--allow-all", ...prof, `${tree}/processor/main.ts`, "--bootstrap", bootstrap],
    ...["--state-dir", stateDir, "--jobs", "overheating", "--group-prefix", run],
    ...["--status-port", "0", "--partitions", String(o.partitions)],
    ...["--readings-by-device-topic", `${run}-by-device`, "--topic", `sensorReadings=${input}`],
    ...["--topic", `alerts=${run}-alerts`, "--topic", `deviceCommands=${run}-commands`],
    ...["--topic", `deadLetter=${run}-dlq`, "--processing-guarantee", o.guarantee],
    ...["--checkpoint-interval-ms", String(o.checkpointMs)],
  ]);
  try {
    let url: string | undefined;
    const deadline = Date.now() + 300_000;
    // Each /status asks the broker for every task's lag: poll gently, it costs the processor CPU.
    const tick = () => new Promise((resolve) => setTimeout(resolve, 250));
    while ((url = statusUrl(log())) === undefined) {
      if (Date.now() > deadline) throw new Error(`no status URL: ${log().slice(-2_000)}`);
      await tick();
    }
    let started = 0, cpu0 = 0;
    for (;;) {
      if (Date.now() > deadline) throw new Error(`not done in time: ${log().slice(-2_000)}`);
      const c = await counts(url).catch(() => new Map<string, number>());
      if (started === 0 && (c.get("readings-by-device") ?? 0) > 0) {
        [started, cpu0] = [performance.now(), await cpuSeconds(child.pid)];
      }
      if ((c.get("overheating") ?? 0) >= o.events) break;
      await tick();
    }
    const cpu = (await cpuSeconds(child.pid)) - cpu0;
    const seconds = (performance.now() - started) / 1000;
    return {
      seconds,
      cpuSeconds: cpu,
      eventsPerCpuSecond: o.events / cpu,
      eventsPerSecond: o.events / seconds,
    };
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await logged;
    await Deno.remove(stateDir, { recursive: true });
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (import.meta.main) {
  const o = parseBenchArgs(pathCli);
  const baseline = o.baseline ?? (o.baselineV8Flags ? OURS : undefined);
  const trees = [["ours", OURS], ...(baseline ? [["baseline", baseline]] : [])];
  await using kafka = await startKafka();
  const input = uniqueName("path-readings");
  console.error(`filling ${fmt(o.events)} readings of ${fmt(o.devices)} devices...`);
  await fill(kafka.bootstrap, input, o.events, o.devices, o.partitions);
  const results = new Map<string, PathRun[]>();
  const profiles: string[] = [];
  for (let round = 0; round < o.rounds; round++) {
    for (const guarantee of o.guarantees) {
      for (const [name, tree] of round % 2 === 0 ? trees : [...trees].reverse()) {
        const dir = name === "ours" && o.profile ? await Deno.makeTempDir({ dir: o.profile }) : "";
        const flags = name === "baseline" ? o.baselineV8Flags : undefined;
        const r = await runPath(tree, kafka.bootstrap, input, { ...o, guarantee, flags }, dir);
        const key = `${name} ${guarantee}`;
        results.set(key, [...results.get(key) ?? [], r]);
        console.error(`round ${round + 1} ${key}: ${JSON.stringify(r)}`);
        if (dir) {
          const [file] = [...Deno.readDirSync(dir)].filter((f) => f.name.endsWith(".cpuprofile"));
          const top = formatTop(topSelf(await Deno.readTextFile(`${dir}/${file.name}`), 25));
          profiles.push(`${key} round ${round + 1} (${dir}/${file.name}):\n${top}`);
        }
      }
    }
  }
  const load = (await Deno.readTextFile("/proc/loadavg").catch(() => "")).split(" ").slice(0, 3);
  console.log(
    `readings-by-device + overheating (processor/main.ts --jobs overheating), ${fmt(o.events)} ` +
      `readings of ${fmt(o.devices)} devices, ${o.partitions} partitions, checkpoint every ` +
      `${o.checkpointMs} ms, median of ${o.rounds} alternating round(s), baseline ` +
      `${baseline ?? "none"} ${o.baselineV8Flags ?? ""}, load average ` +
      `${load.join(" ")}`,
  );
  console.log("| tree | guarantee | events/s wall | events/CPU-s | vs baseline |");
  console.log("| --- | --- | -: | -: | -: |");
  for (const guarantee of o.guarantees) {
    const base = results.get(`baseline ${guarantee}`);
    for (const [name] of trees) {
      const rs = results.get(`${name} ${guarantee}`)!;
      const perCpu = median(rs.map((r) => r.eventsPerCpuSecond));
      const ratio = base
        ? (perCpu / median(base.map((r) => r.eventsPerCpuSecond))).toFixed(2)
        : "-";
      console.log(
        `| ${name} | ${guarantee} | ${fmt(median(rs.map((r) => r.eventsPerSecond)))} | ` +
          `${fmt(perCpu)} | ${ratio} |`,
      );
    }
  }
  if (profiles.length > 0) console.log(`\nTop self time (--cpu-prof):\n${profiles.join("\n")}`);
}
