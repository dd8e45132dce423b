/**
 * One measured run of each system for `deno task bench:flink`: the Flink peer (a JVM running a
 * local MiniCluster) or our processor (one `flink_ours.ts` process per instance). Each stops once
 * the input is consumed, with a final checkpoint/savepoint that commits its outputs, and reports
 * its wall and process CPU time from its first consumed record on.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { Admin } from "@iot/kafka";
import { uniqueName } from "@iot/testing";
import type { BenchJob } from "./flink_flags.ts";
import type { OursArgs } from "./flink_ours.ts";

/** A topic of pre-filled readings. */
export interface BenchInput {
  topic: string;
  events: number;
  devices: number;
  partitions: number;
  /** Largest event time in the topic. */
  maxTs: number;
}

/** A job's settings, the same in both systems. */
export interface JobSettings {
  job: BenchJob;
  windowMs: number;
  slideMs: number;
  outOfOrdernessMs: number;
  checkpointMs: number;
  threshold: number;
  margin: number;
}

/** What one system runs: a job over an input at a parallelism. */
export interface BenchCase extends JobSettings {
  parallelism: number;
  input: BenchInput;
}

/** Figures of one run. */
export interface RunFigures {
  /** Wall seconds from the first consumed record to the committed end. */
  seconds: number;
  /** CPU seconds of the process(es) over the same span. */
  cpuSeconds: number;
  /** CPU seconds of the whole process(es), start-up included. */
  processCpuSeconds: number;
  /** Topic of the results (window aggregates or alerts). */
  output: string;
  /** Ours only: the largest peak RSS (MiB) of its instances. */
  peakRssMiB?: number;
  /** Flink only: seconds from the first record read to the last (the rest is the savepoint). */
  readSeconds?: number;
}

const OURS = fileURLToPath(new URL("./flink_ours.ts", import.meta.url));

async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let rest = "";
  for await (const text of stream.pipeThrough(new TextDecoderStream())) {
    const parts = (rest + text).split("\n");
    rest = parts.pop()!;
    yield* parts;
  }
  if (rest !== "") yield rest;
}

/** Runs the Flink peer (classpath from `flink_build.ts`) over `c`. */
export async function runFlink(
  classpath: string,
  bootstrap: string,
  c: BenchCase,
): Promise<RunFigures> {
  const run = uniqueName("flink");
  const output = `${run}-out`, commands = `${run}-commands`;
  {
    await using admin = new Admin({ config: { "bootstrap.servers": bootstrap } });
    const partitions = c.input.partitions;
    await admin.createTopics([{ name: output, partitions }, { name: commands, partitions }]);
  }
  const dir = await Deno.makeTempDir({ prefix: "flink-bench-" });
  const args = {
    bootstrap,
    input: c.input.topic,
    output,
    commands,
    job: c.job,
    events: c.input.events,
    parallelism: c.parallelism,
    "window-ms": c.windowMs,
    "slide-ms": c.slideMs,
    "checkpoint-ms": c.checkpointMs,
    "out-of-orderness-ms": c.outOfOrdernessMs,
    threshold: c.threshold,
    margin: c.margin,
    dir,
    run,
  };
  try {
    const result = await new Deno.Command("java", {
      args: [
        "-cp",
        classpath,
        "iot.bench.FlinkPeer",
        ...Object.entries(args).map(([k, v]) => `${k}=${v}`),
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(result.stdout).trim().split("\n").at(-1) ?? "";
    if (!result.success || !out.startsWith("{")) {
      const err = new TextDecoder().decode(result.stderr).split("\n").slice(-30).join("\n");
      throw new Error(`Flink peer failed (exit ${result.code}):\n${err}`);
    }
    return { ...JSON.parse(out), output };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

interface OursReport {
  ready?: true;
  recordsIn: number;
  positions?: Record<string, number>;
  first?: number;
  end?: number;
  cpuSeconds?: number;
  processCpuSeconds?: number;
  peakRssMiB?: number;
}

/**
 * Runs `c.parallelism` instances of our processor over `c`, one process each; `denoFlags` go to
 * each `deno run` (e.g. `--cpu-prof`).
 */
export async function runOurs(
  bootstrap: string,
  c: BenchCase,
  denoFlags: readonly string[] = [],
): Promise<RunFigures> {
  const run = uniqueName("ours");
  const output = `${run}-out`;
  const stateDir = await Deno.makeTempDir({ prefix: "ours-bench-" });
  const { parallelism: _, input: __, ...settings } = c;
  const instances = Array.from({ length: c.parallelism }, (_, i) => i);
  const positions = new Map<string, number>();
  let ready = 0;
  const finals: OursReport[] = [];
  const children = instances.map((i) => {
    const a: OursArgs = {
      ...settings,
      bootstrap,
      input: c.input.topic,
      output,
      commands: `${run}-commands`,
      partitions: c.input.partitions,
      run,
      instanceId: String(i),
      stateDir: `${stateDir}/${i}`,
    };
    return new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", ...denoFlags, OURS, JSON.stringify(a)],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
  });
  let stopped = false;
  const watch = children.map(async (child, i) => {
    for await (const line of lines(child.stdout)) {
      const report = JSON.parse(line) as OursReport;
      if (report.ready && ++ready === children.length) {
        for (const ch of children) {
          await ch.stdin.getWriter().write(new TextEncoder().encode("go\n"));
        }
      }
      for (const [p, next] of Object.entries(report.positions ?? {})) {
        positions.set(p, Math.max(positions.get(p) ?? 0, next));
      }
      if (report.end !== undefined) finals.push(report);
      const done = positions.values().reduce((x, y) => x + y, 0);
      if (!stopped && done >= c.input.events) {
        stopped = true;
        for (const ch of children) ch.kill("SIGTERM");
      }
    }
    const status = await child.status;
    if (!status.success) throw new Error(`our instance ${i} failed (exit ${status.code})`);
  });
  try {
    await Promise.all(watch);
  } finally {
    await Deno.remove(stateDir, { recursive: true });
  }
  if (finals.length !== c.parallelism) throw new Error("an instance ended without its figures");
  // An instance that got no partition has no first record.
  const first = Math.min(...finals.filter((f) => f.first! > 0).map((f) => f.first!));
  const end = Math.max(...finals.map((f) => f.end!));
  const sum = (k: "cpuSeconds" | "processCpuSeconds") => finals.reduce((s, f) => s + f[k]!, 0);
  return {
    seconds: (end - first) / 1000,
    cpuSeconds: sum("cpuSeconds"),
    processCpuSeconds: sum("processCpuSeconds"),
    peakRssMiB: Math.max(...finals.map((f) => f.peakRssMiB ?? 0)),
    output,
  };
}
