/**
 * The one command-line parser of every executable: flags win, then `PREFIX_*` environment
 * variables, then an optional JSON config file (`--config FILE` / `PREFIX_CONFIG`), then the
 * table's defaults; validated once with zod. Positional words, when the table declares them, come
 * back in order. Pure: the caller passes `args`, `env` and `readFile`.
 *
 * @module
 */
import { z } from "zod";
import {
  type CliSpec,
  envOf,
  flagOf,
  type Option,
  type OptionTable,
  type OptionValues,
} from "./options.ts";
import { helpText } from "./help.ts";

/** A bad flag, environment variable or config-file value; the message is one line naming it. */
export class UsageError extends Error {
  /** @param message what is wrong, naming the flag (as typed), env var or config key. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}

/**
 * The one line a program prints for a bad command line: `name: message (see --help)`, the hint
 * left out when the message already names `--help`.
 */
export function usageLine(program: string, message: string): string {
  return `${program}: ${message}${message.includes("--help") ? "" : " (see --help)"}`;
}

/** What a `main.ts` hands to {@linkcode parseCli}. */
export interface CliInput {
  /** Command-line arguments (`Deno.args`). */
  readonly args: readonly string[];
  /** Environment variables (`Deno.env.toObject()`). Default: none. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Reads the config file's text. Default: config files are refused. */
  readonly readFile?: (path: string) => string;
}

/** The result of {@linkcode parseCli}: the help text, or the validated values. */
export type CliResult<T extends OptionTable> =
  | { readonly help: true; readonly text: string }
  | {
    readonly help: false;
    /** The validated values, defaults filled in. */
    readonly values: OptionValues<T>;
    /** The positional words given, in the order of the spec's `positionals`. */
    readonly positionals: readonly string[];
    /** Where a key's value came from, as the user wrote it: `--flag`, `ENV_VAR`, `"key" in FILE`. */
    readonly sourceOf: (key: keyof T & string) => string;
  };

interface Entry {
  key: string;
  option: Option;
}

function byFlag(spec: CliSpec): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const [key, option] of Object.entries(spec.options)) {
    out.set(flagOf(key, option), { key, option });
  }
  return out;
}

function unknownFlag(name: string, flags: Map<string, Entry>): UsageError {
  const kebab = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const hint = kebab !== name && flags.has(kebab) ? `did you mean --${kebab}? ` : "";
  return new UsageError(`unknown flag --${name} (${hint}see --help)`);
}

/**
 * Splits arguments into flag name → values (in order). `--flag value` and `--flag=value`; a value
 * may start with one `-` (`--retention-ms -1`), but a flag right after a flag is a missing value;
 * a boolean flag followed by a flag (or nothing) is `true`; `help` (`--help`, `-h`) is `true`.
 * A word that is no flag's value is an error unless the spec declares positionals
 * ({@linkcode splitCommandLine} returns those).
 */
export function splitArgs(
  spec: CliSpec,
  args: readonly string[],
): Map<string, string[]> {
  return splitCommandLine(spec, args).flags;
}

/**
 * {@linkcode splitArgs} that also returns the positional words. With positionals declared, a
 * boolean flag takes the next word only when it is `true` or `false`
 * (`--from-beginning alerts` is the flag and the topic).
 */
export function splitCommandLine(
  spec: CliSpec,
  args: readonly string[],
): { flags: Map<string, string[]>; positionals: string[] } {
  const flags = byFlag(spec);
  const out = new Map<string, string[]>();
  const positionals: string[] = [];
  const takesWords = (spec.positionals?.length ?? 0) > 0;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "-h" || arg === "--help") {
      out.set("help", ["true"]);
      continue;
    }
    if (!arg.startsWith("--")) {
      if (takesWords && !arg.startsWith("-")) {
        positionals.push(arg);
        continue;
      }
      throw new UsageError(`unexpected argument "${arg}"`);
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const isConfig = name === "config" && spec.configFile !== false;
    const entry = flags.get(name);
    if (!entry && !isConfig) throw unknownFlag(name, flags);
    let value: string;
    const next = args[i + 1];
    const isBoolean = entry?.option.kind === "boolean";
    const hasNext = next !== undefined && !next.startsWith("--") && next !== "-h" &&
      !(takesWords && isBoolean && next !== "true" && next !== "false");
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (hasNext) value = args[++i];
    else if (isBoolean) value = "true";
    else throw new UsageError(`--${name} needs a value`);
    const previous = out.get(name);
    if (previous && repeats(entry?.option)) previous.push(value);
    else if (previous && spec.repeated === "error") {
      throw new UsageError(`--${name} given twice`);
    } else out.set(name, [value]);
  }
  return { flags: out, positionals };
}

/** Whether every value of a repeated flag is kept (not only the last). */
function repeats(option: Option | undefined): boolean {
  return option?.kind === "map" || option?.kind === "repeatable";
}

