/**
 * A JSON Schema document read into the small model the compatibility rules work on: one node
 * per kind of constraint (string, number, object, array, enum, const, combinations, `not`,
 * references, `true`/`false`). Several kinds in one schema object (`{"type": "string", "enum":
 * […]}`) become a synthetic `allOf` of them, and a list of types an `anyOf`, so that each rule
 * compares like with like. Reading also validates: what is not a usable schema is an
 * {@linkcode InvalidSchemaError} (the registry's 42201).
 *
 * @module
 */
import { readArray, readObject } from "./json_schema_containers.ts";
import {
  type Annotations,
  canonicalJson,
  count,
  InvalidSchemaError,
  parseSchemaJson,
  pattern,
  type SchemaNode,
} from "./schema_model.ts";

const typeNames = ["null", "boolean", "object", "array", "number", "integer", "string"];
const stringWords = ["minLength", "maxLength", "pattern"];
const numberWords = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"];
const objectWords = [
  "properties",
  "required",
  "additionalProperties",
  "patternProperties",
  "dependencies",
  "dependentRequired",
  "dependentSchemas",
  "minProperties",
  "maxProperties",
];
const arrayWords = [
  "items",
  "prefixItems",
  "additionalItems",
  "minItems",
  "maxItems",
  "uniqueItems",
];

/**
 * Parses the text of a JSON Schema (the `schema` string of a registration) into the model.
 * Throws {@linkcode InvalidSchemaError} when it is not JSON or not a usable schema; local
 * `$ref`s (`#/definitions/x`, `#/$defs/x`) must resolve, remote ones are refused (schema
 * references are not supported).
 */
export function parseJsonSchema(text: string): SchemaNode {
  const doc = parseSchemaJson(text);
  const reader = new Reader(doc);
  const root = reader.read(doc, "#");
  reader.resolveAll();
  return root;
}

class Reader {
  #root: unknown;
  #refs = new Map<string, SchemaNode>();
  #pending: (() => unknown)[] = [];

  constructor(root: unknown) {
    this.#root = root;
  }

