/**
 * A scanner for climate readings already in their exact canonical encoding, the bytes
 * `encodeEvent` writes: `{"deviceId":"…","ts":"…","temperature":…,"humidity":…}` with no
 * whitespace, no escapes and numbers as JavaScript prints them. Well-behaved producers, and the
 * processor's own repartition topic, send exactly this; for them a hot path can skip
 * `JSON.parse`, the object walk, the timestamp regex and `Date.parse`, and a stage that forwards
 * readings can forward the bytes it received instead of encoding them again.
 *
 * Anything else (other key order, whitespace, escapes, non-ASCII ids, `battery`, legacy forms,
 * invalid values) is not judged here: the scanner returns `undefined` and the caller decodes with
 * `decodeClimateReading`, which accepts or rejects it with the reason. The tests hold the
 * scanner to that contract against the decoder and `encodeEvent` on generated inputs.
 *
 * @module
 */
import { isHumidity, isTemperature, maxIdLength } from "./fields.ts";

/** A canonical climate reading as the scanner returns it: the event time already in ms. */
export interface ScannedClimateReading {
  /** The device (the Kafka key). */
  readonly deviceId: string;
  /** `ts` as milliseconds since the Unix epoch (`formatTimestamp` gives the text back). */
  readonly timeMs: number;
  /** °C. */
  readonly temperature: number;
  /** Relative humidity, percent. */
  readonly humidity: number;
}

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const OPEN = ascii('{"deviceId":"');
const TS = ascii('","ts":"');
const TEMPERATURE = ascii('","temperature":');
const HUMIDITY = ascii(',"humidity":');
const TS_LENGTH = 24; // YYYY-MM-DDTHH:mm:ss.sssZ
/** Digits of a number the scanner takes: up to 15 significant digits print back unchanged. */
const MAX_DIGITS = 15;
/** JavaScript prints 0.000001 as such, but 0.0000001 as 1e-7. */
const MAX_LEADING_FRACTION_ZEROS = 5;

const Q = 0x22, BACKSLASH = 0x5c, MINUS = 0x2d, DOT = 0x2e, ZERO = 0x30;

function matches(bytes: Uint8Array, at: number, text: Uint8Array): boolean {
  if (at + text.length > bytes.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text[i]) return false;
  return true;
}

/** The `n` decimal digits at `at` as a number, or -1 when one is not a digit. */
function digits(bytes: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = bytes[i] - ZERO;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to the proleptic Gregorian date (Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) +
    dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The canonical timestamp at `at` in ms, or NaN when it is not one. */
function timestampAt(b: Uint8Array, at: number): number {
  if (
    b[at + 4] !== MINUS || b[at + 7] !== MINUS || b[at + 10] !== 0x54 || b[at + 13] !== 0x3a ||
    b[at + 16] !== 0x3a || b[at + 19] !== DOT || b[at + 23] !== 0x5a
  ) return NaN;
  const year = digits(b, at, 4), month = digits(b, at + 5, 2), day = digits(b, at + 8, 2);
  const hour = digits(b, at + 11, 2), minute = digits(b, at + 14, 2);
  const second = digits(b, at + 17, 2), millis = digits(b, at + 20, 3);
  if (
    year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) ||
    hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || millis < 0
  ) return NaN;
  return ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1_000 +
    millis;
}

/** The value of the number {@linkcode numberEnd} scanned last (no object per number). */
let scannedNumber = 0;
const POWERS_OF_TEN = Array.from({ length: MAX_DIGITS + 1 }, (_, k) => 10 ** k);

/**
 * The end of the number starting at `at` when it is written exactly as JavaScript prints it
 * (`-?(0|[1-9]\d*)(\.\d*[1-9])?`, at most 15 digits, no exponent), else -1; its value goes to
 * `scannedNumber`. With at most 15 digits the digits form an exact integer below 2^53 and the
 * power of ten is exact, so the one division rounds correctly: the value equals `Number(text)`.
 */
