/**
 * End-to-end alert latency (`deno task bench:latency`): readings stamped with the wall clock at
 * a constant rate → the real processor (`processor/main.ts`: readings-by-device, then overheating
 * on a 30 s / 5 s sliding average) → an alert on `alerts` and a shutdown on `device-commands`,
 * readable by a read_committed consumer. Exactly-once at checkpoint intervals of 1 s and 10 s
 * against at-least-once at the same intervals, in alternating rounds, on Kafka 4.3.1 and on the
 * broker shim.
 *
 * Two figures per alert: reading → readable, from the event time of the reading that tipped the
 * window (`latency_tip.ts`), which includes the window's own wait (the rest of the window, then
 * the watermark's out-of-orderness); and beyond the earliest possible firing (window end +
 * out-of-orderness: the wall-clock time a reading stamped late enough to close the window
 * exists), which is what the runtime adds: the hops' batching, checkpoint commits, fetches.
 * Every alert is also checked against a reference computed from the readings sent.
 *
 * @module
 */
import { defineCli, enumOption, integerOption, listOption } from "@iot/service";
import { startBroker } from "@iot/broker/testing";
import { startKafka } from "@iot/testing";
import { parseBenchArgs } from "./flink_flags.ts";
import { startRun } from "./run_info.ts";
import { type LatencyCase, type LatencySettings, runLatency } from "./latency_run.ts";
import { type Figures, figuresOf, mergeFigures } from "./latency_figures.ts";
import { LOAD_HEADER, loadRow } from "./latency_load_table.ts";

const latencyCli = defineCli({
  name: "bench:latency",
  usage: "deno task bench:latency [flags]",
  summary: "Reading → alert latency of the overheating job through the real processor, " +
    "exactly-once vs at-least-once, checkpoints at 1 s and 10 s.",
  prefix: "BENCH_LATENCY",
  configFile: false,
  options: {
    brokers: listOption(["kafka", "shim"], {
      doc: "brokers to run on",
      default: ["kafka", "shim"],
    }),
    intervals: listOption(["1000", "10000"], {
      doc: "checkpoint intervals (ms)",
      default: ["1000", "10000"],
    }),
    guarantees: listOption(["exactly-once", "at-least-once"], {
      doc: "processing guarantees to run",
      default: ["exactly-once", "at-least-once"],
    }),
    rate: integerOption({ doc: "readings per second", default: 50_000, min: 1 }),
    devices: integerOption({ doc: "devices", default: 10_000, min: 1 }),
    hot: integerOption({ doc: "devices that run hot half of each cycle", default: 200, min: 1 }),
    cycleMs: integerOption({ doc: "hot + cool cycle of a hot device (ms)", default: 80_000 }),
    warmup: integerOption({
      doc: "seconds of input before alerts count (of windows ending later)",
      default: 40,
      min: 10,
    }),
    seconds: integerOption({ doc: "seconds of input after the warm-up", default: 60, min: 10 }),
    partitions: integerOption({ doc: "partitions of every topic", default: 4, min: 1 }),
    rounds: integerOption({ doc: "alternating rounds (figures pooled)", default: 1, min: 1 }),
    partitioner: enumOption(["murmur2_random", "consistent_random"] as const, {
      doc: "the feeding producer's partitioner of the device-keyed readings: murmur2_random " +
        "places them as our producer does (each stays on its input partition downstream); " +
        "consistent_random (librdkafka's default, CRC32) misplaces them all, so each " +
        "by-device partition interleaves every readings-by-device task's commits",
      default: "murmur2_random",
    }),
    instances: integerOption({
      doc: "processor processes sharing the consumer groups",
      default: 1,
      min: 1,
    }),
  },
});

/** The overheating job's settings as `main.ts` builds them by default. */
const JOB = { windowMs: 30_000, slideMs: 5_000, threshold: 40, margin: 2 };
/** `main.ts` bounds the overheating watermark by its slide: min(30 s default, 5 s). */
const OUT_OF_ORDERNESS_MS = Math.min(30_000, JOB.slideMs);

const ms = (n: number) => Number.isFinite(n) ? String(Math.round(n)) : "-";
const pair = (a: number, b: number) => `${ms(a)} / ${ms(b)}`;

