/**
 * A Schema Registry compatible with Confluent's REST API, served by the broker on an optional
 * HTTP port: subjects, versions, global schema ids, compatibility levels and checks for JSON
 * Schema and Avro (PROTOBUF is refused with 42201), state kept in the broker's metadata store.
 *
 * - `json_schema.ts`, `schema_model.ts`: a JSON Schema read into the model the rules compare.
 * - `diff.ts`, `diff_containers.ts`, `differences.ts`: Confluent's JSON Schema compatibility
 *   rules; `avro_schema.ts`, `avro_compatibility.ts`: Avro schema resolution (pure functions).
 * - `formats.ts`, `compatibility.ts`: both types behind one shape, and the compatibility levels.
 * - `store.ts`: durable subjects, versions, ids, levels and modes.
 * - `routes.ts`, `config_routes.ts`, `request.ts`, `errors.ts`: the REST API.
 * - `server.ts`: the HTTP endpoint.
 *
 * @module
 */
export {
  checkCompatibility,
  type CompatibilityLevel,
  compatibilityLevels,
  incompatibleChanges,
} from "./compatibility.ts";
export type { Difference } from "./differences.ts";
export { parseJsonSchema } from "./json_schema.ts";
export { avroReadProblems } from "./avro_compatibility.ts";
export { type AvroType, parseAvroSchema } from "./avro_schema.ts";
export {
  type ParsedSchema,
  parseSchema,
  readProblems,
  type SchemaType,
  schemaTypes,
} from "./formats.ts";
export { InvalidSchemaError, type SchemaNode } from "./schema_model.ts";
export { RegistryError } from "./errors.ts";
export { REGISTRY_CONTENT_TYPE } from "./request.ts";
export { createRegistryHandler, type RegistryDeps, type RegistryHandler } from "./routes.ts";
export { SchemaStore, type StoredSchema, type SubjectVersion } from "./store.ts";
export {
  type SchemaRegistryServer,
  type SchemaRegistryServerOptions,
  startSchemaRegistryServer,
} from "./server.ts";
