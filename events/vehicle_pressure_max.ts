/**
 * Vehicle pressure maxima: the highest pressure seen so far on a vehicle, kept on a compacted
 * topic. Kafka key: `vehicleId`.
 *
 * @module
 */
import { z } from "zod";
import { decodeWithSpec, defineEventSpec, parseWithSpec } from "./codec.ts";
import type { EventResult } from "./errors.ts";
import { idSchema, pressureSchema, temperatureSchema } from "./fields.ts";
import { timestampSchema } from "./time.ts";

/**
 * The canonical schema of a vehicle pressure maximum:
 * - `vehicleId`: the vehicle (the Kafka key);
 * - `sensorId`: the sensor that measured the maximum;
 * - `pressureMax`: the maximum pressure in pascals, at least 0;
 * - `temperature`: in °C when the maximum was measured, at least -273.15;
 * - `ts`: when the maximum was measured, canonical ISO-8601 UTC with milliseconds.
 */
export const vehiclePressureMaxSchema = z.object({
  vehicleId: idSchema,
  sensorId: idSchema,
  pressureMax: pressureSchema,
  temperature: temperatureSchema,
  ts: timestampSchema,
});

/** The highest pressure seen on a vehicle, in canonical form. */
export type VehiclePressureMax = z.infer<typeof vehiclePressureMaxSchema>;

/** The parse spec of vehicle pressure maxima, used by the generic `parseEvent`. */
export const vehiclePressureMaxSpec = defineEventSpec(
  "vehicle-pressure-max",
  vehiclePressureMaxSchema,
  ["ts"],
);

/**
 * Parses an already JSON-parsed value as a vehicle pressure maximum, accepting the legacy forms
 * (`vehicle_id`, `sensor_id`, `pressure_max`, `timestamp`, lenient timestamps).
 *
 * @example
 * ```ts
 * import { parseVehiclePressureMax } from "@iot/events";
 * const result = parseVehiclePressureMax({
 *   vehicle_id: "v1", sensor_id: "s1", pressure_max: 910000, temperature: 31,
 *   timestamp: "2025-07-22T22:30:45Z",
 * });
 * ```
 */
export function parseVehiclePressureMax(input: unknown): EventResult<VehiclePressureMax> {
  return parseWithSpec(vehiclePressureMaxSpec, input);
}

/**
 * Decodes a vehicle pressure maximum from UTF-8 JSON bytes or a JSON string; see
 * {@linkcode parseVehiclePressureMax} for the accepted forms.
 */
export function decodeVehiclePressureMax(
  bytes: Uint8Array | string,
): EventResult<VehiclePressureMax> {
  return decodeWithSpec(vehiclePressureMaxSpec, bytes);
}
