/**
 * The model of a JSON Schema that the compatibility rules compare: one node per kind of
 * constraint, plus the error for a schema the registry refuses and small keyword readers.
 *
 * @module
 */

/** A schema the registry refuses (Confluent's error 42201). */
export class InvalidSchemaError extends Error {
  /** @param message what is wrong, e.g. `"type" must be a string or an array of strings`. */
  constructor(message: string) {
    super(message);
    this.name = "InvalidSchemaError";
  }
}

/** Keywords that say nothing about which values are valid, compared as annotations. */
export interface Annotations {
  /** `$id` (or draft-4 `id`). */
  id?: string;
  /** `title`. */
  title?: string;
  /** `description`. */
  description?: string;
  /** `default`, as canonical JSON (undefined when absent). */
  default?: string;
}

/** A property or item schema that may be absent, `true` (anything) or `false` (nothing). */
export type Open = boolean | SchemaNode;

/** One node of the model; `kind` says which constraints it holds. */
export type SchemaNode =
  & Annotations
  & (
    | { kind: "true" }
    | { kind: "false" }
    | { kind: "null" }
    | { kind: "boolean" }
    | { kind: "string"; minLength?: number; maxLength?: number; pattern?: string }
    | {
      kind: "number";
      integer: boolean;
      minimum?: number;
      maximum?: number;
      exclusiveMinimum?: number;
      exclusiveMaximum?: number;
      multipleOf?: number;
    }
    | { kind: "enum"; values: string[] }
    | { kind: "const"; value: string }
    | { kind: "combined"; criterion: Criterion; subschemas: SchemaNode[] }
    | { kind: "not"; schema: SchemaNode }
    | { kind: "ref"; ref: string; resolve: () => SchemaNode | undefined }
    | ObjectNode
    | ArrayNode
  );

/** `allOf` (product), `anyOf` and `oneOf` (sums). */
export type Criterion = "allOf" | "anyOf" | "oneOf";

/** An object schema: properties, `required`, the content model and property counts. */
export interface ObjectNode {
  /** The kind. */
  kind: "object";
  /** `properties`. */
  properties: Map<string, SchemaNode>;
  /** `required`. */
  required: Set<string>;
  /** `additionalProperties`: `true` when absent. */
  additional: Open;
  /** `patternProperties`, in document order. */
  patterns: [RegExp, SchemaNode][];
  /** `dependencies`/`dependentRequired` with a list of names. */
  dependentRequired: Map<string, Set<string>>;
  /** `dependencies`/`dependentSchemas` with a schema. */
  dependentSchemas: Map<string, SchemaNode>;
  /** `minProperties`. */
  minProperties?: number;
  /** `maxProperties`. */
  maxProperties?: number;
}

/** An array schema: one schema for all items, or a tuple plus additional items. */
export interface ArrayNode {
  /** The kind. */
  kind: "array";
  /** `items` as one schema for every item. */
  items?: SchemaNode;
  /** `prefixItems` (or draft-7 `items` as an array). */
  tuple: SchemaNode[];
  /** Items after the tuple (`additionalItems`, or 2020-12 `items` beside `prefixItems`). */
  additional: Open;
  /** `minItems`. */
  minItems?: number;
  /** `maxItems`. */
  maxItems?: number;
  /** `uniqueItems`. */
  uniqueItems: boolean;
}

/** JSON with object keys sorted: equal values give equal text (enum values, defaults). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const o = value as Record<string, unknown>;
    return `{${
      Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(",")
    }}`;
  }
  return JSON.stringify(value);
}

/** Reads a non-negative integer keyword. */
export function count(o: Record<string, unknown>, key: string, at: string): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
    throw new InvalidSchemaError(`${at}: "${key}" must be a non-negative integer`);
  }
  return v;
}

/** Compiles a `pattern`/`patternProperties` regular expression (undefined when absent). */
export function pattern(v: unknown, at: string): RegExp | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw new InvalidSchemaError(`${at}: must be a string`);
  try {
    return new RegExp(v, "u");
  } catch {
    throw new InvalidSchemaError(`${at}: ${JSON.stringify(v)} is not a regular expression`);
  }
}

/** Parses a schema's JSON text; text that is not JSON is an {@linkcode InvalidSchemaError}. */
export function parseSchemaJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InvalidSchemaError(`not JSON: ${(e as Error).message}`);
  }
}
