/**
 * Kafka client benchmark (`deno task bench:kafka`): starts one dedicated broker, then for ours
 * (`@iot/kafka`), kcat and the Java client produces N 100-byte records to a fresh 1-partition
 * topic and consumes them back, checks the counts, and prints throughput and ratios.
 *
 * Usage: `deno task bench:kafka [--messages N] [--json] [--help]`. Progress goes to stderr.
 * The machine is shared, so compare the ratios of one run rather than absolute rates.
 *
 * @module
 */
import { Admin, Consumer, librdkafkaVersion } from "@iot/kafka";
import { defaultCacheDir, findKafkaRuntime, KAFKA_VERSION, startKafka } from "@iot/testing";
import { FlagError, parseFlags, USAGE } from "./kafka_flags.ts";
import {
  buildChunks,
  CHUNK_RECORDS,
  CHUNKS_IN_FLIGHT,
  consumeOurs,
  MAX_BATCH,
  produceOurs,
  RECORD_SIZE,
} from "./kafka_ours.ts";
import {
  consumeJava,
  consumeKcat,
  type ProcessTiming,
  produceJava,
  produceKcat,
  writeKcatInput,
} from "./kafka_external.ts";
import {
  type BenchResults,
  type ContenderResult,
  formatReport,
  phaseResult,
  summarize,
} from "./kafka_report.ts";

/** Stable topic names; every run starts its own broker, so they are always fresh. */
const TOPICS = { ours: "bench-ours", kcat: "bench-kcat", java: "bench-java" } as const;

const CLOCKS: BenchResults["clocks"] = {
  ours: "in-process, client construction .. close() returned (produce includes flush)",
  kcat: "process wall time, spawn .. exit (includes kcat start-up, a few ms)",
  java: "process wall time, spawn .. exit (includes JVM start-up); " +
    "the tool's own figure excludes JVM start-up",
};

function settings(librdkafka: string, rounds: number): string[] {
  return [
    `ours and kcat: best of ${rounds} alternating rounds (same background load); Java: one round`,
    "acks=1 for every producer; no keys, no compression; everything else at each client's defaults",
    `librdkafka ${librdkafka} (ours, kcat): linger.ms=5, batch.num.messages=10000, ` +
    "batch.size=1000000, queue.buffering.max.messages=100000",
    `Java client ${KAFKA_VERSION}: linger.ms=5, batch.size=16384, max.in.flight.requests=5; ` +
    "ConsumerPerformance: fetch-size 1048576, max.poll.records=500",
    `ours: sendBatch() of ${CHUNK_RECORDS} records, at most ${CHUNKS_IN_FLIGHT} pending, then ` +
    `flush(); assign() at offset 0, batches({ maxMessages: ${MAX_BATCH}, headers: false }) ` +
    "(kcat, printing offsets only, does not parse headers either)",
  ];
}

