/**
 * The contenders of the producer benchmark: generation alone (no Kafka), our full pipeline
 * (`runProducer`: generate, encode, send, flush) and kcat sending the same records from a
 * pre-generated `key<TAB>value` file with the same librdkafka settings.
 *
 * @module
 */
import { defaultTopics, resolveTopics, type Topics } from "@iot/events";
import { Admin, Producer } from "@iot/kafka";
import {
  type Fleet,
  fleetFromFlags,
  newRecordBytes,
  producerConfig,
  type RecordBytes,
  recordHeaders,
  runProducer,
  type SimRecord,
  Simulation,
} from "@iot/producer";

/** Partitions of every benchmark topic. */
export const PARTITIONS = 6;
/** Simulated start of every run. */
export const START_MS = Date.parse("2026-01-01T00:00:00.000Z");
/** The benchmark fleet: 50 climate devices, like the done criterion. */
export const FLEET: Fleet = fleetFromFlags({
  devices: 50,
  vehicles: 0,
  sensorsPerVehicle: 4,
  tempMin: 15,
  tempMax: 30,
  humidityMin: 30,
  humidityMax: 70,
});

/** Topic names for one contender's run: only the readings topic differs. */
export function topicsFor(name: string): Topics {
  return resolveTopics({ sensorReadings: name });
}

function simulation(n: number, topic = defaultTopics.sensorReadings): Simulation {
  return new Simulation({
    fleet: FLEET,
    seed: "bench",
    startMs: START_MS,
    count: n,
    topics: { sensorReadings: topic, vehiclePressure: defaultTopics.vehiclePressure },
  });
}

/**
 * Generates `n` climate readings as bytes exactly as the sink does (`Simulation.fillBytes` into
 * reused batches), on this thread, without Kafka; returns seconds.
 */
export function generateOnly(n: number): number {
  const sim = simulation(n);
  const batch = newRecordBytes(10_000);
  let encoded = 0;
  const t0 = performance.now();
  while (!sim.done) {
    batch.reset();
    encoded += sim.fillBytes(batch, 10_000, Infinity);
  }
  const seconds = (performance.now() - t0) / 1000;
  if (encoded !== n) throw new Error(`generated ${encoded} of ${n}`);
  return seconds;
}

/** Wall and CPU (user + system, all threads) seconds of one contender's run. */
export interface Timing {
  seconds: number;
  cpuSeconds: number;
}

/** CPU seconds (user + system) this process has used, from /proc/self/stat. */
export function processCpuSeconds(): number {
  const stat = Deno.readTextFileSync("/proc/self/stat");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 14 and 15 of stat(5) (utime, stime) in clock ticks of 1/100 s; fields[0] is field 3.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Runs our producer for `n` records to `topic`; times it (call .. flushed). */
export async function produceOurs(bootstrap: string, topic: string, n: number): Promise<Timing> {
  const cpu0 = processCpuSeconds();
  const t0 = performance.now();
  const summary = await runProducer({
    bootstrap,
    fleet: FLEET,
    seed: "bench",
    startMs: START_MS,
    count: n,
    pacing: { mode: "max", capAtWallClock: false },
    topics: topicsFor(topic),
    partitions: PARTITIONS,
    commands: false,
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpuSeconds = processCpuSeconds() - cpu0;
  if (summary.acked !== n || summary.failed !== 0) {
    throw new Error(`ours: acked ${summary.acked} of ${n}, ${summary.failed} failed`);
  }
  return { seconds, cpuSeconds };
}

/** Batches of {@linkcode pregenerate}: the records of a run laid out before it starts. */
export const BLOCK_RECORDS = 10_000;

/** The same `n` records as {@linkcode produceOurs} sends to `topic`, already as byte blocks. */
export function pregenerate(topic: string, n: number): RecordBytes[] {
  const sim = simulation(n, topic);
  const blocks: RecordBytes[] = [];
  while (!sim.done) {
    const block = newRecordBytes(BLOCK_RECORDS);
    sim.fillBytes(block, BLOCK_RECORDS, Infinity);
    blocks.push(block);
  }
  return blocks;
}

/**
 * Sends pre-generated `blocks` (from {@linkcode pregenerate}) with our producer, the same
 * settings and in-flight bound (8 blocks) as `runProducer`: what our client costs without
 * generating the records, like kcat, which reads them from a file. Times producer creation ..
 * all acked and closed.
 */
export async function producePregenerated(
  bootstrap: string,
  blocks: readonly RecordBytes[],
): Promise<Timing> {
  const cpu0 = processCpuSeconds();
  const t0 = performance.now();
  {
    await using producer = new Producer({ config: producerConfig(bootstrap) });
    const inFlight = new Set<Promise<void>>();
    for (const block of blocks) {
      const sent: Promise<void> = producer.sendBlock(block).finally(() => inFlight.delete(sent));
      inFlight.add(sent);
      while (inFlight.size >= 8) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  }
  return { seconds: (performance.now() - t0) / 1000, cpuSeconds: processCpuSeconds() - cpu0 };
}

/** Writes the same `n` records as `key\tvalue` lines for kcat. */
export async function writeKcatFile(path: string, n: number): Promise<void> {
  const sim = simulation(n);
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  const encoder = new TextEncoder();
  const out: SimRecord[] = [];
  while (!sim.done) {
    out.length = 0;
    sim.fill(out, 50_000, Infinity);
    const bytes = encoder.encode(out.map((r) => `${r.key}\t${r.value}\n`).join(""));
    for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
  }
}

/**
 * The kcat command line equivalent to our producer: the same librdkafka settings, key
 * delimiter TAB, the same two headers. kcat cannot set per-record timestamps from a file, so
 * its records carry the send time.
 */
export function kcatArgs(bootstrap: string, topic: string, path: string): string[] {
  const config = producerConfig(bootstrap);
  const settings = Object.entries(config)
    .filter(([k]) => k !== "bootstrap.servers")
    .flatMap(([k, v]) => ["-X", `${k}=${v}`]);
  const headers = recordHeaders.flatMap(([k, v]) => ["-H", `${k}=${v}`]);
  return [
    "-P",
    "-b",
    bootstrap,
    "-t",
    topic,
    "-K",
    "\t",
    ...headers,
    ...settings,
    "-q",
    "-l",
    path,
  ];
}

/**
 * Runs kcat on the file under `/usr/bin/time` (for its CPU seconds); times it from spawn to
 * exit.
 */
export async function produceKcat(bootstrap: string, topic: string, path: string): Promise<Timing> {
  const timeFile = `${path}.time`;
  const t0 = performance.now();
  const { code, stderr } = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "%U %S", "-o", timeFile, "kcat", ...kcatArgs(bootstrap, topic, path)],
    stdout: "null",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`kcat exited ${code}: ${new TextDecoder().decode(stderr)}`);
  const [user, system] = (await Deno.readTextFile(timeFile)).trim().split(/\s+/).map(Number);
  return { seconds, cpuSeconds: user + system };
}

/** Creates `topics` with {@linkcode PARTITIONS} partitions. */
export async function createTopics(bootstrap: string, topics: readonly string[]): Promise<void> {
  await using admin = new Admin({ config: { "bootstrap.servers": bootstrap } });
  await admin.createTopics(topics.map((name) => ({ name, partitions: PARTITIONS })));
}
