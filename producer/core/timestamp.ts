/**
 * Fast canonical timestamp formatting for generated records: `new Date().toISOString()` once per
 * minute, digit tables for seconds and milliseconds.
 *
 * @module
 */
import { formatTimestamp } from "@iot/events";
import type { RecordBytes } from "./record_bytes.ts";

const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));
const THREE = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0"));

/**
 * Formats epoch milliseconds as canonical timestamps (`2025-07-22T22:30:45.123Z`), caching the
 * date-and-minute prefix, which consecutive simulated records almost always share.
 *
 * @example
 * ```ts
 * import { TimestampFormatter } from "./timestamp.ts";
 * new TimestampFormatter().format(1753223445123); // "2025-07-22T22:30:45.123Z"
 * ```
 */
export class TimestampFormatter {
  #minute = Number.NaN;
  #prefix = "";
  #prefixBytes = new Uint8Array(0);

  /** Formats `epochMs` (an integer within years 0000-9999; throws RangeError otherwise). */
  format(epochMs: number): string {
    const minute = Math.floor(epochMs / 60_000);
    if (minute !== this.#minute) {
      this.#prefix = formatTimestamp(minute * 60_000).slice(0, 17);
      this.#prefixBytes = new TextEncoder().encode(this.#prefix);
      this.#minute = minute;
    }
    const rest = epochMs - minute * 60_000;
    const seconds = Math.floor(rest / 1000);
    return this.#prefix + TWO[seconds] + "." + THREE[rest - seconds * 1000] + "Z";
  }

  /** Writes what {@linkcode format} returns into `out`, as ASCII bytes. */
  writeInto(epochMs: number, out: RecordBytes): void {
    const minute = Math.floor(epochMs / 60_000);
    if (minute !== this.#minute) this.format(epochMs);
    const rest = epochMs - minute * 60_000;
    const seconds = Math.floor(rest / 1000);
    out.bytes(this.#prefixBytes);
    out.digits(seconds, 2);
    out.byte(0x2e); // .
    out.digits(rest - seconds * 1000, 3);
    out.byte(0x5a); // Z
  }
}
