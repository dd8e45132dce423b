/**
 * Producer benchmark (`deno task bench:producer`): the highest sustained rate of simulated
 * climate readings from one process to one dedicated broker, against kcat producing the same
 * records from a pre-generated file with the same librdkafka settings, in rounds of rotating
 * order; ours twice: generating the records as it sends (what `deno task producer` does) and
 * from blocks generated before the round (what kcat does: it reads a file). Reports medians
 * of wall and per-CPU-second rates and of the ratios to kcat, and generation alone (no Kafka).
 *
 * Usage: `deno task bench:producer [--messages N] [--rounds R] [--json]`. Progress goes to
 * stderr. The machine may be shared: compare the ratios of one run, not absolute rates.
 *
 * @module
 */
import { Consumer } from "@iot/kafka";
import { startKafka } from "@iot/testing";
import { median } from "./api_driver.ts";
import { startRun } from "./run_info.ts";
import {
  createTopics,
  generateOnly,
  PARTITIONS,
  pregenerate,
  produceKcat,
  produceOurs,
  producePregenerated,
  type Timing,
  writeKcatFile,
} from "./producer_contenders.ts";

interface Flags {
  messages: number;
  rounds: number;
  json: boolean;
}

const usage = `Usage: deno task bench:producer [--messages N] [--rounds R] [--json]
  --messages N  records per contender and round (default 1000000)
  --rounds R    rounds of the three contenders, rotating their order (default 3)
  --json        results as JSON on stdout`;

function parseFlags(args: readonly string[]): Flags {
  const flags: Flags = { messages: 1_000_000, rounds: 3, json: false };
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
const log = (text: string) => console.error(`bench:producer: ${text}`);
const rate = (n: number, seconds: number) => Math.round(n / seconds);
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

/** The contenders, kcat last (it is the peer every ratio divides by). */
const CONTENDERS = ["ours", "oursPregenerated", "kcat"] as const;
type Contender = typeof CONTENDERS[number];
const LABELS: Record<Contender, string> = {
  ours: "ours incl. generation",
  oursPregenerated: "ours from pre-generated blocks",
  kcat: "kcat from a file",
};

/** One contender's figures in one round: records per wall second and per CPU-second. */
interface Figures {
  perSec: number;
  perCpuSec: number;
}

/** One round: each contender's figures, in the order they ran. */
interface Round {
  round: number;
  order: Contender[];
  figures: Record<Contender, Figures>;
}

function roundLine(r: Round): string {
  const k = r.figures.kcat;
  return CONTENDERS.map((c) => {
    const f = r.figures[c];
    const vs = c === "kcat"
      ? ""
      : ` (${ratio(f.perSec, k.perSec)}x / ${ratio(f.perCpuSec, k.perCpuSec)}x)`;
    return `${c} ${fmt(f.perSec)}/s ${fmt(f.perCpuSec)}/cpu-s${vs}`;
  }).join("; ");
}

const loadAverage = () => Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");

async function runRound(
  bootstrap: string,
  round: number,
  n: number,
  file: string,
): Promise<Round> {
  const topics = Object.fromEntries(CONTENDERS.map((c) => [c, `bench-${c}-${round}`])) as Record<
    Contender,
    string
  >;
  await createTopics(bootstrap, Object.values(topics));
  // Generated before the round starts and outside its timing.
  const blocks = pregenerate(topics.oursPregenerated, n);
  const run: Record<Contender, () => Promise<Timing>> = {
    ours: () => produceOurs(bootstrap, topics.ours, n),
    oursPregenerated: () => producePregenerated(bootstrap, blocks),
    kcat: () => produceKcat(bootstrap, topics.kcat, file),
  };
  // Rotate the order, so no contender always meets the broker fresh or right after another.
  const order = CONTENDERS.map((_, i) => CONTENDERS[(i + round - 1) % CONTENDERS.length]);
  const figures = {} as Record<Contender, Figures>;
  for (const c of order) {
    const t = await run[c]();
    figures[c] = { perSec: rate(n, t.seconds), perCpuSec: rate(n, t.cpuSeconds) };
  }
  for (const topic of Object.values(topics)) {
    const count = await countRecords(bootstrap, topic);
    if (count !== n) throw new Error(`${topic} holds ${count} records, expected ${n}`);
  }
  return { round, order, figures };
}

async function main(): Promise<void> {
  const { messages: n, rounds, json } = parseFlags(Deno.args);
  const loadBefore = loadAverage();
  const info = await startRun("bench:producer");
  const genSeconds = Math.min(generateOnly(n), generateOnly(n));
  log(`generation + encoding: ${fmt(rate(n, genSeconds))} records/s`);
  const dir = await Deno.makeTempDir({ prefix: "bench-producer-" });
  try {
    const file = `${dir}/records.tsv`;
    await writeKcatFile(file, n);
    log("starting a dedicated broker");
    await using kafka = await startKafka({ dedicated: true });
    const results: Round[] = [];
    for (let round = 1; round <= rounds; round++) {
      const r = await runRound(kafka.bootstrap, round, n, file);
      results.push(r);
      log(`round ${round} (${r.order.join(", ")}): ${roundLine(r)}`);
    }
    const med = (c: Contender, key: keyof Figures) => median(results.map((r) => r.figures[c][key]));
    const medRatio = (c: Contender, key: keyof Figures) =>
      ratio(median(results.map((r) => r.figures[c][key] / r.figures.kcat[key])), 1);
    const medians = Object.fromEntries(CONTENDERS.map((c) => [c, {
      perSec: med(c, "perSec"),
      perCpuSec: med(c, "perCpuSec"),
      wallRatio: medRatio(c, "perSec"),
      cpuRatio: medRatio(c, "perCpuSec"),
    }]));
    const summary = {
      messages: n,
      generationPerSec: rate(n, genSeconds),
      rounds: results,
      medians,
      loadAverage: { before: loadBefore, after: loadAverage() },
      settings: "50 climate devices, 6 partitions, idempotent, lz4, linger.ms=5, murmur2; " +
        "ours: call .. all acked; kcat: process spawn .. exit (same settings and headers, " +
        "no per-record timestamps); CPU = user + system of the process",
    };
    if (json) console.log(JSON.stringify(summary, null, 2));
    else {
      console.log(
        `messages per contender: ${fmt(n)}; load average ${loadBefore} .. ` +
          summary.loadAverage.after,
      );
      console.log(`generation + encoding (no Kafka): ${fmt(summary.generationPerSec)}/s`);
      for (const r of results) console.log(`round ${r.round}: ${roundLine(r)}`);
      console.log(`medians of ${rounds} rounds (ratio to kcat: wall / per CPU-second):`);
      for (const c of CONTENDERS) {
        const m = medians[c];
        const vs = c === "kcat" ? "" : `  ratio ${m.wallRatio} / ${m.cpuRatio}`;
        console.log(
          `  ${LABELS[c].padEnd(31)} ${fmt(m.perSec).padStart(9)}/s ` +
            `${fmt(m.perCpuSec).padStart(9)}/cpu-s${vs}`,
        );
      }
      console.log(`settings: ${summary.settings}`);
      console.log(info.summary());
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await main();
