/**
 * The registry's errors in Confluent's shape: an HTTP status plus an `error_code` clients
 * switch on (40401 subject not found, 40402 version not found, 40403 schema not found, 409
 * incompatible, 42201 invalid schema, …) and a message.
 *
 * @module
 */

/** An error the REST API answers as `{"error_code": …, "message": …}`. */
export class RegistryError extends Error {
  /** HTTP status. */
  readonly status: number;
  /** Confluent's error code. */
  readonly errorCode: number;

  /** @param errorCode e.g. 40401; its first three digits are the HTTP status. */
  constructor(errorCode: number, message: string) {
    super(message);
    this.name = "RegistryError";
    this.errorCode = errorCode;
    this.status = errorCode < 1000 ? errorCode : Number(String(errorCode).slice(0, 3));
  }
}

/** Constructors of each error the registry answers, with Confluent's wording. */
export const errors = {
  subjectNotFound: (s: string) => new RegistryError(40401, `Subject '${s}' not found.`),
  versionNotFound: (v: number | string) => new RegistryError(40402, `Version ${v} not found.`),
  schemaNotFound: (id?: number) =>
    new RegistryError(40403, id === undefined ? "Schema not found" : `Schema ${id} not found`),
  subjectSoftDeleted: (s: string) =>
    new RegistryError(
      40404,
      `Subject '${s}' was soft deleted.Set permanent=true to delete permanently`,
    ),
  subjectNotSoftDeleted: (s: string) =>
    new RegistryError(
      40405,
      `Subject '${s}' was not deleted first before being permanently deleted`,
    ),
  versionSoftDeleted: (s: string, v: number) =>
    new RegistryError(
      40406,
      `Subject '${s}' Version ${v} was soft deleted.Set permanent=true to delete permanently`,
    ),
  versionNotSoftDeleted: (s: string, v: number) =>
    new RegistryError(
      40407,
      `Subject '${s}' Version ${v} was not deleted first before being permanently deleted`,
    ),
  subjectConfigNotFound: (s: string) =>
    new RegistryError(
      40408,
      `Subject '${s}' does not have subject-level compatibility configured`,
    ),
  subjectModeNotFound: (s: string) =>
    new RegistryError(40409, `Subject '${s}' does not have subject-level mode configured`),
  incompatible: (s: string, messages: string[]) =>
    new RegistryError(
      409,
      `Schema being registered is incompatible with an earlier schema for subject "${s}", ` +
        `details: [${messages.join(", ")}]`,
    ),
  invalidSchema: (why: string) => new RegistryError(42201, `Invalid schema: ${why}`),
  invalidVersion: (v: string) =>
    new RegistryError(
      42202,
      `The specified version '${v}' is not a valid version id. Allowed values are between ` +
        `[1, 2^31-1] and the string "latest"`,
    ),
  invalidCompatibility: () =>
    new RegistryError(
      42203,
      "Invalid compatibility level. Valid values are none, backward, forward, full, " +
        "backward_transitive, forward_transitive, and full_transitive",
    ),
  invalidMode: (m: unknown) =>
    new RegistryError(
      42204,
      `Invalid mode ${JSON.stringify(m)}. Valid values are READWRITE and READONLY ` +
        "(IMPORT is not supported by this registry)",
    ),
  readOnly: (s: string) => new RegistryError(42205, `Subject ${s} is in read-only mode`),
  unprocessable: (why: string) => new RegistryError(422, why),
  notFound: () => new RegistryError(404, "HTTP 404 Not Found"),
  methodNotAllowed: () => new RegistryError(405, "HTTP 405 Method Not Allowed"),
};
