/**
 * One instance of our processor for `deno task bench:flink`, in a process of its own so that its
 * CPU time is measured the way the Flink JVM's is. Runs one job over the bench's input topic,
 * says `{"ready":true}` and waits for a line on stdin (so that all instances start at once), prints
 * `{"recordsIn":N,"positions":{partition:next offset}}` lines while it runs, and on SIGTERM stops with a final checkpoint
 * (committing its outputs) and prints its figures from its first consumed record on:
 * `{"recordsIn":N,"first":epochMs,"end":epochMs,"cpuSeconds":S,"processCpuSeconds":S,
 * "peakRssMiB":M}`.
 *
 * Usage: `deno run -A scripts/bench/flink_ours.ts '<JSON of OursArgs>'`.
 *
 * @module
 */
import process from "node:process";
import { deviceAggregatesJob, type JobDefinition, JobRunner, overheatingJob } from "@iot/processor";
import type { JobSettings } from "./flink_runs.ts";

/** What the bench passes to one instance. */
export interface OursArgs extends JobSettings {
  bootstrap: string;
  input: string;
  output: string;
  commands: string;
  partitions: number;
  /** Names the consumer group (shared by the instances of one run). */
  run: string;
  instanceId: string;
  stateDir: string;
}

/** The job definition `args` names, with the bench's topic names. */
export function benchJob(a: OursArgs): JobDefinition {
  const common = { input: a.input, deadLetter: `${a.run}-dlq`, partitions: a.partitions };
  if (a.job === "overheating") {
    return overheatingJob({
      ...common,
      alerts: a.output,
      commands: a.commands,
      windowMs: a.windowMs,
      slideMs: a.slideMs,
      threshold: a.threshold,
      margin: a.margin,
      maxOutOfOrdernessMs: a.outOfOrdernessMs,
      commandTtlMs: 300_000,
    }, `bench-${a.run}`);
  }
  return deviceAggregatesJob({
    ...common,
    output: a.output,
    late: `${a.run}-late`,
    windowMs: a.windowMs,
    slideMs: a.job === "sliding" ? a.slideMs : undefined,
    maxOutOfOrdernessMs: a.outOfOrdernessMs,
    allowedLatenessMs: 0,
  }, `bench-${a.run}`);
}

/** `job` with every record its tasks process counted (cheaper than polling the runner's status). */
function counted(job: JobDefinition, count: (partition: number, offset: number) => void) {
  return <JobDefinition> {
    ...job,
    createTask: (topic, partition) => {
      const task = job.createTask(topic, partition);
      const process = task.process.bind(task);
      task.process = (record, out) => {
        count(partition, record.offset);
        process(record, out);
      };
      return task;
    },
  };
}

/** Peak resident memory of this process (Linux `VmHWM`), or `undefined` elsewhere. */
function peakRssMiB(): number | undefined {
  try {
    const kib = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"))?.[1];
    return kib === undefined ? undefined : Number(kib) / 1024;
  } catch {
    return undefined;
  }
}

if (import.meta.main) {
  const args = JSON.parse(Deno.args[0]) as OursArgs;
  const stop = new AbortController();
  Deno.addSignalListener("SIGTERM", () => stop.abort());
  let first = 0, cpuFirst = process.cpuUsage(), recordsIn = 0;
  // Per partition, the offset after the last record processed: with a rebalance, records are
  // processed again from the last checkpoint, so counting records would overstate progress.
  const positions: Record<number, number> = {};
  const job = counted(benchJob(args), (partition, offset) => {
    if (recordsIn++ === 0) {
      first = performance.timeOrigin + performance.now();
      cpuFirst = process.cpuUsage();
    }
    if (!(offset < positions[partition])) positions[partition] = offset + 1;
  });
  const runner = new JobRunner({
    job,
    bootstrap: args.bootstrap,
    stateDir: args.stateDir,
    instanceId: args.instanceId,
    groupId: `ours-${args.run}`,
    checkpointIntervalMs: args.checkpointMs,
    signal: stop.signal,
    log: (line) => console.error(`ours ${args.instanceId}: ${line}`),
  });
  const encoder = new TextEncoder();
  const say = (line: unknown) => Deno.stdout.writeSync(encoder.encode(JSON.stringify(line) + "\n"));
  // Start together with the other instances (the bench says go once all are loaded), so the
  // group forms at once instead of rebalancing state away from an instance already under way.
  say({ ready: true });
  for await (const _ of Deno.stdin.readable) break;
  const running = runner.run();
  const poll = setInterval(() => say({ recordsIn, positions }), 20);
  await running;
  clearInterval(poll);
  const cpu = process.cpuUsage(cpuFirst), total = process.cpuUsage();
  say({
    recordsIn,
    positions,
    first,
    end: performance.timeOrigin + performance.now(),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    processCpuSeconds: (total.user + total.system) / 1e6,
    peakRssMiB: peakRssMiB(),
  });
}