function numberEnd(b: Uint8Array, at: number): number {
  let i = at, mantissa = 0;
  const negative = b[i] === MINUS;
  if (negative) i++;
  const intStart = i;
  for (let d = b[i] - ZERO; d >= 0 && d <= 9; d = b[++i] - ZERO) mantissa = mantissa * 10 + d;
  const intDigits = i - intStart;
  if (intDigits === 0 || (intDigits > 1 && b[intStart] === ZERO)) return -1;
  let fractionDigits = 0;
  if (b[i] === DOT) {
    const start = ++i;
    for (let d = b[i] - ZERO; d >= 0 && d <= 9; d = b[++i] - ZERO) mantissa = mantissa * 10 + d;
    fractionDigits = i - start;
    if (fractionDigits === 0 || b[i - 1] === ZERO) return -1;
    if (intDigits === 1 && b[intStart] === ZERO) {
      let zeros = 0;
      while (b[start + zeros] === ZERO) zeros++;
      if (zeros > MAX_LEADING_FRACTION_ZEROS) return -1;
    }
  } else if (negative && mantissa === 0) return -1; // -0 prints as 0
  if (intDigits + fractionDigits > MAX_DIGITS) return -1;
  const value = mantissa / POWERS_OF_TEN[fractionDigits];
  scannedNumber = negative ? -value : value;
  return i;
}

/** Ids seen lately, by a hash of their bytes: a device's readings share one string. */
const ids = new Map<number, string>();
const MAX_CACHED_IDS = 100_000;

/** The printable-ASCII id in `b[from, to)`, the cached string when the same id was seen. */
function idAt(b: Uint8Array, from: number, to: number): string {
  let h = 0x811c9dc5; // FNV-1a
  for (let i = from; i < to; i++) h = Math.imul(h ^ b[i], 0x01000193);
  const cached = ids.get(h);
  if (cached !== undefined && cached.length === to - from) {
    let i = 0;
    while (i < cached.length && cached.charCodeAt(i) === b[from + i]) i++;
    if (i === cached.length) return cached;
  }
  const id = String.fromCharCode.apply(null, b.subarray(from, to) as unknown as number[]);
  if (ids.size >= MAX_CACHED_IDS) ids.clear();
  ids.set(h, id);
  return id;
}

/**
 * Scans `bytes` as a climate reading in its exact canonical encoding. Returns the reading when
 * the bytes are that encoding of a valid reading (so `encodeEvent` of it gives `bytes` back
 * byte for byte), or `undefined` for anything else, which the caller must then decode with
 * `decodeClimateReading` (it may well be valid).
 *
 * @example
 * ```ts
 * import { scanCanonicalClimateReading } from "@iot/events";
 * const bytes = new TextEncoder().encode(
 *   '{"deviceId":"d1","ts":"2025-07-22T22:30:45.123Z","temperature":21.5,"humidity":40}',
 * );
 * scanCanonicalClimateReading(bytes)?.timeMs; // 1753223445123
 * ```
 */
export function scanCanonicalClimateReading(
  bytes: Uint8Array,
): ScannedClimateReading | undefined {
  if (!matches(bytes, 0, OPEN)) return undefined;
  let i = OPEN.length;
  // Printable ASCII without quote or backslash: what JSON.stringify writes without escapes.
  for (let c = bytes[i]; c !== Q; c = bytes[++i]) {
    if (!(c >= 0x20 && c < 0x7f) || c === BACKSLASH) return undefined;
  }
  const idEnd = i;
  if (idEnd === OPEN.length || idEnd - OPEN.length > maxIdLength) return undefined;
  if (!matches(bytes, idEnd, TS)) return undefined;
  const tsAt = idEnd + TS.length;
  if (tsAt + TS_LENGTH > bytes.length) return undefined;
  const timeMs = timestampAt(bytes, tsAt);
  if (Number.isNaN(timeMs) || !matches(bytes, tsAt + TS_LENGTH, TEMPERATURE)) return undefined;
  const tAt = tsAt + TS_LENGTH + TEMPERATURE.length;
  const tEnd = numberEnd(bytes, tAt);
  if (tEnd < 0 || !matches(bytes, tEnd, HUMIDITY)) return undefined;
  const temperature = scannedNumber;
  const hEnd = numberEnd(bytes, tEnd + HUMIDITY.length);
  if (hEnd < 0 || hEnd !== bytes.length - 1 || bytes[hEnd] !== 0x7d) return undefined;
  const humidity = scannedNumber;
  if (!isTemperature(temperature) || !isHumidity(humidity)) return undefined;
  return { deviceId: idAt(bytes, OPEN.length, idEnd), timeMs, temperature, humidity };
}