/** Checks the positional words against the spec: none too many, every required one given. */
function checkPositionals(spec: CliSpec, words: readonly string[]): void {
  const declared = spec.positionals ?? [];
  if (words.length > declared.length) {
    const after = declared.length === 0 ? "" : ` after ${declared.at(-1)!.name}`;
    throw new UsageError(`unexpected argument "${words[declared.length]}"${after}`);
  }
  const missing = declared.slice(words.length).find((p) => p.required !== false);
  if (missing) throw new UsageError(`missing ${missing.name}`);
}

function readConfigFile(
  path: string,
  label: string,
  input: CliInput,
): Record<string, unknown> {
  if (!input.readFile) {
    throw new UsageError(`${label}: config files are not supported here`);
  }
  let text: string;
  try {
    text = input.readFile(path);
  } catch (cause) {
    throw new UsageError(
      `${label}: cannot read ${path}: ${(cause as Error).message}`,
      { cause },
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new UsageError(
      `${label}: ${path} is not JSON: ${(cause as Error).message}`,
      { cause },
    );
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new UsageError(`${label}: ${path} must hold a JSON object`);
  }
  return data as Record<string, unknown>;
}

/** Collects raw values by key with their source labels: defaults < file < env < flags. */
function collect(
  spec: CliSpec,
  flags: Map<string, string[]>,
  input: CliInput,
): { raw: Record<string, unknown>; source: Record<string, string> } {
  const raw: Record<string, unknown> = {};
  const source: Record<string, string> = {};
  const env = input.env ?? {};
  const options = Object.entries(spec.options);
  for (const [key, o] of options) {
    if (o.default !== undefined) {
      [raw[key], source[key]] = [o.default, `default of --${flagOf(key, o)}`];
    }
  }
  const configEnv = `${spec.prefix}_CONFIG`;
  const configFlag = flags.get("config")?.at(-1);
  const configPath = configFlag ??
    (spec.configFile === false ? undefined : env[configEnv]);
  if (configPath !== undefined) {
    const label = configFlag !== undefined ? "--config" : configEnv;
    const file = readConfigFile(configPath, label, input);
    for (const [key, value] of Object.entries(file)) {
      if (!Object.hasOwn(spec.options, key)) {
        throw new UsageError(
          `"${key}" in ${configPath}: unknown key (see --help)`,
        );
      }
      [raw[key], source[key]] = [value, `"${key}" in ${configPath}`];
    }
  }
  for (const [key, o] of options) {
    const name = envOf(spec.prefix, key, o);
    const value = name === null ? undefined : env[name];
    if (value !== undefined) [raw[key], source[key]] = [value, name!];
  }
  for (const [key, o] of options) {
    const flag = flagOf(key, o);
    const values = flags.get(flag);
    if (values === undefined) continue;
    raw[key] = repeats(o) ? values : values[0];
    source[key] = `--${flag}`;
  }
  return { raw, source };
}

/**
 * Parses an executable's command line against its table.
 *
 * @example
 * ```ts
 * import { defineCli, integerOption, parseCli } from "@iot/service";
 * const cli = defineCli({
 *   name: "demo",
 *   usage: "demo [flags]",
 *   summary: "A demo.",
 *   prefix: "DEMO",
 *   options: { port: integerOption({ doc: "port", default: 9092, min: 0 }) },
 * });
 * const result = parseCli(cli, { args: ["--port", "0"], env: { DEMO_PORT: "1" } });
 * if (!result.help) result.values.port; // 0
 * ```
 */
export function parseCli<T extends OptionTable>(
  spec: CliSpec<T>,
  input: CliInput,
): CliResult<T> {
  // `--help` wins over anything else on the line, even a bad flag.
  if (input.args.some((a) => a === "--help" || a === "-h")) {
    return { help: true, text: helpText(spec) };
  }
  const { flags, positionals } = splitCommandLine(spec, input.args);
  checkPositionals(spec, positionals);
  const { raw, source } = collect(spec, flags, input);
  const shape: Record<string, z.ZodType> = {};
  for (const [key, o] of Object.entries(spec.options)) {
    if (raw[key] === undefined && o.required) {
      const env = envOf(spec.prefix, key, o);
      const alternatives = [
        env,
        spec.configFile === false ? null : `"${key}" in --config`,
      ]
        .filter((x) => x !== null).join(" or ");
      throw new UsageError(
        `--${flagOf(key, o)} is required${alternatives ? ` (or ${alternatives})` : ""}`,
      );
    }
    shape[key] = o.schema.optional();
  }
  const parsed = z.object(shape).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue.path[0]);
    throw new UsageError(`${source[key] ?? key}: ${issue.message}`);
  }
  return {
    help: false,
    values: parsed.data as OptionValues<T>,
    positionals,
    sourceOf: (key) => source[key] ?? `--${flagOf(key, spec.options[key])}`,
  };
}
