/**
 * Reading a registration body (`{"schema", "schemaType", "references"}`) into a
 * {@linkcode StoredSchema} plus its parsed model, and the registry's JSON responses.
 *
 * @module
 */
import { errors, RegistryError } from "./errors.ts";
import { isSchemaType, type ParsedSchema, parseSchema } from "./formats.ts";
import { canonicalJson, InvalidSchemaError } from "./schema_model.ts";
import type { StoredSchema } from "./store.ts";

/** The content type of every answer, as Confluent's registry sends it. */
export const REGISTRY_CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

/** A JSON answer with the registry's content type. */
export function reply(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": REGISTRY_CONTENT_TYPE },
  });
}

/** The request body as JSON; a body that is not JSON is a 400 (as Confluent answers it). */
export async function readJson(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new RegistryError(400, `request body is not JSON: ${(e as Error).message}`);
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new RegistryError(400, "request body must be a JSON object");
  }
  return body as Record<string, unknown>;
}

/**
 * Reads a schema from a registration, lookup or compatibility body. JSON Schema and Avro (the
 * default type) are supported; PROTOBUF and schema references are refused with 42201. With
 * `normalize`, object keys are sorted so that reordered schemas match.
 */
export function readSchema(
  body: Record<string, unknown>,
  normalize: boolean,
): { stored: StoredSchema; parsed: ParsedSchema } {
  const schemaType = body.schemaType ?? "AVRO";
  if (!isSchemaType(schemaType)) {
    throw errors.invalidSchema(
      `schemaType ${JSON.stringify(schemaType)} is not supported by this registry (AVRO, JSON)`,
    );
  }
  const references = body.references ?? [];
  if (!Array.isArray(references)) throw errors.invalidSchema("references must be an array");
  if (references.length > 0) throw errors.invalidSchema("schema references are not supported");
  if (typeof body.schema !== "string" || body.schema.trim() === "") {
    throw errors.invalidSchema("Empty schema");
  }
  let parsed: ParsedSchema;
  try {
    parsed = parseSchema(schemaType, body.schema);
  } catch (e) {
    if (e instanceof InvalidSchemaError) throw errors.invalidSchema(e.message);
    throw e;
  }
  const json = JSON.parse(body.schema);
  const schema = normalize ? canonicalJson(json) : JSON.stringify(json);
  return { stored: { schemaType, schema, references: [] }, parsed };
}

/** Parses a version path segment: a positive integer, `latest` or -1 (latest). */
export function readVersion(segment: string): number | "latest" {
  if (segment === "latest" || segment === "-1") return "latest";
  const v = Number(segment);
  if (!/^\d+$/.test(segment) || v < 1 || v > 2 ** 31 - 1) throw errors.invalidVersion(segment);
  return v;
}

/** Whether a boolean query flag (`?deleted=true`) is set. */
export function flag(url: URL, name: string): boolean {
  return url.searchParams.get(name)?.toLowerCase() === "true";
}
