/**
 * Checkpoint cost (`deno task bench:checkpoint`): the throughput of `device-aggregates`
 * (exactly-once, one process, over a pre-filled topic of a dedicated Kafka 4.3.1) with
 * checkpoints every 10 s against checkpoints effectively off (one final checkpoint), in
 * alternating rounds, wall and per CPU-second, medians and the overhead; then restore of one task
 * holding 1M keys from local disk and from the changelog topic (`processor/restore_bench.ts`, in
 * a process of its own).
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { defineCli, integerOption } from "@iot/service";
import { startKafka, uniqueName } from "@iot/testing";
import { parseBenchArgs } from "./flink_flags.ts";
import { startRun } from "./run_info.ts";
import { fill } from "./flink_input.ts";
import { type BenchCase, type BenchInput, type RunFigures, runOurs } from "./flink_runs.ts";

const checkpointCli = defineCli({
  name: "bench:checkpoint",
  usage: "deno task bench:checkpoint [flags]",
  summary: "Checkpoint overhead of device-aggregates at 10 s vs effectively off, and restore " +
    "of a task with 1M keys from local disk and from the changelog.",
  prefix: "BENCH_CHECKPOINT",
  configFile: false,
  options: {
    events: integerOption({ doc: "readings in the input", default: 3_000_000, min: 1 }),
    devices: integerOption({ doc: "devices of those readings", default: 10_000, min: 1 }),
    partitions: integerOption({ doc: "input partitions", default: 4, min: 1 }),
    rounds: integerOption({ doc: "alternating rounds (medians reported)", default: 3, min: 1 }),
    intervalMs: integerOption({ doc: "the checkpoint interval measured", default: 10_000 }),
    keys: integerOption({ doc: "keys of the restored task (0: skip)", default: 1_000_000, min: 0 }),
  },
});

/** "Off": no checkpoint is due before the input is consumed; only the final one commits. */
const OFF_MS = 24 * 3_600_000;
const RESTORE = fileURLToPath(new URL("../../processor/restore_bench.ts", import.meta.url));

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

function aggregates(input: BenchInput, checkpointMs: number): BenchCase {
  return {
    job: "aggregates",
    parallelism: 1,
    input,
    windowMs: 60_000,
    slideMs: 60_000,
    outOfOrdernessMs: 30_000,
    checkpointMs,
    threshold: 40,
    margin: 2,
  };
}

/** Figures `processor/restore_bench.ts` prints (its `RestoreFigures`), by name. */
type Figures = Record<string, number>;

/** The restore figures: lazy, and the `eager` baseline. */
async function restore(
  keys: number,
  bootstrap: string,
): Promise<{ r: Figures & { equal: boolean }; eager: Figures }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", RESTORE, String(keys), bootstrap],
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`restore_bench.ts failed (exit ${out.code})`);
  const { eager, ...r } = JSON.parse(
    new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!,
  );
  return { r, eager };
}

