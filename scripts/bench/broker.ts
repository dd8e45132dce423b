/**
 * Broker benchmark (`deno task bench:broker`): the broker shim (a child process) against a
 * dedicated Apache Kafka, in one run. For each broker: start-up time to the first answered
 * request; our client and kcat producing N 100-byte records with acks=all and consuming them;
 * produce latency (sequential small `sendBatch`); broker RSS. Prints figures and shim/Kafka ratios.
 *
 * Usage: `deno task bench:broker [--messages N] [--fsync always|interval|none] [--json]`
 * (`--help` lists the defaults). Progress goes to stderr. The machine is shared: compare the
 * ratios of one run. The table ends with issue 14's memory target (shim peak RSS ≤ 0.25× Kafka's)
 * and the command, commit and load average of the run.
 *
 * @module
 */
import { booleanOption, defineCli, enumOption, integerOption } from "@iot/service";
import { Admin, type DeliveryReport, Producer, type ProducerRecord } from "@iot/kafka";
import { startKafka } from "@iot/testing";
import { startBroker } from "@iot/broker/testing";
import { buildChunks, CHUNKS_IN_FLIGHT, consumeOurs, RECORD_SIZE } from "./kafka_ours.ts";
import { consumeKcat, writeKcatInput } from "./kafka_external.ts";
import { firstRequest, listenerPid, produceLatency, rssMiB } from "./broker_probe.ts";
import { parseBenchArgs } from "./flink_flags.ts";
import { type RunInfo, startRun } from "./run_info.ts";

const brokerBenchCli = defineCli({
  name: "bench:broker",
  usage: "deno task bench:broker [flags]",
  summary: "Runs the broker shim (a child process, with its V8 flags) and then a dedicated " +
    "Apache Kafka 4.3.1 through the same workload: start-up to the first answered request, our " +
    "client and kcat producing (acks=all) and consuming N 100-byte records, produce latency, " +
    "and the broker's RSS after the run and at its peak (VmHWM). Prints both, the shim/Kafka " +
    "ratios and whether the shim's peak RSS is ≤ 0.25× Kafka's (issue 14).",
  prefix: "BENCH_BROKER",
  configFile: false,
  options: {
    messages: integerOption({ doc: "records per producer and consumer", default: 200_000, min: 1 }),
    fsync: enumOption(["always", "interval", "none"] as const, {
      doc: "the shim's --fsync (Kafka flushes on its own schedule)",
      default: "always",
    }),
    json: booleanOption({ doc: "print the figures as one JSON line instead", default: false }),
  },
});

/** Issue 14's target: the shim's peak RSS at most this share of Kafka's. */
const PEAK_RSS_TARGET = 0.25;

/** Figures of one broker. */
interface BrokerFigures {
  startupMs: number;
  oursProduce: number;
  oursConsume: number;
  kcatProduce: number;
  kcatConsume: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  rssMiB: number;
  peakRssMiB: number;
}

const log = (msg: string) => console.error(`[bench:broker] ${msg}`);

async function produceAll(bootstrap: string, chunks: ProducerRecord[][]): Promise<number> {
  const t0 = performance.now();
  const producer = new Producer({ config: { "bootstrap.servers": bootstrap, "acks": "all" } });
  try {
    const pending: Promise<DeliveryReport[]>[] = [];
    for (const chunk of chunks) {
      pending.push(producer.sendBatch(chunk));
      if (pending.length >= CHUNKS_IN_FLIGHT) await pending.shift();
    }
    await Promise.all(pending);
    await producer.flush();
  } finally {
    await producer.close();
  }
  return (performance.now() - t0) / 1000;
}

async function timed(cmd: string, args: string[]): Promise<number> {
  const t0 = performance.now();
  const out = await new Deno.Command(cmd, { args, stdout: "null", stderr: "piped" }).output();
  if (!out.success) throw new Error(`${cmd} failed: ${new TextDecoder().decode(out.stderr)}`);
  return (performance.now() - t0) / 1000;
}

