/**
 * The load table of `deno task bench:latency`: per run, the CPU share of each process and the
 * processor's lag, so a reader sees whether the processor kept up and what saturated.
 *
 * @module
 */
import type { LatencyCase } from "./latency_run.ts";
import type { RunLoad } from "./latency_load.ts";

/** The table's header and alignment rows. */
export const LOAD_HEADER = "| broker | guarantee | checkpoint | round | processor CPU % (per " +
  "instance) | broker CPU % | bench (feed + watch) CPU % | lag by-device max / end | lag " +
  "overheating max / end | kept up | load average |\n" +
  "| --- | --- | -: | -: | -: | -: | -: | -: | -: | --- | -: |";

const pct = (cpu: number, s: number) =>
  Number.isFinite(cpu) ? String(Math.round(100 * cpu / s)) : "-";
const n = (x: number) => Number.isFinite(x) ? String(Math.round(x)) : "-";

/**
 * Whether the processor kept up: at the end of the input neither stage is more than `limit`
 * records behind. The lag counts from the high watermark, which includes the open transaction of
 * the stage in front, so the caller allows a checkpoint interval of input plus some slack; a
 * backlog that builds up exceeds it within the run.
 */
export function keptUp(lag: RunLoad["lag"], warmupS: number, limit: number): boolean {
  const end = lag.filter((l) => l.atS >= warmupS).at(-1);
  return end !== undefined && end.byDevice <= limit && end.overheating <= limit;
}

/** One row of the load table. */
export function loadRow(
  broker: string,
  c: LatencyCase,
  round: number,
  load: RunLoad,
  warmupS: number,
  rate: number,
): string {
  const s = load.seconds;
  const measured = load.lag.filter((l) => l.atS >= warmupS);
  const max = (k: "byDevice" | "overheating") => Math.max(...measured.map((l) => l[k]));
  const end = measured.at(-1);
  // A checkpoint interval of input (the open transaction upstream) plus 2 s of slack.
  const limit = (c.checkpointMs / 1000 + 2) * rate;
  return `| ${broker} | ${c.guarantee} | ${c.checkpointMs / 1000} s | ${round + 1} | ` +
    `${pct(load.processorCpuSeconds, s)} (${
      load.instanceCpuSeconds.map((c) => pct(c, s)).join(" + ")
    }) | ` +
    `${pct(load.brokerCpuSeconds, s)} | ${pct(load.benchCpuSeconds, s)} | ` +
    `${n(max("byDevice"))} / ${n(end?.byDevice ?? NaN)} | ` +
    `${n(max("overheating"))} / ${n(end?.overheating ?? NaN)} | ` +
    `${keptUp(load.lag, warmupS, limit) ? "yes" : "no"} | ${load.loadAverage.toFixed(1)} |`;
}
