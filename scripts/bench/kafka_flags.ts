/**
 * Command-line flags of the Kafka client benchmark (`deno task bench:kafka`).
 *
 * @module
 */

/** Parsed flags. */
export interface BenchFlags {
  /** Records each contender produces and then consumes. Default 1 000 000. */
  messages: number;
  /** Alternating rounds of ours and kcat; each keeps its best round. Default 3. */
  rounds: number;
  /** Print the results as JSON on stdout instead of a table. Default false. */
  json: boolean;
  /** Print the usage text and exit. Default false. */
  help: boolean;
}

/** The default of {@linkcode BenchFlags.messages}. */
export const DEFAULT_MESSAGES = 1_000_000;
const MAX_MESSAGES = 100_000_000;

/** The usage text for `--help`. */
export const USAGE = `Usage: deno task bench:kafka [--messages N] [--rounds R] [--json] [--help]

Starts one dedicated Kafka broker, then for each client (ours, kcat, the Java client) produces N
100-byte records to a fresh 1-partition topic and consumes them back, and prints throughput.

  --messages N  records per contender, 1..${MAX_MESSAGES} (default ${DEFAULT_MESSAGES}; "1_000_000" ok)
  --rounds R    alternating rounds of ours and kcat, best of each kept, 1..20 (default 3)
  --json        print the results as JSON on stdout (progress still goes to stderr)
  --help, -h    print this text`;

/** Thrown for flags that cannot be parsed; the message is one line meant for the user. */
export class FlagError extends Error {
  /** Creates the error with a one-line `message`. */
  constructor(message: string) {
    super(message);
    this.name = "FlagError";
  }
}

/**
 * Parses `args` (`--messages N`, `--messages=N`, `--rounds R`, `--json`, `--help`/`-h`); throws a
 * {@linkcode FlagError} naming the first bad flag.
 *
 * @example
 * ```ts
 * import { parseFlags } from "./kafka_flags.ts";
 * parseFlags(["--messages", "200_000"]); // { messages: 200000, rounds: 3, json: false, help: false }
 * ```
 */
export function parseFlags(args: readonly string[]): BenchFlags {
  const flags: BenchFlags = { messages: DEFAULT_MESSAGES, rounds: 3, json: false, help: false };
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = splitFlag(args[i]);
    switch (name) {
      case "--help":
      case "-h":
        noValue(name, inline);
        flags.help = true;
        break;
      case "--json":
        noValue(name, inline);
        flags.json = true;
        break;
      case "--messages": {
        const value = inline ?? args[++i];
        if (value === undefined) {
          throw new FlagError("--messages needs a value, e.g. --messages 200000");
        }
        flags.messages = parseCount(name, value);
        break;
      }
      case "--rounds": {
        const value = inline ?? args[++i];
        if (value === undefined) throw new FlagError("--rounds needs a value, e.g. --rounds 3");
        flags.rounds = parseCount(name, value);
        if (flags.rounds > 20) throw new FlagError(`--rounds must be 1..20, got ${value}`);
        break;
      }
      default:
        throw new FlagError(`unknown flag ${JSON.stringify(args[i])} (see --help)`);
    }
  }
  return flags;
}

function splitFlag(arg: string): [string, string | undefined] {
  const eq = arg.indexOf("=");
  return arg.startsWith("--") && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}

function noValue(name: string, inline: string | undefined): void {
  if (inline !== undefined) throw new FlagError(`${name} takes no value`);
}

function parseCount(name: string, text: string): number {
  if (!/^\d+(_\d+)*$/.test(text)) {
    throw new FlagError(`${name} must be a whole number, got ${JSON.stringify(text)}`);
  }
  const value = Number(text.replaceAll("_", ""));
  if (value < 1 || value > MAX_MESSAGES) {
    throw new FlagError(`${name} must be between 1 and ${MAX_MESSAGES}, got ${text}`);
  }
  return value;
}