function row(broker: string, c: LatencyCase, f: Figures, peer: Figures | undefined): string {
  const ratio = peer ? (f.beyond.p50 / peer.beyond.p50).toFixed(2) : "-";
  return `| ${broker} | ${c.guarantee} | ${c.checkpointMs / 1000} s | ${f.alerts} ` +
    `(${f.missing}/${f.extra}) | ${pair(f.raw.p50, f.raw.p99)} | ` +
    `${pair(f.beyond.p50, f.beyond.p99)} | ${pair(f.commandBeyond.p50, f.commandBeyond.p99)} | ` +
    `${ratio} | ${Math.round(f.inputRate)} | ${Math.round(f.cpuPercent)} | ${f.lateReadings} |`;
}

if (import.meta.main) {
  const o = parseBenchArgs(latencyCli);
  const info = await startRun("bench:latency");
  const s: LatencySettings = {
    rate: o.rate,
    devices: o.devices,
    hot: Math.min(o.hot, o.devices),
    cycleMs: o.cycleMs,
    hotC: 60,
    partitions: o.partitions,
    warmupS: o.warmup,
    seconds: o.seconds,
    partitioner: o.partitioner,
    instances: o.instances,
  };
  const cases: LatencyCase[] = o.intervals.flatMap((i) =>
    o.guarantees.map((guarantee) => ({
      guarantee,
      checkpointMs: Number(i),
    }))
  );
  const rows: string[] = [], loadRows: string[] = [];
  for (const broker of o.brokers) {
    const pooled = new Map<LatencyCase, Figures[]>();
    const run = async (bootstrap: string) => {
      for (let round = 0; round < o.rounds; round++) {
        // Alternate the order each round so neither mode always runs on a fresher broker.
        for (const c of round % 2 === 0 ? cases : [...cases].reverse()) {
          const label = `${broker} ${c.guarantee} ${c.checkpointMs} ms round ${round + 1}`;
          console.error(`${label}: starting`);
          const record = await runLatency(bootstrap, s, c, label);
          loadRows.push(loadRow(broker, c, round, record.load, s.warmupS, s.rate));
          console.error(`${label}: ${loadRows.at(-1)}`);
          const f = figuresOf(record, s, { ...JOB, outOfOrdernessMs: OUT_OF_ORDERNESS_MS });
          console.error(`${label}: ${JSON.stringify(f)}`);
          pooled.set(c, [...pooled.get(c) ?? [], f]);
        }
      }
    };
    if (broker === "kafka") {
      await using kafka = await startKafka();
      await run(kafka.bootstrap);
    } else {
      await using shim = await startBroker({ mode: "child" });
      await run(shim.bootstrap);
    }
    const merged = new Map([...pooled].map(([c, list]) => [c, mergeFigures(list)]));
    for (const c of cases) {
      const peer = cases.find((p) =>
        p.checkpointMs === c.checkpointMs && p.guarantee === "at-least-once"
      );
      const peerFigures = peer === undefined || c === peer ? undefined : merged.get(peer);
      rows.push(row(broker, c, merged.get(c)!, peerFigures));
    }
  }
  console.log(
    `overheating (sliding ${JOB.windowMs / 1000} s / ${JOB.slideMs / 1000} s, threshold ` +
      `${JOB.threshold} °C, out-of-orderness ${OUT_OF_ORDERNESS_MS / 1000} s) via ` +
      `readings-by-device, ${o.rate} readings/s of ${o.devices} devices (${s.hot} hot), ` +
      `${o.partitions} partitions (fed with ${o.partitioner}), ${o.seconds} s measured after ` +
      `${o.warmup} s, ${o.rounds} round(s), ${o.instances} processor instance(s), ` +
      `${navigator.hardwareConcurrency} cores. Latencies in ms, p50 / p99.`,
  );
  console.log(
    "| broker | guarantee | checkpoint | alerts (missing/extra) | tipping reading → alert " +
      "readable | alert beyond earliest firing | command beyond earliest firing | beyond-firing " +
      "p50 vs at-least-once | input/s | processor CPU % | late readings |",
  );
  console.log("| --- | --- | -: | -: | -: | -: | -: | -: | -: | -: | -: |");
  console.log(rows.join("\n"));
  console.log(
    "\nCPU while the readings were sent (100 % = one core) and the processor's lag (records " +
      "behind, summed over tasks; sampled every 5 s, the last at the end of the input):",
  );
  console.log(LOAD_HEADER);
  console.log(loadRows.join("\n"));
  console.log(info.summary());
}
