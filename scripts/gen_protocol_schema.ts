/**
 * Normalized form of Apache Kafka's JSON message schemas, as used by the codec generator
 * (`gen_protocol.ts`) and, via `broker/protocol/generated/schemas.json`, by the codec tests.
 *
 * @module
 */

/** An inclusive version range; `max` is 32767 for open ranges (`"3+"`); empty if min > max. */
export interface Range {
  /** Lowest version, inclusive. */
  min: number;
  /** Highest version, inclusive. */
  max: number;
}

/** One field of a message or struct. */
export interface FieldSpec {
  /** Kafka name (PascalCase). */
  name: string;
  /** TypeScript property name (camelCase). */
  tsName: string;
  /** Kafka type as written: `int32`, `string`, `[]int32`, `[]Topic`, `LeaderIdAndEpoch`... */
  type: string;
  /** `true` for `[]X` types. */
  array: boolean;
  /** Element (or scalar) type: a primitive name or a struct name. */
  base: string;
  /** `true` if `base` is a struct. */
  struct: boolean;
  /** Versions in which the field is on the wire. */
  versions: Range;
  /** Versions in which it may be null. */
  nullable: Range;
  /** Versions in which it is a tagged field (empty if never). */
  tagged: Range;
  /** Tag number, for tagged fields. */
  tag: number | null;
  /** The schema's `default`, as a string, if any. */
  default: string | null;
  /** May be dropped silently when writing a version that lacks it. */
  ignorable: boolean;
  /** Field-level `flexibleVersions` override (only `ClientId` in the header uses it). */
  flexible: Range | null;
  /** Documentation. */
  about: string;
  /** Inline struct definition (element fields), if given here. */
  fields: FieldSpec[] | null;
}

/** A request or response schema. */
export interface MessageSpec {
  /** e.g. `FetchRequest`. */
  name: string;
  /** The API key. */
  apiKey: number;
  /** `request` or `response`. */
  type: string;
  /** `validVersions`. */
  valid: Range;
  /** `flexibleVersions`. */
  flexible: Range;
  /** The top version is not released yet. */
  latestVersionUnstable: boolean;
  /** Top-level fields. */
  fields: FieldSpec[];
  /** Shared struct definitions, by name. */
  commonStructs: { name: string; fields: FieldSpec[] }[];
}

const PRIMITIVES = new Set([
  "bool",
  "int8",
  "int16",
  "uint16",
  "int32",
  "int64",
  "float64",
  "string",
  "bytes",
  "records",
  "uuid",
]);

/** `true` for Kafka primitive type names. */
export function isPrimitive(type: string): boolean {
  return PRIMITIVES.has(type);
}

/** Parses a version spec: `"3+"`, `"0-2"`, `"5"`, `"none"`. */
export function parseRange(spec: string | undefined): Range {
  if (spec === undefined || spec === "none" || spec === "") return { min: 1, max: 0 };
  const plus = /^(\d+)\+$/.exec(spec);
  if (plus) return { min: Number(plus[1]), max: 32767 };
  const span = /^(\d+)-(\d+)$/.exec(spec);
  if (span) return { min: Number(span[1]), max: Number(span[2]) };
  if (/^\d+$/.test(spec)) return { min: Number(spec), max: Number(spec) };
  throw new Error(`bad version range "${spec}"`);
}

/** PascalCase → camelCase, lowering a leading acronym: `ISRNodes` → `isrNodes`. */
export function camelCase(name: string): string {
  const m = /^([A-Z]+)(?=[A-Z][a-z]|$)/.exec(name);
  if (m && m[1].length > 1) return m[1].toLowerCase() + name.slice(m[1].length);
  return name[0].toLowerCase() + name.slice(1);
}

// deno-lint-ignore no-explicit-any
type Json = any;

function normalizeField(f: Json): FieldSpec {
  const type: string = f.type;
  const array = type.startsWith("[]");
  const base = array ? type.slice(2) : type;
  const versions = parseRange(f.versions);
  const tagged = parseRange(f.taggedVersions);
  if (tagged.min <= tagged.max && (tagged.min !== versions.min || tagged.max !== versions.max)) {
    throw new Error(`${f.name}: taggedVersions must equal versions (unsupported otherwise)`);
  }
  return {
    name: f.name,
    tsName: camelCase(f.name),
    type,
    array,
    base,
    struct: !isPrimitive(base),
    versions,
    nullable: parseRange(f.nullableVersions),
    tagged,
    tag: f.tag ?? null,
    default: f.default === undefined ? null : String(f.default),
    ignorable: f.ignorable === true,
    flexible: f.flexibleVersions === undefined ? null : parseRange(f.flexibleVersions),
    about: f.about ?? "",
    fields: f.fields ? f.fields.map(normalizeField) : null,
  };
}

/** Turns one parsed schema file into a {@link MessageSpec}. */
export function normalize(json: Json): MessageSpec {
  return {
    name: json.name,
    apiKey: json.apiKey ?? -1,
    type: json.type,
    valid: parseRange(json.validVersions),
    flexible: parseRange(json.flexibleVersions),
    latestVersionUnstable: json.latestVersionUnstable === true,
    fields: json.fields.map(normalizeField),
    commonStructs: (json.commonStructs ?? []).map((s: Json) => ({
      name: s.name,
      fields: s.fields.map(normalizeField),
    })),
  };
}