/** Runs every contender against one fresh broker and returns the summarized results. */
export async function runBench(messages: number, rounds = 3): Promise<BenchResults> {
  const runtime = await findKafkaRuntime(defaultCacheDir());
  const kcatLabel = await kcatVersion();
  const work = await Deno.makeTempDir({ prefix: "iot-bench-kafka-" });
  try {
    progress(`writing ${messages} lines for kcat`);
    await writeKcatInput(`${work}/kcat-input.txt`, messages);
    progress("starting a dedicated broker");
    await using kafka = await startKafka({ dedicated: true });
    const bootstrap = kafka.bootstrap;
    {
      await using admin = new Admin({ config: { "bootstrap.servers": bootstrap } });
      await admin.createTopics([{ name: TOPICS.java, partitions: 1 }]);
    }
    await using probe = new Consumer({
      config: { "bootstrap.servers": bootstrap, "group.id": "bench-probe" },
    });
    const phase = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
      progress(`${what}...`);
      return await run();
    };
    const written = async (topic: string) => {
      const { low, high } = await probe.watermarkOffsets(topic, 0);
      if (low !== 0 || high !== messages) {
        throw new Error(`${topic} holds offsets ${low}..${high - 1}, expected 0..${messages - 1}`);
      }
    };
    const result = (
      n: ContenderResult["name"],
      label: string,
      p: ProcessTiming,
      c: ProcessTiming,
    ) => ({
      name: n,
      label,
      produce: phaseResult(messages, RECORD_SIZE, p.seconds, p.tool ? { tool: p.tool } : {}),
      consume: phaseResult(messages, RECORD_SIZE, c.seconds, c.tool ? { tool: c.tool } : {}),
    });

    // Ours and kcat alternate so both see the same background load; each keeps its best round.
    let ours: ContenderResult | null = null;
    let kcat: ContenderResult | null = null;
    for (let round = 1; round <= rounds; round++) {
      const topics = { ours: `${TOPICS.ours}-${round}`, kcat: `${TOPICS.kcat}-${round}` };
      {
        await using admin = new Admin({ config: { "bootstrap.servers": bootstrap } });
        await admin.createTopics(Object.values(topics).map((name) => ({ name, partitions: 1 })));
      }
      const oursProduce = await produceOurs(bootstrap, buildChunks(topics.ours, messages));
      progress(`round ${round}: ours produce ${oursProduce.total.toFixed(2)} s`);
      await written(topics.ours);
      const oursConsume = await phase(
        `round ${round}: ours consume`,
        () => consumeOurs(bootstrap, topics.ours, messages),
      );
      ours = best(ours, {
        name: "ours",
        label: `ours (@iot/kafka, librdkafka ${librdkafkaVersion()})`,
        produce: phaseResult(messages, RECORD_SIZE, oursProduce.total, { detail: oursProduce }),
        consume: phaseResult(messages, RECORD_SIZE, oursConsume.total, { detail: oursConsume }),
      });
      const kcatProduce = await phase(
        `round ${round}: kcat produce`,
        () => produceKcat(bootstrap, topics.kcat, `${work}/kcat-input.txt`),
      );
      await written(topics.kcat);
      const kcatConsume = await phase(
        `round ${round}: kcat consume`,
        () => consumeKcat(bootstrap, topics.kcat, messages, `${work}/kcat-offsets.txt`),
      );
      kcat = best(kcat, result("kcat", kcatLabel, kcatProduce, kcatConsume));
    }

    const javaProduce = await phase(
      "java produce",
      () => produceJava(runtime, bootstrap, TOPICS.java, messages),
    );
    await written(TOPICS.java);
    const javaConsume = await phase(
      "java consume",
      () => consumeJava(runtime, bootstrap, TOPICS.java, messages),
    );

    return summarize({
      messages,
      recordBytes: RECORD_SIZE,
      settings: settings(librdkafkaVersion(), rounds),
      clocks: CLOCKS,
      contenders: [
        ours!,
        kcat!,
        result("java", `java client ${KAFKA_VERSION} (perf tools)`, javaProduce, javaConsume),
      ],
    });
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}

/** Keeps, per phase, the faster of two results of one contender. */
function best(kept: ContenderResult | null, next: ContenderResult): ContenderResult {
  if (!kept) return next;
  return {
    ...kept,
    produce: next.produce.msgsPerSec > kept.produce.msgsPerSec ? next.produce : kept.produce,
    consume: next.consume.msgsPerSec > kept.consume.msgsPerSec ? next.consume : kept.consume,
  };
}

async function kcatVersion(): Promise<string> {
  const output = await new Deno.Command("kcat", { args: ["-V"], stderr: "null" }).output();
  const text = new TextDecoder().decode(output.stdout);
  const match = /Version (\S+) .*librdkafka (\S+)/.exec(text);
  return match ? `kcat ${match[1]} (librdkafka ${match[2]})` : "kcat";
}

function progress(message: string): void {
  console.error(`bench:kafka: ${message}`);
}

async function main(args: string[]): Promise<void> {
  let flags;
  try {
    flags = parseFlags(args);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    console.error(`bench:kafka: ${e.message}`);
    Deno.exit(2);
  }
  if (flags.help) {
    console.log(USAGE);
    return;
  }
  const results = await runBench(flags.messages, flags.rounds);
  console.log(flags.json ? JSON.stringify(results, null, 2) : formatReport(results));
}

if (import.meta.main) await main(Deno.args);
