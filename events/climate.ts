/**
 * Climate readings: one temperature and humidity sample from a device. Kafka key: `deviceId`.
 *
 * @module
 */
import { z } from "zod";
import { decodeWithSpec, defineEventSpec, parseWithSpec } from "./codec.ts";
import type { EventResult } from "./errors.ts";
import {
  hasKeyCount,
  humiditySchema,
  idSchema,
  isHumidity,
  isId,
  isTemperature,
  temperatureSchema,
} from "./fields.ts";
import { isCanonicalTimestamp, timestampSchema } from "./time.ts";

/**
 * The canonical schema of a climate reading:
 * - `deviceId`: the device that took the sample (the Kafka key);
 * - `ts`: when it was taken, canonical ISO-8601 UTC with milliseconds;
 * - `temperature`: in °C, at least -273.15;
 * - `humidity`: relative humidity in percent, 0 to 100;
 * - `battery` (optional, added later): the device's battery charge in percent, 0 to 100.
 */
export const climateReadingSchema = z.object({
  deviceId: idSchema,
  ts: timestampSchema,
  temperature: temperatureSchema,
  humidity: humiditySchema,
  battery: z.number().min(0).max(100).optional(),
});

/** One temperature and humidity sample from a device, in canonical form. */
export type ClimateReading = z.infer<typeof climateReadingSchema>;

/** The parse spec of climate readings, used by the generic `parseEvent`. */
export const climateReadingSpec = defineEventSpec(
  "climate-reading",
  climateReadingSchema,
  ["ts"],
  (input) => {
    if (!hasKeyCount(input, 4)) return undefined;
    const { deviceId, ts, temperature, humidity } = input;
    if (
      !isId(deviceId) || typeof ts !== "string" || !isCanonicalTimestamp(ts) ||
      !isTemperature(temperature) || !isHumidity(humidity)
    ) return undefined;
    return { deviceId, ts, temperature, humidity };
  },
);

/**
 * Parses an already JSON-parsed value as a climate reading, accepting the legacy forms (snake_case
 * names, `timestamp` for `ts`, lenient timestamps) and returning the canonical form.
 *
 * @example
 * ```ts
 * import { parseClimateReading } from "@iot/events";
 * const result = parseClimateReading({
 *   device_id: "d1", timestamp: 1753223445123, temperature: 21.5, humidity: 40,
 * });
 * if (result.ok) result.value.ts; // "2025-07-22T22:30:45.123Z"
 * ```
 */
export function parseClimateReading(input: unknown): EventResult<ClimateReading> {
  return parseWithSpec(climateReadingSpec, input);
}

/**
 * Decodes a climate reading from UTF-8 JSON bytes or a JSON string; see
 * {@linkcode parseClimateReading} for the accepted forms.
 */
export function decodeClimateReading(bytes: Uint8Array | string): EventResult<ClimateReading> {
  return decodeWithSpec(climateReadingSpec, bytes);
}
