/**
 * Option tables: each option of an executable declared once (flag, environment variable,
 * default, doc, value name, kind, validation). The parser, the `--help` text and the defaults the
 * runtimes use all derive from the table, so no default is written twice.
 *
 * @module
 */
import type { z } from "zod";

/** How an option's text (from a flag or an environment variable) is read. */
export type OptionKind =
  | "string"
  | "number"
  | "integer"
  | "boolean"
  | "enum"
  | "list"
  | "map"
  | "repeatable";

/**
 * One declared option. Built with {@linkcode stringOption}, {@linkcode numberOption},
 * {@linkcode integerOption}, {@linkcode booleanOption}, {@linkcode enumOption},
 * {@linkcode listOption}, {@linkcode mapOption} or {@linkcode repeatableOption}; `T` is the parsed value's type and `Set` whether
 * it always has a value (a default, or required).
 */
export interface Option<T = unknown, Set extends boolean = boolean> {
  /** How text values are read. */
  readonly kind: OptionKind;
  /** Converts and validates a value (text, or a JSON value from the config file). */
  readonly schema: z.ZodType<T>;
  /** One-line description for `--help`. */
  readonly doc: string;
  /** The flag without `--`. Default: the option's key in kebab case (`dataDir` → `data-dir`). */
  readonly flag?: string;
  /** Environment variable. Default: `PREFIX_` + the key in upper snake case; `null` for none. */
  readonly env?: string | null;
  /** Placeholder of the value in `--help` (e.g. `N`, `DIR`). Default: by kind. */
  readonly value?: string;
  /** The value when no source sets it. */
  readonly default?: T;
  /** How `--help` shows a computed default (e.g. `--host`). Default: the default value. */
  readonly defaultText?: string;
  /** Whether a value must be given (the error names the flag, env var and config key). */
  readonly required?: boolean;
  /** Heading this option is listed under in `--help`. Default: the previous option's. */
  readonly group?: string;
  /** Allowed values (enum, list items) or map keys, listed in `--help` and in errors. */
  readonly values?: readonly string[];
  /** Marker for the type checker only. */
  readonly _set?: Set;
}

/** The options of one executable, by key (the key is also the config-file key). */
export type OptionTable = Readonly<Record<string, Option<unknown, boolean>>>;

type ValueOf<O> = O extends Option<infer V, boolean> ? V : never;

/** The parsed values of a table: options with a default or `required` are always set. */
export type OptionValues<T extends OptionTable> =
  & { -readonly [K in keyof T as T[K] extends Option<unknown, true> ? K : never]: ValueOf<T[K]> }
  & {
    -readonly [K in keyof T as T[K] extends Option<unknown, true> ? never : K]?: ValueOf<T[K]>;
  };

/** The defaults declared in a table (options without a default are absent). */
export type OptionDefaults<T extends OptionTable> = {
  readonly [K in keyof T as T[K] extends Option<unknown, true> ? K : never]: T[K] extends
    Option<infer V, boolean> ? V : never;
};

/** A word on the command line that is not a flag (e.g. `TOPIC` of `deno task tail TOPIC`). */
export interface Positional {
  /** Its name in `--help` and errors, e.g. `TOPIC`. */
  readonly name: string;
  /** One-line description for `--help`. */
  readonly doc: string;
  /** Whether it must be given (`missing TOPIC` otherwise). Default true. */
  readonly required?: boolean;
}

/** An executable's whole command line: its name, usage line, prefix, options and positionals. */
export interface CliSpec<T extends OptionTable = OptionTable> {
  /** Program name, used in error lines (`broker: …`). */
  readonly name: string;
  /** Usage line, e.g. `deno task broker [flags]`. */
  readonly usage: string;
  /** What the program does (first lines of `--help`). */
  readonly summary: string;
  /** Environment variable prefix without `_`, e.g. `BROKER`. */
  readonly prefix: string;
  /** The options. */
  readonly options: T;
  /** Whether `--config FILE` / `PREFIX_CONFIG` is accepted. Default true. */
  readonly configFile?: boolean;
  /** A flag given twice: `"error"` or `"last"` wins. Default `"last"`. */
  readonly repeated?: "error" | "last";
  /** Extra text printed after the options in `--help`. */
  readonly epilog?: string;
  /**
   * Words taken besides the flags, in order (optional ones last). Default none: any word that is
   * not a flag's value is an error. With positionals, a boolean flag takes a following word as its
   * value only when it is `true` or `false`.
   */
  readonly positionals?: readonly Positional[];
}

/** Defines an executable's command line (identity function that keeps the table's types). */
export function defineCli<const T extends OptionTable>(
  spec: CliSpec<T>,
): CliSpec<T> {
  return spec;
}

/** `dataDir` → `data-dir`. */
export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The flag (without `--`) of option `key`. */
export function flagOf(key: string, option: Option): string {
  return option.flag ?? kebab(key);
}

/** The environment variable of option `key`, or null. */
export function envOf(
  prefix: string,
  key: string,
  option: Option,
): string | null {
  if (option.env !== undefined) return option.env;
  return `${prefix}_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/**
 * The defaults declared in a table, for the runtimes to import (one place per default).
 *
 * @example
 * ```ts
 * import { defaultsOf, integerOption } from "@iot/service";
 * const d = defaultsOf({ port: integerOption({ doc: "port", default: 9092 }) });
 * d.port; // 9092
 * ```
 */
export function defaultsOf<T extends OptionTable>(
  options: T,
): OptionDefaults<T> {
  const out: Record<string, unknown> = {};
  for (const [key, o] of Object.entries(options)) {
    if (o.default !== undefined) out[key] = o.default;
  }
  return Object.freeze(out) as OptionDefaults<T>;
}
