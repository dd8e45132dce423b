/**
 * Option tables: each option of an executable declared once (flag, environment variable,
 * default, doc, value name, kind, validation). The parser, the `--help` text and the defaults the
 * runtimes use all derive from the table, so no default is written twice.
 *
 * @module
 */
import { z } from "zod";

/** How an option's text (from a flag or an environment variable) is read. */
export type OptionKind =
  | "string"
  | "number"
  | "integer"
  | "boolean"
  | "enum"
  | "list"
  | "map";

/**
 * One declared option. Built with {@linkcode stringOption}, {@linkcode numberOption},
 * {@linkcode integerOption}, {@linkcode booleanOption}, {@linkcode enumOption},
 * {@linkcode listOption} or {@linkcode mapOption}; `T` is the parsed value's type and `Set` whether
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

/** Fields every option builder takes. */
export interface CommonOptionFields {
  /** One-line description for `--help`. */
  doc: string;
  /** The flag without `--`. Default: the key in kebab case. */
  flag?: string;
  /** Environment variable; `null` for none. Default: `PREFIX_KEY_IN_SNAKE_CASE`. */
  env?: string | null;
  /** Placeholder of the value in `--help`. */
  value?: string;
  /** How `--help` shows a computed default. */
  defaultText?: string;
  /** Whether a value must be given. */
  required?: boolean;
  /** Heading in `--help`. */
  group?: string;
}

type IsSet<O> = O extends { default: unknown } ? true
  : O extends { required: true } ? true
  : false;

const isNumberText = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

function numberSchema(
  integer: boolean,
  min?: number,
  max?: number,
): z.ZodType<number> {
  return z.unknown().transform((v, ctx) => {
    const n = typeof v === "string" && isNumberText.test(v.trim()) ? Number(v) : v;
    const problem = typeof n !== "number" || !Number.isFinite(n)
      ? `expected a number, got ${JSON.stringify(v)}`
      : integer && !Number.isSafeInteger(n)
      ? `expected an integer, got ${JSON.stringify(v)}`
      : min !== undefined && n < min
      ? `must be at least ${min}, got ${n}`
      : max !== undefined && n > max
      ? `must be at most ${max}, got ${n}`
      : undefined;
    if (problem === undefined) return n as number;
    ctx.addIssue({ code: "custom", message: problem });
    return z.NEVER;
  });
}

/** Fields of {@linkcode numberOption} and {@linkcode integerOption}. */
export interface NumberOptionFields extends CommonOptionFields {
  /** Default value. */
  default?: number;
  /** Smallest allowed value. */
  min?: number;
  /** Largest allowed value. */
  max?: number;
}

/** A number (`1.5`, `-1`, `1e3`). */
export function numberOption<const O extends NumberOptionFields>(
  o: O,
): Option<number, IsSet<O>> {
  return {
    kind: "number",
    value: "N",
    ...o,
    schema: numberSchema(false, o.min, o.max),
  };
}

/** An integer (`-1` is a value, not a flag). */
export function integerOption<const O extends NumberOptionFields>(
  o: O,
): Option<number, IsSet<O>> {
  return {
    kind: "integer",
    value: "N",
    ...o,
    schema: numberSchema(true, o.min, o.max),
  };
}

/** Fields of {@linkcode stringOption}. */
export interface StringOptionFields<T> extends CommonOptionFields {
  /** Default value. */
  default?: T;
  /** Validates (and may transform) the text. Default: any non-empty string. */
  schema?: z.ZodType<T>;
}

type StringValue<O> = O extends { schema: z.ZodType<infer T> } ? T : string;

