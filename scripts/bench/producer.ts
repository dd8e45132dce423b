/**
 * Producer benchmark (`deno task bench:producer`): the highest sustained rate of simulated
 * climate readings from one process to one dedicated broker, against kcat producing the same
 * records from a pre-generated file with the same librdkafka settings, in alternating rounds.
 * Also reports generation + UTF-8 encoding alone (no Kafka).
 *
 * Usage: `deno task bench:producer [--messages N] [--rounds R] [--json]`. Progress goes to
 * stderr. The machine may be shared: compare the ratios of one run, not absolute rates.
 *
 * @module
 */
import { Consumer } from "@iot/kafka";
import { startKafka } from "@iot/testing";
import {
  createTopics,
  generateOnly,
  PARTITIONS,
  produceKcat,
  produceOurs,
  writeKcatFile,
} from "./producer_contenders.ts";

interface Flags {
  messages: number;
  rounds: number;
  json: boolean;
}

const usage = `Usage: deno task bench:producer [--messages N] [--rounds R] [--json]
  --messages N  records per contender and round (default 1000000)
  --rounds R    rounds of ours and kcat, alternating which goes first (default 2)
  --json        results as JSON on stdout`;

function parseFlags(args: readonly string[]): Flags {
  const flags: Flags = { messages: 1_000_000, rounds: 2, json: false };
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = args[i].split("=", 2);
    const value = () => Number((inline ?? args[++i] ?? "").replaceAll("_", ""));
    if (name === "--json") flags.json = true;
    else if (name === "--messages") flags.messages = value();
    else if (name === "--rounds") flags.rounds = value();
    else if (name === "--help" || name === "-h") {
      console.log(usage);
      Deno.exit(0);
    } else {
      console.error(`bench:producer: unknown flag ${args[i]}\n${usage}`);
      Deno.exit(2);
    }
  }
  for (const [name, v] of [["--messages", flags.messages], ["--rounds", flags.rounds]] as const) {
    if (!Number.isSafeInteger(v) || v < 1) {
      console.error(`bench:producer: ${name} must be a positive integer`);
      Deno.exit(2);
    }
  }
  return flags;
}

async function countRecords(bootstrap: string, topic: string): Promise<number> {
  await using consumer = new Consumer({
    config: { "bootstrap.servers": bootstrap, "group.id": "bench-producer-count" },
  });
  let total = 0;
  for (let p = 0; p < PARTITIONS; p++) total += (await consumer.watermarkOffsets(topic, p)).high;
  return total;
}

const fmt = (v: number) => v.toLocaleString("en-US");

/** One round's figures: records per wall second and per CPU-second, and the ratios. */
interface Round {
  round: number;
  ours: number;
  kcat: number;
  ratio: number;
  oursPerCpuSec: number;
  kcatPerCpuSec: number;
  cpuRatio: number;
}

function roundLine(r: Round): string {
  return `wall: ours ${fmt(r.ours)}/s  kcat ${fmt(r.kcat)}/s  ours/kcat ${r.ratio}; ` +
    `per CPU-second: ours ${fmt(r.oursPerCpuSec)}  kcat ${fmt(r.kcatPerCpuSec)}  ` +
    `ours/kcat ${r.cpuRatio}`;
}

const log = (text: string) => console.error(`bench:producer: ${text}`);
const rate = (n: number, seconds: number) => Math.round(n / seconds);

async function main(): Promise<void> {
  const { messages: n, rounds, json } = parseFlags(Deno.args);
  const genSeconds = Math.min(generateOnly(n), generateOnly(n));
  log(`generation + encoding: ${rate(n, genSeconds).toLocaleString("en-US")} records/s`);
  const dir = await Deno.makeTempDir({ prefix: "bench-producer-" });
  try {
    const file = `${dir}/records.tsv`;
    await writeKcatFile(file, n);
    log("starting a dedicated broker");
    await using kafka = await startKafka({ dedicated: true });
    const results: Round[] = [];
    for (let round = 1; round <= rounds; round++) {
      const ours = `bench-ours-${round}`, kcat = `bench-kcat-${round}`;
      await createTopics(kafka.bootstrap, [ours, kcat]);
      // Alternate which goes first, so neither always meets the broker fresh.
      const runOurs = () => produceOurs(kafka.bootstrap, ours, n);
      const runKcat = () => produceKcat(kafka.bootstrap, kcat, file);
      const [oursTime, kcatTime] = round % 2 === 1
        ? [await runOurs(), await runKcat()]
        : (([k, o]) => [o, k] as const)([await runKcat(), await runOurs()]);
      for (const topic of [ours, kcat]) {
        const count = await countRecords(kafka.bootstrap, topic);
        if (count !== n) throw new Error(`${topic} holds ${count} records, expected ${n}`);
      }
      const r: Round = {
        round,
        ours: rate(n, oursTime.seconds),
        kcat: rate(n, kcatTime.seconds),
        ratio: Math.round((kcatTime.seconds / oursTime.seconds) * 100) / 100,
        oursPerCpuSec: rate(n, oursTime.cpuSeconds),
        kcatPerCpuSec: rate(n, kcatTime.cpuSeconds),
        cpuRatio: Math.round((kcatTime.cpuSeconds / oursTime.cpuSeconds) * 100) / 100,
      };
      results.push(r);
      log(`round ${round}: ${roundLine(r)}`);
    }
    const best = (key: "ours" | "kcat" | "oursPerCpuSec" | "kcatPerCpuSec") =>
      Math.max(...results.map((r) => r[key]));
    const summary = {
      messages: n,
      generationPerSec: rate(n, genSeconds),
      rounds: results,
      bestOurs: best("ours"),
      bestKcat: best("kcat"),
      bestRatio: Math.round((best("ours") / best("kcat")) * 100) / 100,
      bestCpuRatio: Math.round((best("oursPerCpuSec") / best("kcatPerCpuSec")) * 100) / 100,
      settings: "50 climate devices, 6 partitions, idempotent, lz4, linger.ms=5, murmur2; " +
        "ours: call .. all acked; kcat: process spawn .. exit (same settings and headers, " +
        "no per-record timestamps)",
    };
    if (json) console.log(JSON.stringify(summary, null, 2));
    else {
      console.log(`messages per contender: ${n.toLocaleString("en-US")}`);
      console.log(
        `generation + encoding (no Kafka): ${summary.generationPerSec.toLocaleString("en-US")}/s`,
      );
      for (const r of results) console.log(`round ${r.round}: ${roundLine(r)}`);
      console.log(
        `best: ours ${summary.bestOurs.toLocaleString("en-US")}/s  kcat ` +
          `${
            summary.bestKcat.toLocaleString("en-US")
          }/s  ratio ${summary.bestRatio}; per CPU-second ` +
          `ratio ${summary.bestCpuRatio}`,
      );
      console.log(`settings: ${summary.settings}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await main();
