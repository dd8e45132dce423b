/**
 * The benchmark's external contenders, run as child processes and timed by wall clock: kcat
 * (librdkafka's CLI) and the Java client's ProducerPerformance / ConsumerPerformance tools.
 *
 * @module
 */
import { javaArgs, type KafkaRuntime } from "@iot/testing";
import { PHASE_TIMEOUT_MS, RECORD_SIZE } from "./kafka_ours.ts";

/** A throughput a tool reported about itself. */
export interface ToolFigure {
  msgsPerSec: number;
  mibPerSec: number;
  /** What the tool's clock covers. */
  covers: string;
}

/** One timed child process: wall seconds from spawn to exit, and the tool's own figure if any. */
export interface ProcessTiming {
  seconds: number;
  tool?: ToolFigure;
}

/**
 * Writes `n` lines of {@linkcode RECORD_SIZE} characters plus `\n` to `path`; kcat strips the
 * delimiter, so each line becomes one 100-byte record.
 */
export async function writeKcatInput(path: string, n: number): Promise<void> {
  const line = RECORD_SIZE + 1;
  const perBlock = 10_000;
  const block = new Uint8Array(perBlock * line);
  const encoder = new TextEncoder();
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  for (let start = 0; start < n; start += perBlock) {
    const count = Math.min(perBlock, n - start);
    block.fill(0x78); // "x"
    for (let i = 0; i < count; i++) {
      encoder.encodeInto(String(start + i), block.subarray(i * line, i * line + RECORD_SIZE));
      block[i * line + RECORD_SIZE] = 0x0a;
    }
    const bytes = block.subarray(0, count * line);
    for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
  }
}

/** Produces every line of `inputPath` with `kcat -P -l` and `acks=1`. */
export async function produceKcat(
  bootstrap: string,
  topic: string,
  inputPath: string,
): Promise<ProcessTiming> {
  const args = ["-P", "-b", bootstrap, "-t", topic, "-X", "acks=1", "-q", "-l", inputPath];
  const { seconds } = await run("kcat", args);
  return { seconds };
}

/**
 * Consumes `n` records with `kcat -C -o beginning -e -c N`, printing only offsets into
 * `offsetsPath`, then checks there are exactly `n` of them, the last being `n - 1`.
 */
export async function consumeKcat(
  bootstrap: string,
  topic: string,
  n: number,
  offsetsPath: string,
): Promise<ProcessTiming> {
  const kcat = ["-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-c", String(n)];
  // The shell points stdout at a file, so no pipe through this process costs CPU while timing.
  const script = 'out="$1"; shift; exec "$@" >"$out"';
  const { seconds } = await run("sh", [
    "-c",
    script,
    "sh",
    offsetsPath,
    "kcat",
    ...kcat,
    "-q",
    "-f",
    "%o\\n",
  ]);
  const offsets = (await Deno.readTextFile(offsetsPath)).trimEnd().split("\n");
  if (offsets.length !== n || offsets.at(-1) !== String(n - 1)) {
    throw new Error(
      `kcat: consumed ${offsets.length} records ending at offset ${offsets.at(-1)}, expected ${n}`,
    );
  }
  return { seconds };
}

/** Runs the Java client's ProducerPerformance: `n` 100-byte records, unthrottled, `acks=1`. */
export async function produceJava(
  runtime: KafkaRuntime,
  bootstrap: string,
  topic: string,
  n: number,
): Promise<ProcessTiming> {
  const args = [
    ...["--bootstrap-server", bootstrap, "--topic", topic, "--num-records", String(n)],
    ...["--record-size", String(RECORD_SIZE), "--throughput", "-1", "--command-property", "acks=1"],
  ];
  const { seconds, stdout } = await run(
    "java",
    javaArgs(runtime, "org.apache.kafka.tools.ProducerPerformance", args),
  );
  const tool = parseProducerPerformance(stdout);
  if (tool.records !== n) {
    throw new Error(`java: ProducerPerformance sent ${tool.records} of ${n} records`);
  }
  return { seconds, tool: tool.figure };
}

/** Runs the Java client's ConsumerPerformance for `n` records in group `bench-java`. */
export async function consumeJava(
  runtime: KafkaRuntime,
  bootstrap: string,
  topic: string,
  n: number,
): Promise<ProcessTiming> {
  const args = [
    ...["--bootstrap-server", bootstrap, "--topic", topic, "--num-records", String(n)],
    ...["--group", "bench-java", "--timeout", "30000"],
  ];
  const { seconds, stdout } = await run(
    "java",
    javaArgs(runtime, "org.apache.kafka.tools.ConsumerPerformance", args),
  );
  const tool = parseConsumerPerformance(stdout);
  if (tool.records !== n) {
    throw new Error(`java: ConsumerPerformance read ${tool.records} of ${n} records`);
  }
  return { seconds, tool: tool.figure };
}

/**
 * Reads ProducerPerformance's summary, the last `N records sent, R records/sec (M MB/sec), ...`
 * line (its clock runs from before the first send until `close()` returned; MB = 2^20 bytes).
 */
export function parseProducerPerformance(stdout: string): { records: number; figure: ToolFigure } {
  const summaries = [
    ...stdout.matchAll(/^(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\)/gm),
  ];
  const last = summaries.at(-1);
  if (!last) throw new Error(`java: no summary line in ProducerPerformance output:\n${stdout}`);
  return {
    records: Number(last[1]),
    figure: {
      msgsPerSec: Number(last[2]),
      mibPerSec: Number(last[3]),
      covers: "first send .. close(), in the JVM",
    },
  };
}

/**
 * Reads ConsumerPerformance's result row (`start.time, end.time, ..., nMsg.sec, ...`); its
 * `nMsg.sec` covers subscribe, group join and fetching (MB = 2^20 bytes).
 */
export function parseConsumerPerformance(stdout: string): { records: number; figure: ToolFigure } {
  const lines = stdout.split("\n").map((line) => line.trim());
  const at = lines.findIndex((line) => line.startsWith("start.time"));
  const header = at < 0 ? [] : lines[at].split(/,\s*/);
  const values = at < 0 ? [] : (lines[at + 1] ?? "").split(/,\s*/);
  const field = (name: string) => {
    const value = Number(values[header.indexOf(name)]);
    if (!Number.isFinite(value)) {
      throw new Error(`java: no ${name} in ConsumerPerformance output:\n${stdout}`);
    }
    return value;
  };
  return {
    records: field("data.consumed.in.nMsg"),
    figure: {
      msgsPerSec: field("nMsg.sec"),
      mibPerSec: field("MB.sec"),
      covers: "subscribe + group join + fetch, in the JVM",
    },
  };
}

/**
 * Runs `command` to its exit within the phase timeout; returns its wall seconds and output, or
 * throws with the tail of its stderr.
 */
export async function run(
  command: string,
  args: string[],
): Promise<{ seconds: number; stdout: string; stderr: string }> {
  const t0 = performance.now();
  const output = await new Deno.Command(command, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(PHASE_TIMEOUT_MS),
  }).output();
  const seconds = (performance.now() - t0) / 1000;
  const decoder = new TextDecoder();
  const stderr = decoder.decode(output.stderr);
  if (!output.success) {
    const tail = stderr.trimEnd().split("\n").slice(-10).join("\n");
    throw new Error(`${command} exited with code ${output.code}:\n${tail}`);
  }
  return { seconds, stdout: decoder.decode(output.stdout), stderr };
}