async function workload(
  bootstrap: string,
  pid: number,
  n: number,
  kcatInput: string,
  tmp: string,
): Promise<Omit<BrokerFigures, "startupMs">> {
  {
    await using admin = new Admin({ config: { "bootstrap.servers": bootstrap } });
    await admin.createTopics(["ours", "kcat", "latency"].map((name) => ({ name, partitions: 1 })));
  }
  const chunks = buildChunks("ours", n);
  log("  our client: produce");
  const oursProduce = await produceAll(bootstrap, chunks);
  log("  our client: consume");
  const oursConsume = (await consumeOurs(bootstrap, "ours", n)).total;
  log("  kcat: produce");
  const kcatProduce = await timed("kcat", [
    "-P",
    "-b",
    bootstrap,
    "-t",
    "kcat",
    "-X",
    "acks=all",
    "-q",
    "-l",
    kcatInput,
  ]);
  log("  kcat: consume");
  const kcatConsume = (await consumeKcat(bootstrap, "kcat", n, `${tmp}/offsets.txt`)).seconds;
  log("  produce latency");
  const latency = await produceLatency(bootstrap, "latency");
  const mem = await rssMiB(pid);
  return {
    oursProduce: n / oursProduce,
    oursConsume: n / oursConsume,
    kcatProduce: n / kcatProduce,
    kcatConsume: n / kcatConsume,
    latencyP50Ms: latency.p50,
    latencyP99Ms: latency.p99,
    rssMiB: mem.rss,
    peakRssMiB: mem.peak,
  };
}

async function main(): Promise<void> {
  const { messages: n, fsync, json } = parseBenchArgs(brokerBenchCli);
  const info = await startRun("bench:broker");
  const tmp = await Deno.makeTempDir({ prefix: "bench-broker-" });
  try {
    const kcatInput = `${tmp}/kcat-input.txt`;
    await writeKcatInput(kcatInput, n);
    log(`shim (child process, --fsync ${fsync})`);
    let t0 = performance.now();
    const shimFigures = await (async () => {
      await using shim = await startBroker({ mode: "child", fsync });
      await firstRequest(shim.bootstrap);
      const startupMs = performance.now() - t0;
      return { startupMs, ...await workload(shim.bootstrap, shim.pid!, n, kcatInput, tmp) };
    })();
    log("Apache Kafka (dedicated)");
    t0 = performance.now();
    const kafkaFigures = await (async () => {
      await using kafka = await startKafka({ dedicated: true });
      await firstRequest(kafka.bootstrap);
      const startupMs = performance.now() - t0;
      const pid = await listenerPid(Number(kafka.bootstrap.split(":")[1]));
      return { startupMs, ...await workload(kafka.bootstrap, pid, n, kcatInput, tmp) };
    })();
    report(n, fsync, shimFigures, kafkaFigures, json, info);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

function report(
  n: number,
  fsync: string,
  shim: BrokerFigures,
  kafka: BrokerFigures,
  json: boolean,
  info: RunInfo,
): void {
  const rows: [string, keyof BrokerFigures, string][] = [
    ["start-up to first answered request", "startupMs", "ms"],
    ["our client produce, acks=all", "oursProduce", "msgs/s"],
    ["our client consume", "oursConsume", "msgs/s"],
    ["kcat produce, acks=all", "kcatProduce", "msgs/s"],
    ["kcat consume", "kcatConsume", "msgs/s"],
    ["produce latency p50 (sendBatch of 10)", "latencyP50Ms", "ms"],
    ["produce latency p99 (sendBatch of 10)", "latencyP99Ms", "ms"],
    ["broker RSS after the run", "rssMiB", "MiB"],
    ["broker peak RSS", "peakRssMiB", "MiB"],
  ];
  const peakRatio = shim.peakRssMiB / kafka.peakRssMiB;
  if (json) {
    console.log(JSON.stringify({
      messages: n,
      recordSize: RECORD_SIZE,
      fsync,
      shim,
      kafka,
      peakRssRatio: peakRatio,
      peakRssTargetMet: peakRatio <= PEAK_RSS_TARGET,
      run: info.summary(),
    }));
    return;
  }
  const fmt = (v: number) => v >= 100 ? Math.round(v).toLocaleString("en") : v.toFixed(1);
  console.log(
    `Broker shim (child process, --fsync ${fsync}) vs Apache Kafka 4.3.1 (dedicated, one ` +
      `node), one after the other: ${fmt(n)} records of ${RECORD_SIZE} B per client`,
  );
  console.log("| figure | unit | shim | Kafka | shim/Kafka |\n| --- | --- | -: | -: | -: |");
  for (const [label, key, unit] of rows) {
    const mb = unit === "msgs/s" ? ` (${(shim[key] * RECORD_SIZE / 1e6).toFixed(1)} MB/s)` : "";
    console.log(
      `| ${label} | ${unit} | ${fmt(shim[key]) + mb} | ${fmt(kafka[key])} | ` +
        `${(shim[key] / kafka[key]).toFixed(2)}x |`,
    );
  }
  console.log(
    `Target (issue 14): shim peak RSS ≤ ${PEAK_RSS_TARGET}x Kafka's: ` +
      `${peakRatio.toFixed(2)}x, ${peakRatio <= PEAK_RSS_TARGET ? "met" : "NOT met"}. ` +
      info.summary(),
  );
}

if (import.meta.main) await main();
