/**
 * Durations in fleet files and flags: milliseconds as a number, or a string such as `500ms`,
 * `1.5s`, `5m`, `2h` or `1d`.
 *
 * @module
 */
import { z } from "zod";

const UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
const pattern = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/**
 * Parses a duration into whole milliseconds, or returns `undefined` when `text` is not one.
 *
 * @example
 * ```ts
 * import { parseDuration } from "./duration.ts";
 * parseDuration("1.5s"); // 1500
 * parseDuration("250"); // 250
 * ```
 */
export function parseDuration(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const m = pattern.exec(text.trim());
  if (m === null) return undefined;
  return Math.round(Number(m[1]) * UNITS[m[2]]);
}

const expected = "expected a duration: milliseconds or a string like 500ms, 2s, 5m, 1h";

/** A non-negative duration: milliseconds as a number, or a string like `5m`; outputs ms. */
export const durationSchema: z.ZodType<number, number | string> = z
  .union([z.number(), z.string()], { error: expected })
  .transform((input, ctx) => {
    const ms = typeof input === "number" ? input : parseDuration(input);
    if (ms === undefined || !Number.isSafeInteger(ms) || ms < 0) {
      ctx.addIssue({ code: "custom", message: `${expected}; got ${JSON.stringify(input)}` });
      return z.NEVER;
    }
    return ms;
  });

/** A positive duration (a period), in the forms {@linkcode durationSchema} accepts. */
export const periodSchema: z.ZodType<number, number | string> = durationSchema.refine(
  (ms) => ms >= 1,
  { error: "must be at least 1 ms" },
);
