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
import { Admin, Consumer as KafkaConsumer, librdkafkaVersion } from "@iot/kafka";
import { defaultCacheDir, findKafkaRuntime, KAFKA_VERSION, startKafka } from "@iot/testing";
import { FlagError, parseFlags, USAGE } from "./kafka_flags.ts";
import {
  buildChunks,
  CHUNK_RECORDS,
  CHUNKS_IN_FLIGHT,
  type OursTiming,
  produceOurs,
  QUEUED_MIN_MESSAGES,
  RECORD_SIZE,
} from "./kafka_ours.ts";
import {
  consumeJava,
  type ProcessTiming,
  produceJava,
  produceKcat,
  writeKcatInput,
} from "./kafka_external.ts";
import { startRun } from "./run_info.ts";
import {
  CONSUME_BATCH,
  consumeKcatPayloads,
  consumeOursChecked,
  type ConsumeTiming,
  referenceChecksum,
} from "./kafka_consume.ts";
import {
  type BenchResults,
  type ContenderResult,
  formatReport,
  median,
  type PhaseResult,
  phaseResult,
  summarize,
} from "./kafka_report.ts";

/** The consume contenders, in the order of the first round. */
const CONSUMERS = ["columns", "kcat", "records"] as const;
type Consumer = (typeof CONSUMERS)[number];

/** Stable topic names; every run starts its own broker, so they are always fresh. */
const TOPICS = { ours: "bench-ours", kcat: "bench-kcat", java: "bench-java" } as const;

const CLOCKS: BenchResults["clocks"] = {
  ours: "in-process, client construction .. close() returned (produce includes flush); " +
    "consume CPU: the process's user+system time over the same span (librdkafka threads too)",
  kcat: "process wall time, spawn .. exit (includes kcat start-up, a few ms); " +
    "consume CPU: kcat's user+system time (the shell's `times`)",
  java: "process wall time, spawn .. exit (includes JVM start-up); " +
    "the tool's own figure excludes JVM start-up",
};

function settings(librdkafka: string, rounds: number): string[] {
  return [
    `ours and kcat: median of ${rounds} alternating rounds (same background load); Java: one round`,
    "consume: ours (columns), ours (records) and kcat read the same topic (written by kcat), in " +
    "rotating order, each stopping at the N-th record; kcat (-c N) writes every payload + newline " +
    "to /dev/null (its default format), " +
    "ours checks offsets and adds every payload byte into a byte sum (read as aligned 32-bit words) " +
    "equal to a reference",
    "acks=1 for every producer; no keys, no compression; everything else at each client's defaults",
    `librdkafka ${librdkafka} (ours, kcat): linger.ms=5, batch.num.messages=10000, ` +
    "batch.size=1000000, queue.buffering.max.messages=100000",
    `Java client ${KAFKA_VERSION}: linger.ms=5, batch.size=16384, max.in.flight.requests=5; ` +
    "ConsumerPerformance: fetch-size 1048576, max.poll.records=500",
    `ours: sendBatch() of ${CHUNK_RECORDS} records, at most ${CHUNKS_IN_FLIGHT} pending, then ` +
    `flush(); assign() at offset 0, columnBatches({ maxMessages: ${CONSUME_BATCH} }) (one ` +
    "buffer + typed arrays per batch); the records row: batches({ headers: false }) (kcat " +
    "does not parse headers either)",
    `consume, ours and kcat: librdkafka defaults but queued.min.messages=${QUEUED_MIN_MESSAGES} ` +
    "(our consumer's default; librdkafka 2.0's 100000 can stall a descheduled consumer ~1 s)",
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
    const phase = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
      progress(`${what}...`);
      return await run();
    };
    const written = async (topic: string) => {
      // A client per check: one left open would add its threads' CPU to ours while consuming.
      await using probe = new KafkaConsumer({
        config: { "bootstrap.servers": bootstrap, "group.id": "bench-probe" },
      });
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

    // Ours and kcat alternate so both see the same background load; each reports its median.
    const expected = referenceChecksum(messages);
    const oursProduced: OursTiming[] = [];
    const kcatProduced: ProcessTiming[] = [];
    const consumed: Record<Consumer, ConsumeTiming[]> = { columns: [], records: [], kcat: [] };
    for (let round = 1; round <= rounds; round++) {
      const topics = { ours: `${TOPICS.ours}-${round}`, kcat: `${TOPICS.kcat}-${round}` };
      {
        await using admin = new Admin({ config: { "bootstrap.servers": bootstrap } });
        await admin.createTopics(Object.values(topics).map((name) => ({ name, partitions: 1 })));
      }
      const oursProduce = await produceOurs(bootstrap, buildChunks(topics.ours, messages));
      progress(`round ${round}: ours produce ${oursProduce.total.toFixed(2)} s`);
      oursProduced.push(oursProduce);
      await written(topics.ours);
      kcatProduced.push(
        await phase(
          `round ${round}: kcat produce`,
          () => produceKcat(bootstrap, topics.kcat, `${work}/kcat-input.txt`),
        ),
      );
      await written(topics.kcat);
      // Every consumer reads the same topic; the order rotates so none always goes first.
      for (let k = 0; k < CONSUMERS.length; k++) {
        const who = CONSUMERS[(round - 1 + k) % CONSUMERS.length];
        const timing = await phase(
          `round ${round}: ${who} consume`,
          () =>
            who === "kcat"
              ? consumeKcatPayloads(bootstrap, topics.kcat, messages)
              : consumeOursChecked(bootstrap, topics.kcat, messages, who, expected),
        );
        progress(`  ${timing.seconds.toFixed(2)} s wall, ${timing.cpuSeconds.toFixed(2)} s CPU`);
        consumed[who].push(timing);
      }
    }
    const consumeResult = (timings: ConsumeTiming[]): PhaseResult =>
      phaseResult(messages, RECORD_SIZE, median(timings.map((t) => t.seconds)), {
        cpuSeconds: median(timings.map((t) => t.cpuSeconds)),
      });
    const oursProduce = oursProduced.toSorted((a, b) => a.total - b.total)[
      Math.floor((oursProduced.length - 1) / 2)
    ];
    const ourLabel = `ours (@iot/kafka, librdkafka ${librdkafkaVersion()})`;
    const ours: ContenderResult = {
      name: "ours",
      label: ourLabel,
      produce: phaseResult(messages, RECORD_SIZE, median(oursProduced.map((t) => t.total)), {
        detail: oursProduce,
      }),
      consume: consumeResult(consumed.columns),
    };
    const oursRecords: ContenderResult = {
      name: "ours-records",
      label: "  ours, per-record batches() API",
      produce: null,
      consume: consumeResult(consumed.records),
    };
    const kcat: ContenderResult = {
      name: "kcat",
      label: kcatLabel,
      produce: phaseResult(messages, RECORD_SIZE, median(kcatProduced.map((t) => t.seconds))),
      consume: consumeResult(consumed.kcat),
    };

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
        ours,
        oursRecords,
        kcat,
        result("java", `java client ${KAFKA_VERSION} (perf tools)`, javaProduce, javaConsume),
      ],
    });
  } finally {
    await Deno.remove(work, { recursive: true });
  }
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
  const info = await startRun("bench:kafka", args);
  const results = await runBench(flags.messages, flags.rounds);
  console.log(flags.json ? JSON.stringify(results, null, 2) : formatReport(results));
  if (!flags.json) console.log(info.summary());
}

if (import.meta.main) await main(Deno.args);