if (import.meta.main) {
  const o = parseBenchArgs(checkpointCli);
  const info = await startRun("bench:checkpoint");
  await using kafka = await startKafka();
  console.error(`filling ${fmt(o.events)} readings of ${fmt(o.devices)} devices...`);
  const input = await fill(kafka.bootstrap, uniqueName("ckpt"), o.events, o.devices, o.partitions);
  const runs = { on: [] as RunFigures[], off: [] as RunFigures[] };
  for (let round = 0; round < o.rounds; round++) {
    // Alternate which goes first, so neither always meets a warmer page cache or broker.
    const order = round % 2 === 0 ? (["on", "off"] as const) : (["off", "on"] as const);
    for (const mode of order) {
      const r = await runOurs(
        kafka.bootstrap,
        aggregates(input, mode === "on" ? o.intervalMs : OFF_MS),
      );
      runs[mode].push(r);
      console.error(
        `round ${round + 1} checkpoints ${mode}: ${fmt(o.events / r.seconds)} events/s, ` +
          `${fmt(o.events / r.cpuSeconds)} events/CPU-s, ${r.seconds.toFixed(1)} s`,
      );
    }
  }
  const wall = (m: "on" | "off") => median(runs[m].map((r) => o.events / r.seconds));
  const cpu = (m: "on" | "off") => median(runs[m].map((r) => o.events / r.cpuSeconds));
  const each = (m: "on" | "off", f: (r: RunFigures) => number) =>
    runs[m].map((r) => fmt(f(r))).join(", ");
  const overhead = (on: number, off: number) => `${((1 - on / off) * 100).toFixed(1)} %`;
  console.log(
    `device-aggregates (1 min tumbling, exactly-once, changelog on, fsync on), ${fmt(o.events)} ` +
      `readings of ${fmt(o.devices)} devices, ${o.partitions} partitions, one process, ` +
      `${o.rounds} alternating rounds (medians; each round's figure in brackets), ` +
      `${navigator.hardwareConcurrency} cores`,
  );
  console.log("| checkpoints | events/s (wall) | events/CPU-s | run s |");
  console.log("| --- | -: | -: | -: |");
  for (const m of ["off", "on"] as const) {
    console.log(
      `| ${m === "on" ? `every ${o.intervalMs / 1000} s` : "off (final only)"} | ` +
        `${fmt(wall(m))} (${each(m, (r) => o.events / r.seconds)}) | ` +
        `${fmt(cpu(m))} (${each(m, (r) => o.events / r.cpuSeconds)}) | ` +
        `${median(runs[m].map((r) => r.seconds)).toFixed(1)} |`,
    );
  }
  console.log(
    `| overhead (1 - on/off) | ${overhead(wall("on"), wall("off"))} | ` +
      `${overhead(cpu("on"), cpu("off"))} | |`,
  );
  const cpuOverhead = 1 - cpu("on") / cpu("off");
  console.log(
    `Target (issue 14): overhead ≤ 5 % of events per CPU-second at ${o.intervalMs / 1000} s: ` +
      `${cpuOverhead <= 0.05 ? "met" : "NOT met"} (${(cpuOverhead * 100).toFixed(1)} %).`,
  );
  if (o.keys > 0) {
    const { r, eager } = await restore(o.keys, kafka.bootstrap);
    const ratio = (old: number, now: number) => `${(old / now).toFixed(2)}×`;
    console.log(
      `\nRestore of one device-aggregates task with ${fmt(r.keys)} keys (one open window each; ` +
        `base checkpoint ${(r.checkpointBytes / 1024 / 1024).toFixed(1)} MiB, written in ` +
        `${fmt(r.writeMs)} ms), each in a fresh process, alternating, means of 2: lazily (keys ` +
        "built on first use) against eagerly (every key built at restore); then one reading " +
        "for every key (all keys touched). Restored states equal to the original and touched " +
        `states to each other: ${r.equal}`,
    );
    console.log("| local disk, ms | eager | lazy | eager / lazy | target |");
    console.log("| --- | -: | -: | -: | -: |");
    const row = (name: string, f: (x: Figures) => number, target = "") =>
      console.log(
        `| ${name} | ${fmt(f(eager))} | ${fmt(f(r))} | ${ratio(f(eager), f(r))} | ${target} |`,
      );
    row("restore", (x) => x.localMs, "1,000");
    row("then one reading per key", (x) => x.touchMs);
    row("restore + all keys touched", (x) => x.localMs + x.touchMs);
    console.log(
      `| floor: ${fmt(r.keys)} small objects into a Map, fresh process | ` +
        `${fmt(r.mapFloorMs)} | | | |`,
    );
    console.log(
      `\nRestore from the changelog topic (eager: its records are JSON): ${
        fmt(r.changelogMs!)
      } ms, ` +
        `${fmt(r.changelogReadMs!)} ms of it reading the partition`,
    );
  }
  console.log(info.summary());
}
