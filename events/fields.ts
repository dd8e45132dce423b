/**
 * Field schemas shared by several event kinds, so every kind validates ids and measurements alike.
 *
 * @module
 */
import { z } from "zod";

/** The longest id accepted; ids become Kafka keys and database keys. */
export const maxIdLength = 256;

/** A device, sensor, vehicle, alert or command id: a non-empty string of at most 256 characters. */
export const idSchema: z.ZodString = z.string()
  .min(1, { error: "must not be empty" })
  .max(maxIdLength, { error: `must be at most ${maxIdLength} characters` });

/** Absolute zero in °C; no temperature can be lower. */
export const absoluteZeroCelsius: number = -273.15;

/** A temperature in °C: a finite number no lower than absolute zero. */
export const temperatureSchema: z.ZodNumber = z.number()
  .min(absoluteZeroCelsius, { error: "must be at least -273.15 °C (absolute zero)" });

/** A relative humidity in percent: a finite number from 0 to 100. */
export const humiditySchema: z.ZodNumber = z.number()
  .min(0, { error: "must be between 0 and 100 %" })
  .max(100, { error: "must be between 0 and 100 %" });

/** A pressure in pascals (a typical tyre reads about 850000): a finite number, at least 0. */
export const pressureSchema: z.ZodNumber = z.number()
  .min(0, { error: "must be at least 0 Pa" });

/** A measured or threshold value: any finite number. */
export const valueSchema: z.ZodNumber = z.number();

/**
 * Tells whether canonical timestamp `end` is strictly after `start`.
 *
 * Canonical timestamps have a fixed length and a four-digit year, so string order is time order.
 */
export function isAfter(end: string, start: string): boolean {
  return end > start;
}

/**
 * Refinement options that run a cross-field check only when every field is already valid, so a
 * broken field is reported once rather than again as a failed comparison.
 */
export const whenFieldsValid: { when: (payload: { issues: readonly unknown[] }) => boolean } = {
  when: (payload) => payload.issues.length === 0,
};

/** Whether `value` passes {@linkcode idSchema}, checked without zod. */
export function isId(value: unknown): value is string {
  return typeof value === "string" && value.length >= 1 && value.length <= maxIdLength;
}

/** Whether `value` passes {@linkcode temperatureSchema}, checked without zod. */
export function isTemperature(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= absoluteZeroCelsius;
}

/** Whether `value` passes {@linkcode humiditySchema}, checked without zod. */
export function isHumidity(value: unknown): value is number {
  return typeof value === "number" && value >= 0 && value <= 100;
}

/** Whether `value` passes {@linkcode pressureSchema}, checked without zod. */
export function isPressure(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

/** Whether `input` is a plain object with exactly `count` own enumerable keys. */
export function hasKeyCount(input: unknown, count: number): input is Record<string, unknown> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return false;
  let n = 0;
  for (const key in input) if (Object.hasOwn(input, key)) n++;
  return n === count;
}