/** A string, validated by `schema` (which may also transform it, e.g. `5m` → 300000). */
export function stringOption<const O extends StringOptionFields<unknown>>(
  o: O,
): Option<StringValue<O>, IsSet<O>> {
  const inner = o.schema ?? z.string().min(1, "must not be empty");
  const schema = z.unknown().transform((v, ctx) => {
    const text = typeof v === "number" ? String(v) : v;
    if (typeof text !== "string") {
      ctx.addIssue({ code: "custom", message: `expected a string, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return text;
  }).pipe(inner as z.ZodType<unknown, string>);
  return { kind: "string", value: "TEXT", ...o, schema } as unknown as Option<
    StringValue<O>,
    IsSet<O>
  >;
}

/** Fields of {@linkcode booleanOption}. */
export interface BooleanOptionFields extends CommonOptionFields {
  /** Default value. */
  default?: boolean;
}

/**
 * A boolean: `--x` alone is true; `--x true`, `--x false`, `--x=false` set it; in the environment
 * or the config file `true`/`false`.
 */
export function booleanOption<const O extends BooleanOptionFields>(
  o: O,
): Option<boolean, IsSet<O>> {
  const schema = z.unknown().transform((v, ctx) => {
    if (v === true || v === "true") return true;
    if (v === false || v === "false") return false;
    ctx.addIssue({
      code: "custom",
      message: `expected true or false, got ${JSON.stringify(v)}`,
    });
    return z.NEVER;
  });
  return { kind: "boolean", value: "true|false", ...o, schema };
}

function oneOfSchema<V extends string>(
  values: readonly V[],
  what = "one of",
): z.ZodType<V> {
  return z.unknown().transform((v, ctx) => {
    if (typeof v === "string" && (values as readonly string[]).includes(v)) {
      return v as V;
    }
    ctx.addIssue({
      code: "custom",
      message: `expected ${what} ${values.join(", ")}; got ${JSON.stringify(v)}`,
    });
    return z.NEVER;
  });
}

/** Fields of {@linkcode enumOption}. */
export interface EnumOptionFields<V extends string> extends CommonOptionFields {
  /** Default value. */
  default?: V;
}

/** One of `values`; an error lists them. */
export function enumOption<
  V extends string,
  const O extends EnumOptionFields<V>,
>(
  values: readonly V[],
  o: O & EnumOptionFields<V>,
): Option<V, IsSet<O>> {
  return {
    kind: "enum",
    value: values.join("|"),
    ...o,
    values,
    schema: oneOfSchema(values),
  };
}

/** Fields of {@linkcode listOption}. */
export interface ListOptionFields<V extends string> extends CommonOptionFields {
  /** Default value. */
  default?: readonly V[];
}

/** A comma-separated list (`--jobs a,b`; a JSON array in the config file) of `values`. */
export function listOption<
  V extends string,
  const O extends ListOptionFields<V>,
>(
  values: readonly V[],
  o: O & ListOptionFields<V>,
): Option<V[], IsSet<O>> {
  const item = oneOfSchema(values);
  const schema = z.unknown().transform((v, ctx) => {
    const items = typeof v === "string" ? v.split(",").map((s) => s.trim()) : v;
    if (!Array.isArray(items) || items.length === 0) {
      ctx.addIssue({
        code: "custom",
        message: `expected a list of ${values.join(", ")}`,
      });
      return z.NEVER;
    }
    const out: V[] = [];
    for (const x of items) {
      const r = item.safeParse(x);
      if (!r.success) {
        ctx.addIssue({ code: "custom", message: r.error.issues[0].message });
        return z.NEVER;
      }
      out.push(r.data);
    }
    return out;
  });
  return {
    kind: "list",
    value: "a,b",
    ...o,
    values,
    schema,
  } as unknown as Option<V[], IsSet<O>>;
}

/** Fields of {@linkcode mapOption}. */
export interface MapOptionFields extends CommonOptionFields {
  /** Default value. Default: empty. */
  default?: Readonly<Record<string, string>>;
}

/**
 * A repeatable `KEY=VALUE` flag (`--topic sensorReadings=a.readings --topic …`); in the
 * environment `K=V,K=V`; in the config file a JSON object. Keys must be one of `keys`.
 */
export function mapOption<K extends string, const O extends MapOptionFields>(
  keys: readonly K[],
  o: O & MapOptionFields,
): Option<Partial<Record<K, string>>, true> {
  const value = o.value ?? "KEY=VALUE";
  const expected = `expected ${value} with ${value.split("=")[0]} one of ${keys.join(", ")}`;
  const schema = z.unknown().transform((v, ctx) => {
    const pairs: [string, unknown][] = typeof v === "string"
      ? v.split(",").map((
        p,
      ) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)])
      : Array.isArray(v)
      ? v.map((
        p,
      ) => [
        String(p).slice(0, String(p).indexOf("=")),
        String(p).split("=").slice(1).join("="),
      ])
      : typeof v === "object" && v !== null
      ? Object.entries(v)
      : [];
    const out: Partial<Record<K, string>> = {};
    for (const [k, value] of pairs) {
      if (
        !(keys as readonly string[]).includes(k) || typeof value !== "string" ||
        value === ""
      ) {
        ctx.addIssue({
          code: "custom",
          message: `${expected}; got ${JSON.stringify(`${k}=${value}`)}`,
        });
        return z.NEVER;
      }
      out[k as K] = value;
    }
    return out;
  });
  const option = {
    kind: "map",
    value: "KEY=VALUE",
    default: {},
    ...o,
    values: keys,
    schema,
  };
  return option as unknown as Option<Partial<Record<K, string>>, true>;
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

/** An executable's whole command line: its name, usage line, prefix and options. */
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
