/**
 * The typed error for events that fail to decode or validate, and the result type parsers return.
 *
 * @module
 */
import type { EventKind } from "./kind.ts";

/** Why an event was rejected: its bytes were not JSON, or the JSON did not match the schema. */
export type EventRejectionReason = "invalid-json" | "schema";

/** One problem found in an event. */
export interface EventIssue {
  /** Dotted path of the failing field, e.g. `"temperature.avg"`; `""` for the event as a whole. */
  readonly path: string;
  /** What is wrong with the field. */
  readonly message: string;
  /** Machine-readable category, e.g. `"too_big"`, `"invalid_type"` or `"invalid_json"`. */
  readonly code: string;
}

/** Options for {@linkcode EventValidationError}. */
export interface EventValidationErrorOptions extends ErrorOptions {
  /** Why the event was rejected. */
  reason: EventRejectionReason;
}

function describe(issue: EventIssue): string {
  return issue.path === "" ? issue.message : `${issue.path}: ${issue.message}`;
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, " ");
}

/**
 * Thrown (or returned inside an {@linkcode EventResult}) when an event cannot be decoded or fails
 * validation. Its message is one line naming the first failing field, fit for a log line or a
 * dead-letter header.
 *
 * @example
 * ```ts
 * import { EventValidationError, parseClimateReading } from "@iot/events";
 * const result = parseClimateReading({ deviceId: "d1" });
 * if (!result.ok) {
 *   result.error instanceof EventValidationError; // true
 *   result.error.issues[0].path; // "ts"
 * }
 * ```
 */
export class EventValidationError extends Error {
  /** The kind of event that was being parsed. */
  readonly kind: EventKind;
  /** Whether the bytes were not JSON (`"invalid-json"`) or the JSON broke the schema (`"schema"`). */
  readonly reason: EventRejectionReason;
  /** Every problem found, at least one. */
  readonly issues: readonly EventIssue[];

  /** Creates an error for `kind` listing `issues`; the message is built from the first issue. */
  constructor(
    kind: EventKind,
    issues: readonly EventIssue[],
    options: EventValidationErrorOptions,
  ) {
    const first = issues.length > 0 ? oneLine(describe(issues[0])) : "unknown problem";
    const more = issues.length > 1 ? ` (+${issues.length - 1} more)` : "";
    super(`Invalid ${kind} event: ${first}${more}`, { cause: options.cause });
    this.name = "EventValidationError";
    this.kind = kind;
    this.reason = options.reason;
    this.issues = issues;
  }
}

/** The outcome of parsing or decoding one event: the canonical value, or why it was rejected. */
export type EventResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: EventValidationError };

/**
 * Returns the value of a successful result, or throws its {@linkcode EventValidationError}.
 *
 * @throws {EventValidationError} when `result` is a failure.
 *
 * @example
 * ```ts
 * import { parseClimateReading, unwrapEvent } from "@iot/events";
 * const reading = unwrapEvent(parseClimateReading({
 *   deviceId: "d1", ts: "2025-07-22T22:30:45.123Z", temperature: 21.5, humidity: 40,
 * }));
 * ```
 */
export function unwrapEvent<T>(result: EventResult<T>): T {
  if (result.ok) return result.value;
  throw result.error;
}
