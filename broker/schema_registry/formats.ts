/**
 * The schema types the registry checks, behind one shape: parse a schema's text, and say what
 * keeps a reader with one schema from reading data written with another. JSON Schema follows
 * Confluent's JSON rules (`diff.ts`), Avro the specification's schema resolution
 * (`avro_compatibility.ts`). PROTOBUF is not supported.
 *
 * @module
 */
import { avroReadProblems } from "./avro_compatibility.ts";
import { type AvroType, parseAvroSchema } from "./avro_schema.ts";
import { incompatibleChanges } from "./diff.ts";
import { parseJsonSchema } from "./json_schema.ts";
import { InvalidSchemaError, type SchemaNode } from "./schema_model.ts";

/** The schema types this registry accepts, as `/schemas/types` lists them. */
export const schemaTypes = ["AVRO", "JSON"] as const;

/** One accepted schema type. */
export type SchemaType = typeof schemaTypes[number];

/** A parsed schema of either type. */
export type ParsedSchema =
  | { readonly type: "JSON"; readonly node: SchemaNode }
  | { readonly type: "AVRO"; readonly avro: AvroType };

/** Whether `value` names an accepted schema type. */
export function isSchemaType(value: unknown): value is SchemaType {
  return schemaTypes.includes(value as SchemaType);
}

/** Parses a schema's text; throws {@linkcode InvalidSchemaError} when it is not usable. */
export function parseSchema(type: SchemaType, text: string): ParsedSchema {
  return type === "JSON"
    ? { type, node: parseJsonSchema(text) }
    : { type, avro: parseAvroSchema(text) };
}

/**
 * Why a reader using `reader` cannot read data written with `writer` (empty: it can), as the
 * messages the registry answers.
 */
export function readProblems(reader: ParsedSchema, writer: ParsedSchema): string[] {
  if (reader.type === "JSON" && writer.type === "JSON") {
    return incompatibleChanges(writer.node, reader.node).map((d) =>
      `Found incompatible change: Difference{jsonPath='${d.path}', type=${d.type}}`
    );
  }
  if (reader.type === "AVRO" && writer.type === "AVRO") {
    return avroReadProblems(reader.avro, writer.avro);
  }
  return [`Incompatible schema type: ${writer.type} cannot be read as ${reader.type}`];
}

export { InvalidSchemaError };
