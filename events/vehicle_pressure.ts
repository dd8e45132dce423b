/**
 * Vehicle pressure readings: one tyre-pressure sample from a sensor on a vehicle. Kafka key:
 * `sensorId`.
 *
 * @module
 */
import { z } from "zod";
import { decodeWithSpec, defineEventSpec, parseWithSpec } from "./codec.ts";
import type { EventResult } from "./errors.ts";
import {
  hasKeyCount,
  idSchema,
  isId,
  isPressure,
  isTemperature,
  pressureSchema,
  temperatureSchema,
} from "./fields.ts";
import { isCanonicalTimestamp, timestampSchema } from "./time.ts";

/**
 * The canonical schema of a vehicle pressure reading:
 * - `vehicleId`: the vehicle carrying the sensor;
 * - `sensorId`: the sensor that took the sample (the Kafka key);
 * - `ts`: when it was taken, canonical ISO-8601 UTC with milliseconds;
 * - `pressure`: in pascals, at least 0 (e.g. 850000);
 * - `temperature`: in °C, at least -273.15.
 */
export const vehiclePressureReadingSchema = z.object({
  vehicleId: idSchema,
  sensorId: idSchema,
  ts: timestampSchema,
  pressure: pressureSchema,
  temperature: temperatureSchema,
});

/** One pressure and temperature sample from a vehicle's sensor, in canonical form. */
export type VehiclePressureReading = z.infer<typeof vehiclePressureReadingSchema>;

/** The parse spec of vehicle pressure readings, used by the generic `parseEvent`. */
export const vehiclePressureReadingSpec = defineEventSpec(
  "vehicle-pressure-reading",
  vehiclePressureReadingSchema,
  ["ts"],
  (input) => {
    if (!hasKeyCount(input, 5)) return undefined;
    const { vehicleId, sensorId, ts, pressure, temperature } = input;
    if (
      !isId(vehicleId) || !isId(sensorId) || typeof ts !== "string" ||
      !isCanonicalTimestamp(ts) || !isPressure(pressure) || !isTemperature(temperature)
    ) return undefined;
    return { vehicleId, sensorId, ts, pressure, temperature };
  },
);

/**
 * Parses an already JSON-parsed value as a vehicle pressure reading, accepting the legacy forms
 * (`vehicle_id`, `sensor_id`, `timestamp`, lenient timestamps) and returning the canonical form.
 *
 * @example
 * ```ts
 * import { parseVehiclePressureReading } from "@iot/events";
 * const result = parseVehiclePressureReading({
 *   vehicle_id: "v1", sensor_id: "s1", timestamp: "2025-07-22 22:30:45.123Z",
 *   pressure: 850000, temperature: 30,
 * });
 * ```
 */
export function parseVehiclePressureReading(
  input: unknown,
): EventResult<VehiclePressureReading> {
  return parseWithSpec(vehiclePressureReadingSpec, input);
}

/**
 * Decodes a vehicle pressure reading from UTF-8 JSON bytes or a JSON string; see
 * {@linkcode parseVehiclePressureReading} for the accepted forms.
 */
export function decodeVehiclePressureReading(
  bytes: Uint8Array | string,
): EventResult<VehiclePressureReading> {
  return decodeWithSpec(vehiclePressureReadingSpec, bytes);
}
