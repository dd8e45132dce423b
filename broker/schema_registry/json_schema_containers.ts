/**
 * Reading the object and array keywords of a JSON Schema into {@linkcode ObjectNode} and
 * {@linkcode ArrayNode}, for both draft-7 (`items` as a list, `additionalItems`, `dependencies`)
 * and 2020-12 (`prefixItems`, `dependentRequired`, `dependentSchemas`) spellings.
 *
 * @module
 */
import {
  type ArrayNode,
  count,
  InvalidSchemaError,
  type ObjectNode,
  type Open,
  pattern,
  type SchemaNode,
} from "./schema_model.ts";

/** Reads a nested schema at a JSON pointer (the caller's recursive reader). */
export type ReadSchema = (value: unknown, at: string) => SchemaNode;

/** Reads the object keywords of `o`. */
export function readObject(o: Record<string, unknown>, at: string, read: ReadSchema): ObjectNode {
  const properties = new Map<string, SchemaNode>();
  for (const [name, s] of Object.entries(record(o.properties, `${at}/properties`))) {
    properties.set(name, read(s, `${at}/properties/${name}`));
  }
  const patterns: [RegExp, SchemaNode][] = [];
  for (const [p, s] of Object.entries(record(o.patternProperties, `${at}/patternProperties`))) {
    const path = `${at}/patternProperties/${p}`;
    patterns.push([pattern(p, path)!, read(s, path)]);
  }
  const dependentRequired = new Map<string, Set<string>>();
  const dependentSchemas = new Map<string, SchemaNode>();
  for (const key of ["dependencies", "dependentRequired", "dependentSchemas"]) {
    for (const [name, d] of Object.entries(record(o[key], `${at}/${key}`))) {
      if (Array.isArray(d)) dependentRequired.set(name, new Set(names(d, `${at}/${key}/${name}`)));
      else dependentSchemas.set(name, read(d, `${at}/${key}/${name}`));
    }
  }
  return {
    kind: "object",
    properties,
    required: new Set(o.required === undefined ? [] : names(o.required, `${at}/required`)),
    additional: open(o.additionalProperties, `${at}/additionalProperties`, read),
    patterns,
    dependentRequired,
    dependentSchemas,
    minProperties: count(o, "minProperties", at),
    maxProperties: count(o, "maxProperties", at),
  };
}

/** Reads the array keywords of `o`. */
export function readArray(o: Record<string, unknown>, at: string, read: ReadSchema): ArrayNode {
  let items: SchemaNode | undefined;
  let tuple: SchemaNode[] = [];
  let additional: Open = open(o.additionalItems, `${at}/additionalItems`, read);
  const list = (v: unknown, key: string) => {
    if (!Array.isArray(v)) throw new InvalidSchemaError(`${at}: "${key}" must be an array`);
    return v.map((s, i) => read(s, `${at}/${key}/${i}`));
  };
  if (o.prefixItems !== undefined) {
    tuple = list(o.prefixItems, "prefixItems");
    // In 2020-12, "items" beside "prefixItems" is the schema of the items after the tuple.
    if (o.items !== undefined) additional = open(o.items, `${at}/items`, read);
  } else if (Array.isArray(o.items)) {
    tuple = list(o.items, "items");
  } else if (o.items !== undefined) {
    items = read(o.items, `${at}/items`);
  }
  if (o.uniqueItems !== undefined && typeof o.uniqueItems !== "boolean") {
    throw new InvalidSchemaError(`${at}: "uniqueItems" must be a boolean`);
  }
  return {
    kind: "array",
    items,
    tuple,
    additional,
    minItems: count(o, "minItems", at),
    maxItems: count(o, "maxItems", at),
    uniqueItems: o.uniqueItems === true,
  };
}

function open(v: unknown, at: string, read: ReadSchema): Open {
  if (v === undefined || v === true) return true;
  if (v === false) return false;
  return read(v, at);
}

function record(v: unknown, at: string): Record<string, unknown> {
  if (v === undefined) return {};
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw new InvalidSchemaError(`${at}: must be an object`);
  }
  return v as Record<string, unknown>;
}

function names(v: unknown, at: string): string[] {
  if (!Array.isArray(v) || v.some((n) => typeof n !== "string")) {
    throw new InvalidSchemaError(`${at}: must be an array of strings`);
  }
  return v as string[];
}
