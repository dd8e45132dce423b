/**
 * Test utility: deterministic sample values for any generated message at any version, built
 * from the normalized schemas the generator writes to `generated/schemas.json`.
 *
 * @module
 */

import { seededRandom } from "@iot/testing";
import schemas from "./generated/schemas.json" with { type: "json" };
import { uuidToString, ZERO_UUID_STRING } from "./wire.ts";

/** A version range as stored in schemas.json. */
interface Range {
  min: number;
  max: number;
}

/** A field as stored in schemas.json. */
interface Field {
  name: string;
  tsName: string;
  array: boolean;
  base: string;
  struct: boolean;
  versions: Range;
  nullable: Range;
  tag: number | null;
  default: string | null;
  fields: Field[] | null;
}

/** A message as stored in schemas.json. */
export interface Schema {
  /** e.g. `FetchRequest`. */
  name: string;
  /** The API key. */
  apiKey: number;
  /** `request` or `response`. */
  type: string;
  /** validVersions. */
  valid: Range;
  fields: Field[];
  commonStructs: { name: string; fields: Field[] }[];
}

/** Every generated request and response schema. */
export const SCHEMAS: readonly Schema[] = schemas as Schema[];

function within(v: number, r: Range): boolean {
  return v >= r.min && v <= r.max;
}

function intersect(a: Range, b: Range): Range {
  return { min: Math.max(a.min, b.min), max: Math.min(a.max, b.max) };
}

function defaultValue(f: Field, msg: Schema, ctx: Range): unknown {
  const d = f.default;
  if (f.array) return d === "null" ? null : [];
  if (f.struct) {
    return structDefault(structFields(msg, f), msg, structCtx(msg, f, ctx));
  }
  switch (f.base) {
    case "int64":
      return BigInt(d ?? "0");
    case "bool":
      return d === "true";
    case "string":
      return d === "null" ? null : d ?? "";
    case "uuid":
      return ZERO_UUID_STRING;
    case "bytes":
    case "records":
      return d === "null" ||
          (d === null && f.base === "records" && f.nullable.min <= f.nullable.max)
        ? null
        : new Uint8Array(0);
    default:
      return Number(d ?? "0");
  }
}

function structFields(msg: Schema, f: Field): Field[] {
  return f.fields ?? msg.commonStructs.find((s) => s.name === f.base)!.fields;
}

function structCtx(msg: Schema, f: Field, ctx: Range): Range {
  return f.fields ? intersect(f.versions, ctx) : msg.valid;
}

function live(fields: Field[], ctx: Range): Field[] {
  return fields.filter((f) => intersect(f.versions, ctx).min <= intersect(f.versions, ctx).max);
}

function structDefault(fields: Field[], msg: Schema, ctx: Range): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of live(fields, ctx)) out[f.tsName] = defaultValue(f, msg, ctx);
  return out;
}

const ALPHABET = "abcXYZ09._-é日";

function scalar(f: Field, rand: () => number, big: boolean): unknown {
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  switch (f.base) {
    case "int8":
      return int(-128, 127);
    case "int16":
      return int(-32768, 32767);
    case "uint16":
      return int(0, 65535);
    case "int32":
      return int(-(2 ** 31), 2 ** 31 - 1);
    case "int64":
      return BigInt.asIntN(64, (BigInt(int(0, 2 ** 32 - 1)) << 32n) | BigInt(int(0, 2 ** 32 - 1)));
    case "float64":
      return (rand() - 0.5) * 1e6;
    case "bool":
      return rand() < 0.5;
    case "string":
      return Array.from({ length: int(0, 8) }, () => ALPHABET[int(0, ALPHABET.length - 1)]).join(
        "",
      );
    case "uuid":
      return uuidToString(Uint8Array.from({ length: 16 }, () => int(0, 255)));
    default: // bytes, records: sometimes large enough to take the zero-copy path
      return Uint8Array.from(
        { length: big && rand() < 0.3 ? int(512, 900) : int(0, 6) },
        () => int(0, 255),
      );
  }
}

function value(f: Field, msg: Schema, ctx: Range, version: number, rand: () => number): unknown {
  if (within(version, f.nullable) && rand() < 0.2) return null;
  const one = () => {
    if (!f.struct) return scalar(f, rand, !f.array);
    return struct(structFields(msg, f), msg, structCtx(msg, f, ctx), version, rand);
  };
  if (!f.array) return one();
  return Array.from({ length: rand() < 0.15 ? 0 : 1 + Math.floor(rand() * 2) }, one);
}

function struct(
  fields: Field[],
  msg: Schema,
  ctx: Range,
  version: number,
  rand: () => number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of live(fields, ctx)) {
    out[f.tsName] = within(version, f.versions)
      ? value(f, msg, ctx, version, rand)
      : defaultValue(f, msg, ctx);
  }
  return out;
}

/**
 * A sample body for `msg` at `version`: fields on the wire in that version get random values
 * (nulls where allowed), others their defaults, so decode(encode(x)) must equal x.
 */
export function sampleValue(msg: Schema, version: number, seed: number): Record<string, unknown> {
  return struct(msg.fields, msg, msg.valid, version, seededRandom(seed * 7919 + version));
}