  read(value: unknown, at: string): SchemaNode {
    if (value === true) return { kind: "true" };
    if (value === false) return { kind: "false" };
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new InvalidSchemaError(`${at}: a schema must be an object or a boolean`);
    }
    const o = value as Record<string, unknown>;
    const notes = annotations(o, at);
    const facets = this.#facets(o, at);
    const node: SchemaNode = facets.length === 0
      ? { kind: "true" }
      : facets.length === 1
      ? facets[0]
      : { kind: "combined", criterion: "allOf", subschemas: facets };
    return Object.assign(node, notes);
  }

  /** Reads every referenced schema now, so an invalid one fails the parse, not a later check. */
  resolveAll(): void {
    for (let i = 0; i < this.#pending.length; i++) this.#pending[i]();
  }

  #facets(o: Record<string, unknown>, at: string): SchemaNode[] {
    const out: SchemaNode[] = [];
    if (typeof o.$ref === "string") out.push(this.#ref(o.$ref, at));
    else if (o.$ref !== undefined) throw new InvalidSchemaError(`${at}: "$ref" must be a string`);
    const types = typeList(o.type, at);
    if (types) {
      const nodes = types.map((t) => this.#typed(t, o, at));
      out.push(
        nodes.length === 1 ? nodes[0] : { kind: "combined", criterion: "anyOf", subschemas: nodes },
      );
    } else {
      // Without "type", type-specific keywords still constrain values of their type.
      for (const [t, words] of [["string", stringWords], ["number", numberWords]] as const) {
        if (words.some((w) => w in o)) out.push(this.#typed(t, o, at));
      }
      if (objectWords.some((w) => w in o)) out.push(this.#typed("object", o, at));
      if (arrayWords.some((w) => w in o)) out.push(this.#typed("array", o, at));
    }
    if ("enum" in o) {
      if (!Array.isArray(o.enum)) throw new InvalidSchemaError(`${at}: "enum" must be an array`);
      out.push({ kind: "enum", values: [...new Set(o.enum.map(canonicalJson))] });
    }
    if ("const" in o) out.push({ kind: "const", value: canonicalJson(o.const) });
    for (const criterion of ["allOf", "anyOf", "oneOf"] as const) {
      if (!(criterion in o)) continue;
      const list = o[criterion];
      if (!Array.isArray(list) || list.length === 0) {
        throw new InvalidSchemaError(`${at}: "${criterion}" must be a non-empty array`);
      }
      const subschemas = list.map((s, i) => this.read(s, `${at}/${criterion}/${i}`));
      out.push({ kind: "combined", criterion, subschemas });
    }
    if ("not" in o) out.push({ kind: "not", schema: this.read(o.not, `${at}/not`) });
    return out;
  }

  #typed(type: string, o: Record<string, unknown>, at: string): SchemaNode {
    switch (type) {
      case "null":
      case "boolean":
        return { kind: type };
      case "string":
        return {
          kind: "string",
          minLength: count(o, "minLength", at),
          maxLength: count(o, "maxLength", at),
          pattern: pattern(o.pattern, `${at}/pattern`)?.source,
        };
      case "number":
      case "integer":
        return { kind: "number", integer: type === "integer", ...numberLimits(o, at) };
      case "object":
        return readObject(o, at, (v, path) => this.read(v, path));
      default:
        return readArray(o, at, (v, path) => this.read(v, path));
    }
  }

  #ref(ref: string, at: string): SchemaNode {
    if (!ref.startsWith("#")) {
      throw new InvalidSchemaError(
        `${at}: remote "$ref" ${ref} (schema references are not supported)`,
      );
    }
    const target = pointer(this.#root, ref);
    if (target === undefined) throw new InvalidSchemaError(`${at}: "$ref" ${ref} does not resolve`);
    // Resolved lazily and cached so recursive schemas terminate.
    const resolve = () => {
      let node = this.#refs.get(ref);
      if (!node) {
        node = { kind: "true" };
        this.#refs.set(ref, node);
        Object.assign(node, this.read(target, ref));
      }
      return node;
    };
    this.#pending.push(resolve);
    return { kind: "ref", ref, resolve };
  }
}

function annotations(o: Record<string, unknown>, at: string): Annotations {
  const out: Annotations = {};
  const id = o.$id ?? o.id;
  if (typeof id === "string") out.id = id;
  for (const key of ["title", "description"] as const) {
    if (o[key] === undefined) continue;
    if (typeof o[key] !== "string") {
      throw new InvalidSchemaError(`${at}: "${key}" must be a string`);
    }
    out[key] = o[key] as string;
  }
  if ("default" in o) out.default = canonicalJson(o.default);
  return out;
}

function typeList(type: unknown, at: string): string[] | undefined {
  if (type === undefined) return undefined;
  const list = Array.isArray(type) ? type : [type];
  if (list.length === 0 || list.some((t) => typeof t !== "string" || !typeNames.includes(t))) {
    throw new InvalidSchemaError(
      `${at}: "type" must be one of ${typeNames.join(", ")} or a list of them`,
    );
  }
  return [...new Set(list as string[])];
}

function numberLimits(o: Record<string, unknown>, at: string) {
  const out: Record<string, number | undefined> = {};
  for (const w of numberWords) {
    const v = o[w];
    // Draft 4 wrote exclusiveMinimum/Maximum as booleans beside minimum/maximum.
    if (v === undefined || typeof v === "boolean") continue;
    if (typeof v !== "number") throw new InvalidSchemaError(`${at}: "${w}" must be a number`);
    out[w] = v;
  }
  if (o.exclusiveMinimum === true) [out.exclusiveMinimum, out.minimum] = [out.minimum, undefined];
  if (o.exclusiveMaximum === true) [out.exclusiveMaximum, out.maximum] = [out.maximum, undefined];
  if (out.multipleOf !== undefined && out.multipleOf <= 0) {
    throw new InvalidSchemaError(`${at}: "multipleOf" must be greater than 0`);
  }
  return out;
}

function pointer(root: unknown, ref: string): unknown {
  let at: unknown = root;
  for (const raw of ref.slice(1).split("/").slice(1)) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}
