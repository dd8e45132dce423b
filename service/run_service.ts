/**
 * The skeleton every long-running service's `main` shares: `--help`, one line and exit code 2 for
 * a bad option, a taken port or a locked directory, JSON logs on stderr, SIGINT/SIGTERM as an
 * abort signal, and the service's data directory locked for the process's life.
 *
 * @module
 */
import { DirLockedError, lockDir } from "./dir_lock.ts";
import { helpText } from "./help.ts";
import { PortInUseError } from "./http_server.ts";
import { createJsonLogger, type Logger } from "./logger.ts";
import type { CliSpec, OptionTable } from "./options.ts";
import { UsageError, usageLine } from "./parse_cli.ts";

/** What {@linkcode runService} runs. */
export interface ServiceMain<C> {
  /** The option table: its name prefixes error lines, `--help` prints its text. */
  readonly cli: CliSpec<OptionTable>;
  /** The validated configuration; throws `UsageError` (one line naming the flag). */
  load(args: readonly string[], env: Readonly<Record<string, string>>): C;
  /** The directory locked while the service runs (one process per directory), if any. */
  lockDir?(config: C): string;
  /** Runs until `signal` aborts; returns the exit code. */
  run(config: C, logger: Logger, signal: AbortSignal): Promise<number>;
}

/** Where {@linkcode runService} writes. Default: the console. */
export interface ServiceIo {
  /** Receives stdout lines (the help text). */
  out(text: string): void;
  /** Receives stderr lines (errors and JSON log lines). */
  err(text: string): void;
}

const consoleIo: ServiceIo = { out: (t) => console.log(t), err: (t) => console.error(t) };

/**
 * Runs a service: returns 0 after `--help`, 2 after one line on stderr for a bad option, a
 * taken port or a locked directory, else what `service.run` returns.
 *
 * @example
 * ```ts
 * // main.ts: if (import.meta.main) Deno.exit(await runService(Deno.args, Deno.env.toObject(), main));
 * ```
 */
export async function runService<C>(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  service: ServiceMain<C>,
  io: ServiceIo = consoleIo,
): Promise<number> {
  const name = service.cli.name;
  if (args.includes("--help") || args.includes("-h")) {
    io.out(helpText(service.cli).trimEnd());
    return 0;
  }
  let config: C;
  try {
    config = service.load(args, env);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(usageLine(name, e.message));
    return 2;
  }
  // Log lines carry timestamps (JSON, one per line, on stderr).
  const logger = createJsonLogger({ write: io.err });
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  try {
    using _lock = service.lockDir
      ? lockDir(service.lockDir(config), {
        onStale: (owner) => logger.warn("took over a stale state-dir lock", { ...owner }),
      })
      : undefined;
    return await service.run(config, logger, stop.signal);
  } catch (e) {
    if (!(e instanceof PortInUseError || e instanceof DirLockedError)) throw e;
    io.err(`${name}: ${e.message}`);
    return 2;
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
  }
}
