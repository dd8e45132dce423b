/**
 * The option builders of option tables: one per kind of value (string, number, integer, boolean,
 * enum, list, repeatable map, repeatable string). Each converts text from a flag or an environment variable (or a
 * JSON value from the config file) and validates it with zod; errors are one short phrase.
 *
 * @module
 */
import { z } from "zod";
import type { Option } from "./options.ts";

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

/**
 * Text `a,b` (or a JSON array), each item validated by `item`. `empty`: the error for no items
 * (and for a value that is no list), or null when an empty list is fine.
 */
function itemsSchema<V>(item: z.ZodType<V>, empty: string | null): z.ZodType<V[]> {
  return z.unknown().transform((v, ctx) => {
    const items = typeof v === "string" ? v.split(",").map((s) => s.trim()) : v;
    if (!Array.isArray(items) || (empty !== null && items.length === 0)) {
      ctx.addIssue({
        code: "custom",
        message: empty ?? `expected a list, got ${JSON.stringify(v)}`,
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
  const schema = itemsSchema(oneOfSchema(values), `expected a list of ${values.join(", ")}`);
  return {
    kind: "list",
    value: "a,b",
    ...o,
    values,
    schema,
  } as unknown as Option<V[], IsSet<O>>;
}

/** `a=b=c` → `["a", "b=c"]`; without `=` the value is empty (and rejected). */
function splitPair(pair: string): [string, string] {
  const eq = pair.indexOf("=");
  return eq < 0 ? [pair, ""] : [pair.slice(0, eq), pair.slice(eq + 1)];
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
      ? v.split(",").map(splitPair)
      : Array.isArray(v)
      ? v.map((p) => splitPair(String(p)))
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
  const option = { kind: "map", value, default: {}, ...o, values: keys, schema };
  return option as unknown as Option<Partial<Record<K, string>>, true>;
}

/** Fields of {@linkcode repeatableOption}. */
export interface RepeatableOptionFields extends CommonOptionFields {
  /** Validates each value. Default: any non-empty string. */
  item?: z.ZodType<string>;
}

/**
 * A repeatable flag whose values are kept in order, each as given (`--overheat a@30s --overheat
 * b`); in the environment `A,B`; in the config file a JSON array. Default: none (`[]`).
 */
export function repeatableOption<const O extends RepeatableOptionFields>(
  o: O,
): Option<string[], true> {
  const item = o.item ?? z.string().min(1, "must not be empty");
  const schema = itemsSchema(item, null);
  const { item: _, ...fields } = o;
  const option = { kind: "repeatable", value: "TEXT", default: [], ...fields, schema };
  return option as unknown as Option<string[], true>;
}
