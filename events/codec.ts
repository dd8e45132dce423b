/**
 * The parse, decode and encode machinery every event kind shares. Each kind defines one
 * {@linkcode EventSpec} at load time; the per-kind functions call into here without allocating
 * closures.
 *
 * @module
 */
import type { z } from "zod";
import { type EventIssue, type EventResult, EventValidationError } from "./errors.ts";
import type { EventKind } from "./kind.ts";
import { type LegacyFieldMap, legacyFieldMap, normalizeLegacyFields } from "./legacy.ts";

/** Everything needed to parse one event kind. */
export interface EventSpec<S extends z.ZodType> {
  /** The kind, reported in errors. */
  readonly kind: EventKind;
  /** The canonical schema. */
  readonly schema: S;
  /** How legacy field names and timestamps map onto the canonical schema. */
  readonly legacy: LegacyFieldMap;
  /**
   * A hand-written check of the canonical form returning the parsed value, or `undefined` to
   * fall back to the schema. It must never accept what the schema rejects (tests compare them).
   */
  readonly fast?: (input: unknown) => z.output<S> | undefined;
}

/**
 * Defines the spec of an event kind from its canonical object schema and the names of its
 * timestamp fields.
 */
export function defineEventSpec<S extends z.ZodObject>(
  kind: EventKind,
  schema: S,
  timestampFields: readonly (keyof S["shape"] & string)[],
  fast?: (input: unknown) => z.output<S> | undefined,
): EventSpec<S> {
  return {
    kind,
    schema,
    legacy: legacyFieldMap(Object.keys(schema.shape), timestampFields),
    ...(fast ? { fast } : {}),
  };
}

function toIssues(error: z.ZodError): EventIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
    code: issue.code,
  }));
}

function schemaFailure<T>(kind: EventKind, error: z.ZodError): EventResult<T> {
  return {
    ok: false,
    error: new EventValidationError(kind, toIssues(error), { reason: "schema" }),
  };
}

/**
 * Parses an already JSON-parsed value as the event kind of `spec`: the canonical schema first,
 * then, only if that fails, the legacy normaliser and the schema once more.
 */
export function parseWithSpec<S extends z.ZodType>(
  spec: EventSpec<S>,
  input: unknown,
): EventResult<z.output<S>> {
  const quick = spec.fast?.(input);
  if (quick !== undefined) return { ok: true, value: quick };
  const canonical = spec.schema.safeParse(input);
  if (canonical.success) return { ok: true, value: canonical.data };
  const rewritten = normalizeLegacyFields(spec.legacy, input);
  if (rewritten === undefined) return schemaFailure(spec.kind, canonical.error);
  const legacy = spec.schema.safeParse(rewritten);
  return legacy.success ? { ok: true, value: legacy.data } : schemaFailure(spec.kind, legacy.error);
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const laxUtf8 = new TextDecoder("utf-8");

// The strict decoder costs about twice the lax one, and pure ASCII, most sensor traffic, cannot be
// invalid UTF-8: scanning for a high byte first is the cheaper way to stay strict.
function decodeUtf8(bytes: Uint8Array): string {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] > 0x7f) return strictUtf8.decode(bytes);
  }
  return laxUtf8.decode(bytes);
}

/**
 * Decodes UTF-8 JSON bytes (or a JSON string) as the event kind of `spec`. Bytes that are not
 * UTF-8 JSON fail with reason `"invalid-json"`; JSON that breaks the schema with `"schema"`.
 */
export function decodeWithSpec<S extends z.ZodType>(
  spec: EventSpec<S>,
  bytes: Uint8Array | string,
): EventResult<z.output<S>> {
  let input: unknown;
  try {
    input = JSON.parse(typeof bytes === "string" ? bytes : decodeUtf8(bytes));
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    const issue = { path: "", message: `not UTF-8 JSON: ${detail}`, code: "invalid_json" };
    return {
      ok: false,
      error: new EventValidationError(spec.kind, [issue], { reason: "invalid-json", cause }),
    };
  }
  return parseWithSpec(spec, input);
}

const utf8Encoder = new TextEncoder();

/** Serialises `value` as UTF-8 JSON bytes. */
export function encodeJson(value: unknown): Uint8Array {
  return utf8Encoder.encode(JSON.stringify(value));
}
