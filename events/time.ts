/**
 * Timestamps on the wire: the canonical form, and normalisation of the forms older stacks send.
 *
 * The canonical form is ISO-8601 in UTC with exactly three fraction digits, e.g.
 * `2025-07-22T22:30:45.123Z`. Because it has a fixed length and a four-digit year, two canonical
 * timestamps compare correctly as plain strings.
 *
 * @module
 */
import { z } from "zod";

/** The first instant a canonical timestamp can express: `0000-01-01T00:00:00.000Z`. */
export const minTimestampMs: number = Date.parse("0000-01-01T00:00:00.000Z");

/** The last instant a canonical timestamp can express: `9999-12-31T23:59:59.999Z`. */
export const maxTimestampMs: number = Date.parse("9999-12-31T23:59:59.999Z");

const canonicalMessage = "expected an ISO-8601 UTC timestamp with milliseconds, " +
  "e.g. 2025-07-22T22:30:45.123Z";

/**
 * Accepts only canonical timestamps (`YYYY-MM-DDTHH:mm:ss.sssZ`), rejecting impossible dates
 * such as February 30th. Use {@linkcode normalizeTimestamp} for the lenient forms.
 */
export const timestampSchema: z.ZodISODateTime = z.iso.datetime({
  precision: 3,
  error: canonicalMessage,
});

const canonicalPattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{3}Z$/;

/**
 * Whether `text` is a canonical timestamp (what {@linkcode timestampSchema} accepts), checked
 * without zod: the decoders' fast path for well-formed traffic.
 */
export function isCanonicalTimestamp(text: string): boolean {
  const m = canonicalPattern.exec(text);
  if (m === null) return false;
  const year = +m[1], month = +m[2], day = +m[3];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) &&
    +m[4] <= 23 && +m[5] <= 59 && +m[6] <= 59;
}

// Date, `T`/`t`/space, time, 1-9 fraction digits, and a zone: Z, ±HH:MM, ±HHMM or ±HH.
const lenientPattern =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function parseLenient(text: string): number | undefined {
  const m = lenientPattern.exec(text);
  if (m === null) return undefined;
  const year = +m[1], month = +m[2], day = +m[3];
  const hour = +m[4], minute = +m[5], second = +m[6];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  // Truncate rather than round: rounding .9995 up would move the instant into the next second.
  const millis = m[7] === undefined ? 0 : +m[7].slice(0, 3).padEnd(3, "0");
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const offsetHours = +m[10], offsetMins = m[11] === undefined ? 0 : +m[11];
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (m[9] === "-" ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  return date.getTime() - offsetMinutes * 60_000;
}

function inRange(ms: number): boolean {
  return ms >= minTimestampMs && ms <= maxTimestampMs;
}

/**
 * Normalises a timestamp in any accepted form to the canonical form, or returns `undefined` when
 * `input` is not a timestamp this package understands.
 *
 * Accepted forms:
 * - canonical `2025-07-22T22:30:45.123Z`;
 * - a space instead of `T`: `2025-07-22 22:30:45.123Z`;
 * - no fraction, or 1 to 9 fraction digits (truncated to milliseconds): `2025-07-22T22:30:45Z`;
 * - an offset instead of `Z`: `+02:00`, `+0200` or `+02`;
 * - a number of milliseconds since the Unix epoch (fractions are truncated);
 * - a valid `Date`.
 *
 * A time without a zone is rejected rather than guessed, and so is anything outside the years
 * 0000 to 9999 UTC. Epoch numbers are always milliseconds, never seconds.
 *
 * @example
 * ```ts
 * import { normalizeTimestamp } from "@iot/events";
 * normalizeTimestamp("2025-07-23T00:30:45+02:00"); // "2025-07-22T22:30:45.000Z"
 * normalizeTimestamp(1753223445123); // "2025-07-22T22:30:45.123Z"
 * normalizeTimestamp("yesterday"); // undefined
 * ```
 */
export function normalizeTimestamp(input: unknown): string | undefined {
  let ms: number | undefined;
  if (typeof input === "string") ms = parseLenient(input);
  else if (typeof input === "number") ms = Number.isFinite(input) ? Math.floor(input) : undefined;
  else if (input instanceof Date) ms = input.getTime();
  return ms !== undefined && inRange(ms) ? new Date(ms).toISOString() : undefined;
}

/**
 * Formats milliseconds since the Unix epoch as a canonical timestamp, for producers stamping
 * events from a clock.
 *
 * @throws {RangeError} when `epochMs` is not finite or falls outside the years 0000 to 9999.
 *
 * @example
 * ```ts
 * import { formatTimestamp } from "@iot/events";
 * formatTimestamp(1753223445123); // "2025-07-22T22:30:45.123Z"
 * ```
 */
export function formatTimestamp(epochMs: number): string {
  if (!Number.isFinite(epochMs) || !inRange(Math.floor(epochMs))) {
    throw new RangeError(
      `Cannot format timestamp: ${epochMs} is not epoch milliseconds within years 0000-9999`,
    );
  }
  return new Date(Math.floor(epochMs)).toISOString();
}
