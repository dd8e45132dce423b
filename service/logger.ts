/**
 * A tiny structured logger: one JSON object per line with a timestamp, passed into servers and
 * runtimes so libraries never write to the console directly.
 *
 * @module
 */

/** Log severities, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** The levels, lowest first (for option tables). */
export const logLevels: readonly LogLevel[] = ["debug", "info", "warn", "error"];

/** Extra fields of a log line (must be JSON-serialisable; never put secrets here). */
export type LogFields = Record<string, unknown>;

/** Writes structured log lines. */
export interface Logger {
  /** Logs at debug level. */
  debug(message: string, fields?: LogFields): void;
  /** Logs at info level. */
  info(message: string, fields?: LogFields): void;
  /** Logs at warn level. */
  warn(message: string, fields?: LogFields): void;
  /** Logs at error level. */
  error(message: string, fields?: LogFields): void;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Options for {@linkcode createJsonLogger}. */
export interface JsonLoggerOptions {
  /** Lowest level written. Default: "info". */
  level?: LogLevel;
  /** Receives each line without its newline. Default: `console.log`. */
  write?: (line: string) => void;
  /** Clock for the `ts` field. Default: `Date.now`. */
  now?: () => number;
}

/**
 * A logger writing `{"ts":"…","level":"info","msg":"…",…fields}` lines.
 *
 * @example
 * ```ts
 * import { createJsonLogger } from "@iot/service";
 * const log = createJsonLogger({ level: "debug" });
 * log.info("listening", { port: 9092 });
 * ```
 */
export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const min = RANK[options.level ?? "info"];
  const write = options.write ?? ((line: string) => console.log(line));
  const now = options.now ?? Date.now;
  const emit = (level: LogLevel) => (message: string, fields?: LogFields) => {
    if (RANK[level] < min) return;
    const line = { ts: new Date(now()).toISOString(), level, msg: message, ...fields };
    write(JSON.stringify(line, (_k, v) => typeof v === "bigint" ? v.toString() : v));
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Renders an unknown thrown value for a log field. */
export function errorField(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
