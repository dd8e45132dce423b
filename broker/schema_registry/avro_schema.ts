/**
 * An Avro schema read into a graph of types: named types (record, enum, fixed) are resolved by
 * full name, so a recursive record refers to itself. Reading validates what schema resolution
 * relies on (known type names, unique names, enum symbols, fixed sizes, unions without nested
 * unions or duplicate branches); what is not a usable schema is an
 * {@linkcode InvalidSchemaError} (the registry's 42201).
 *
 * @module
 */
import { InvalidSchemaError, parseSchemaJson } from "./schema_model.ts";

/** Avro's primitive type names. */
export const avroPrimitives = [
  "null",
  "boolean",
  "int",
  "long",
  "float",
  "double",
  "bytes",
  "string",
] as const;

/** One Avro type. */
export type AvroType =
  | { type: typeof avroPrimitives[number] }
  | AvroRecord
  | { type: "enum"; name: string; symbols: string[]; hasDefault: boolean }
  | { type: "fixed"; name: string; size: number }
  | { type: "array"; items: AvroType }
  | { type: "map"; values: AvroType }
  | { type: "union"; branches: AvroType[] };

/** A record: its full name and fields (with whether each has a default). */
export interface AvroRecord {
  /** "record" (or "error"). */
  type: "record";
  /** Full name (`namespace.name`). */
  name: string;
  /** Fields in order. */
  fields: { name: string; aliases: string[]; type: AvroType; hasDefault: boolean }[];
}

const nameRe = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses an Avro schema's text. Throws {@linkcode InvalidSchemaError} when it is not usable. */
export function parseAvroSchema(text: string): AvroType {
  const doc = parseSchemaJson(text);
  return new AvroReader().read(doc, "");
}

class AvroReader {
  #named = new Map<string, AvroType>();

  read(v: unknown, ns: string): AvroType {
    if (typeof v === "string") return this.#reference(v, ns);
    if (Array.isArray(v)) return this.#union(v, ns);
    if (v === null || typeof v !== "object") {
      throw new InvalidSchemaError(`not an Avro schema: ${JSON.stringify(v)}`);
    }
    const o = v as Record<string, unknown>;
    switch (o.type) {
      case "record":
      case "error":
        return this.#record(o, ns);
      case "enum": {
        const symbols = o.symbols;
        if (
          !Array.isArray(symbols) || symbols.some((s) => typeof s !== "string" || !nameRe.test(s))
        ) {
          throw new InvalidSchemaError(`enum ${o.name}: "symbols" must be a list of names`);
        }
        if (new Set(symbols).size !== symbols.length) {
          throw new InvalidSchemaError(`enum ${o.name}: duplicate symbols`);
        }
        return this.#define(
          o,
          ns,
          (name) => ({ type: "enum", name, symbols, hasDefault: "default" in o }),
        );
      }
      case "fixed":
        if (!Number.isInteger(o.size) || (o.size as number) < 0) {
          throw new InvalidSchemaError(`fixed ${o.name}: "size" must be a non-negative integer`);
        }
        return this.#define(o, ns, (name) => ({ type: "fixed", name, size: o.size as number }));
      case "array":
        return { type: "array", items: this.read(o.items, ns) };
      case "map":
        return { type: "map", values: this.read(o.values, ns) };
      default:
        // {"type": "long", "logicalType": …} and {"type": "com.acme.Name"}.
        if (typeof o.type === "string" || Array.isArray(o.type)) return this.read(o.type, ns);
        throw new InvalidSchemaError(`not an Avro schema: ${JSON.stringify(v)}`);
    }
  }

  #reference(name: string, ns: string): AvroType {
    if ((avroPrimitives as readonly string[]).includes(name)) {
      return { type: name as typeof avroPrimitives[number] };
    }
    const found = this.#named.get(fullName(name, ns)) ?? this.#named.get(name);
    if (!found) throw new InvalidSchemaError(`unknown type ${JSON.stringify(name)}`);
    return found;
  }

  #union(list: unknown[], ns: string): AvroType {
    const branches = list.map((b) => this.read(b, ns));
    const keys = new Set<string>();
    for (const b of branches) {
      if (b.type === "union") throw new InvalidSchemaError("a union may not contain a union");
      const key = "name" in b ? b.name : b.type;
      if (keys.has(key)) throw new InvalidSchemaError(`a union has two branches of type ${key}`);
      keys.add(key);
    }
    return { type: "union", branches };
  }

  #record(o: Record<string, unknown>, ns: string): AvroType {
    const record: AvroRecord = { type: "record", name: "", fields: [] };
    this.#define(o, ns, (name) => Object.assign(record, { name }));
    if (!Array.isArray(o.fields)) {
      throw new InvalidSchemaError(`record ${record.name}: "fields" must be a list`);
    }
    const inner = namespaceOf(record.name);
    const seen = new Set<string>();
    for (const f of o.fields as Record<string, unknown>[]) {
      if (typeof f?.name !== "string" || !nameRe.test(f.name) || seen.has(f.name)) {
        throw new InvalidSchemaError(`record ${record.name}: a field needs a unique name`);
      }
      seen.add(f.name);
      const aliases = Array.isArray(f.aliases)
        ? f.aliases.filter((a) => typeof a === "string")
        : [];
      record.fields.push({
        name: f.name,
        aliases,
        type: this.read(f.type, inner),
        hasDefault: "default" in f,
      });
    }
    return record;
  }

  /** Registers a named type before reading its body, so the body may refer to it. */
  #define(o: Record<string, unknown>, ns: string, make: (name: string) => AvroType): AvroType {
    if (typeof o.name !== "string" || !o.name.split(".").every((p) => nameRe.test(p))) {
      throw new InvalidSchemaError(`a ${o.type} needs a valid "name"`);
    }
    const space = typeof o.namespace === "string" ? o.namespace : ns;
    const name = fullName(o.name, space);
    if (this.#named.has(name)) throw new InvalidSchemaError(`type ${name} is defined twice`);
    const t = make(name);
    this.#named.set(name, t);
    return t;
  }
}

function fullName(name: string, ns: string): string {
  return name.includes(".") || ns === "" ? name : `${ns}.${name}`;
}

function namespaceOf(full: string): string {
  const i = full.lastIndexOf(".");
  return i < 0 ? "" : full.slice(0, i);
}

/** The unqualified part of a full name (Avro matches named types by it). */
export function shortName(full: string): string {
  return full.slice(full.lastIndexOf(".") + 1);
}
