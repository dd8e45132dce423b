/**
 * `deno task producer`: simulates IoT fleets and produces their readings to Kafka. Run with
 * `--help` for the flags. Exit codes: 0 success, 1 records failed or a runtime error, 2 bad flags
 * or fleet file.
 *
 * @module
 */
import { FleetError } from "./core/fleet.ts";
import { type CliConfig, parseCli, usage, UsageError } from "./cli.ts";
import { createReporter } from "./runtime/output.ts";
import { runProducer } from "./runtime/run.ts";

const encoder = new TextEncoder();

function writeAll(file: { writeSync(p: Uint8Array): number }, text: string): void {
  const bytes = encoder.encode(text);
  for (let done = 0; done < bytes.length;) done += file.writeSync(bytes.subarray(done));
}

function readConfig(args: readonly string[]): CliConfig | number {
  if (args.includes("--help") || args.includes("-h")) {
    writeAll(Deno.stdout, usage);
    return 0;
  }
  try {
    return parseCli({
      args,
      env: Deno.env.toObject(),
      readFile: (path) => Deno.readTextFileSync(path),
      now: Date.now,
      randomSeed: () => crypto.randomUUID().slice(0, 8),
    });
  } catch (error) {
    if (error instanceof UsageError || error instanceof FleetError) {
      writeAll(Deno.stderr, `producer: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

/** Runs the producer with `args` and returns the process exit code. */
export async function main(args: readonly string[]): Promise<number> {
  const config = readConfig(args);
  if (typeof config === "number") return config;
  const tty = Deno.stderr.isTerminal();
  const reporter = createReporter({
    tty,
    write: (text) => writeAll(tty ? Deno.stderr : Deno.stdout, text),
  });
  const abort = new AbortController();
  // The first signal stops generating and flushes what was sent; a second one gives up.
  const onSignal = () => {
    if (abort.signal.aborted) Deno.exit(130);
    reporter.event("stopping", { detail: "flushing; signal again to exit at once" });
    abort.abort();
  };
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  for (const name of signals) Deno.addSignalListener(name, onSignal);
  try {
    reporter.event("start", {
      bootstrap: config.bootstrap,
      seed: config.seed,
      start: new Date(config.startMs).toISOString(),
      rate: config.rate,
      count: config.count ?? null,
      durationMs: config.durationMs ?? null,
      streams: config.fleet.devices.reduce(
        (n, g) => n + g.count * (g.type === "vehicle" ? g.sensorsPerVehicle : 1),
        0,
      ),
    });
    const summary = await runProducer(config, { signal: abort.signal, reporter });
    const { disorder, commandStatuses, aborted, ...progress } = summary;
    reporter.summary(progress, { commandStatuses, aborted, ...(disorder ? { disorder } : {}) });
    return summary.failed > 0 ? 1 : 0;
  } catch (error) {
    reporter.event("error", { error: error instanceof Error ? error.message : String(error) });
    return 1;
  } finally {
    for (const name of signals) Deno.removeSignalListener(name, onSignal);
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
