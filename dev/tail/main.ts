/**
 * `deno task tail TOPIC`: prints a topic's records as JSON lines (see `--help`). Exit codes: 0
 * done or stopped, 1 unknown topic or unreachable Kafka, 2 bad flags, 3 librdkafka missing.
 *
 * @module
 */
import { type KafkaConfig, LibrdkafkaNotFoundError, loadClientProperties } from "@iot/kafka";
import { usageLine } from "@iot/service";
import { parseTailArgs, tailUsage } from "./options.ts";
import { runTail, TailError } from "./tail.ts";

const encoder = new TextEncoder();

function writeAll(file: { writeSync(p: Uint8Array): number }, text: string): void {
  const bytes = encoder.encode(text);
  for (let done = 0; done < bytes.length;) done += file.writeSync(bytes.subarray(done));
}

/** The `--kafka-properties` file's settings; a bad file is a TypeError naming the flag. */
function propertiesOf(path: string | undefined): KafkaConfig {
  try {
    return loadClientProperties(path);
  } catch (e) {
    throw new TypeError(`--kafka-properties: ${(e as Error).message}`);
  }
}

/** Runs the tail with `args` and returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  let options, kafkaConfig: KafkaConfig = {};
  try {
    options = parseTailArgs(args, Deno.env.toObject());
    // The file's name is in the message, never its text (it holds secrets).
    if (options !== "help") kafkaConfig = propertiesOf(options.kafkaProperties);
  } catch (e) {
    writeAll(Deno.stderr, `${usageLine("tail", (e as Error).message)}\n`);
    return 2;
  }
  if (options === "help") {
    writeAll(Deno.stdout, tailUsage);
    return 0;
  }
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  try {
    await runTail(options, {
      write: (line) => writeAll(Deno.stdout, `${line}\n`),
      signal: stop.signal,
      kafkaConfig,
    });
    return 0;
  } catch (e) {
    if (e instanceof TailError) {
      writeAll(Deno.stderr, `tail: ${e.message}\n`);
      return 1;
    }
    if (e instanceof LibrdkafkaNotFoundError) {
      writeAll(Deno.stderr, `tail: ${e.message.split("\n")[0]}\n`);
      return 3;
    }
    throw e;
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
