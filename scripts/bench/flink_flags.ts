/**
 * Command line of `deno task bench:flink`, declared once with `@iot/service`.
 *
 * @module
 */
import {
  type CliSpec,
  defineCli,
  integerOption,
  listOption,
  type OptionTable,
  type OptionValues,
  parseCli,
  UsageError,
} from "@iot/service";

/** The jobs the bench can run, in both systems. */
export const BENCH_JOBS = ["aggregates", "overheating", "sliding"] as const;
/** One of {@linkcode BENCH_JOBS}. */
export type BenchJob = typeof BENCH_JOBS[number];

/** Every flag of `deno task bench:flink`. */
export const flinkBenchCli = defineCli({
  name: "bench:flink",
  usage: "deno task bench:flink [flags]",
  summary:
    "Runs Flink 2.2 (local MiniCluster, exactly-once Kafka sink) and our processor on the same " +
    "pre-filled topics of a dedicated Kafka 4.3.1, in alternating rounds, and prints events/s, " +
    "events per CPU-second, the ratio and whether both wrote the same results.",
  prefix: "BENCH_FLINK",
  configFile: false,
  options: {
    jobs: listOption(BENCH_JOBS, {
      doc: "aggregates: device-aggregates (1 min tumbling); overheating: 30 s / 5 s sliding " +
        "average and alerts; sliding: device-aggregates over 10 min / 1 s sliding windows",
      default: [...BENCH_JOBS],
    }),
    events: integerOption({
      doc: "readings for aggregates and overheating",
      default: 200_000,
      min: 1,
    }),
    devices: integerOption({
      doc: "devices of those readings (1 reading/s each)",
      default: 1_000,
      min: 1,
    }),
    slidingEvents: integerOption({
      doc: "readings for the 10 min / 1 s job",
      default: 30_000,
      min: 1,
    }),
    slidingDevices: integerOption({ doc: "devices of those readings", default: 30, min: 1 }),
    partitions: integerOption({ doc: "partitions of the input topics", default: 4, min: 1 }),
    parallelism: listOption(["1", "2"], {
      doc: "Flink parallelism = our processor instances (processes)",
      default: ["1", "2"],
    }),
    rounds: integerOption({ doc: "alternating rounds per case (best kept)", default: 2, min: 1 }),
    checkpointIntervalMs: integerOption({
      doc: "checkpoint interval of both (our default)",
      default: 10_000,
      min: 100,
    }),
  },
});

/** Parses a bench's command line: its values, or exits after printing `--help` or one error line. */
export function parseBenchArgs<T extends OptionTable>(spec: CliSpec<T>): OptionValues<T> {
  let parsed;
  try {
    parsed = parseCli(spec, { args: Deno.args, env: Deno.env.toObject() });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`${spec.name}: ${e.message}`);
    Deno.exit(2);
  }
  if (parsed.help) {
    console.log(parsed.text);
    Deno.exit(0);
  }
  return parsed.values;
}
