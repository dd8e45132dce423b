/**
 * The table of event kinds: each kind's type, parse spec and Kafka key field, with generic
 * parse, decode, encode and key functions over it.
 *
 * @module
 */
import type { z } from "zod";
import { type Alert, alertSpec } from "./alert.ts";
import { type ClimateReading, climateReadingSpec } from "./climate.ts";
import { decodeWithSpec, encodeJson, type EventSpec, parseWithSpec } from "./codec.ts";
import { type CommandStatus, commandStatusSpec } from "./command_status.ts";
import { type DeviceCommand, deviceCommandSpec } from "./device_command.ts";
import type { EventResult } from "./errors.ts";
import type { EventKind } from "./kind.ts";
import { type VehiclePressureReading, vehiclePressureReadingSpec } from "./vehicle_pressure.ts";
import { type VehiclePressureMax, vehiclePressureMaxSpec } from "./vehicle_pressure_max.ts";
import { type WindowAggregate, windowAggregateSpec } from "./window_aggregate.ts";

/** Maps each event kind to its canonical type. */
export interface EventMap {
  /** See {@linkcode ClimateReading}. */
  "climate-reading": ClimateReading;
  /** See {@linkcode VehiclePressureReading}. */
  "vehicle-pressure-reading": VehiclePressureReading;
  /** See {@linkcode WindowAggregate}. */
  "window-aggregate": WindowAggregate;
  /** See {@linkcode Alert}. */
  "alert": Alert;
  /** See {@linkcode DeviceCommand}. */
  "device-command": DeviceCommand;
  /** See {@linkcode CommandStatus}. */
  "command-status": CommandStatus;
  /** See {@linkcode VehiclePressureMax}. */
  "vehicle-pressure-max": VehiclePressureMax;
}

/** Any canonical event of any kind. */
export type AnyEvent = EventMap[EventKind];

// The annotation checks at compile time that each spec's schema outputs its EventMap entry.
const specs: { readonly [K in EventKind]: EventSpec<z.ZodType<EventMap[K]>> } = {
  "climate-reading": climateReadingSpec,
  "vehicle-pressure-reading": vehiclePressureReadingSpec,
  "window-aggregate": windowAggregateSpec,
  "alert": alertSpec,
  "device-command": deviceCommandSpec,
  "command-status": commandStatusSpec,
  "vehicle-pressure-max": vehiclePressureMaxSpec,
};

/**
 * Parses an already JSON-parsed value as an event of `kind`, accepting the legacy forms; the
 * generic form of `parseClimateReading` and its siblings.
 *
 * @example
 * ```ts
 * import { parseEvent } from "@iot/events";
 * const result = parseEvent("command-status", {
 *   commandId: "c1", deviceId: "d1", status: "delivered", ts: "2025-07-22T22:30:45.123Z",
 * });
 * ```
 */
export function parseEvent<K extends EventKind>(kind: K, input: unknown): EventResult<EventMap[K]> {
  return parseWithSpec(specOf(kind), input);
}

/**
 * Decodes an event of `kind` from UTF-8 JSON bytes or a JSON string; fails with reason
 * `"invalid-json"` when the bytes are not JSON and `"schema"` when the JSON is not a valid event.
 */
export function decodeEvent<K extends EventKind>(
  kind: K,
  bytes: Uint8Array | string,
): EventResult<EventMap[K]> {
  return decodeWithSpec(specOf(kind), bytes);
}

function specOf<K extends EventKind>(kind: K): EventSpec<z.ZodType<EventMap[K]>> {
  const spec = specs[kind];
  if (spec === undefined) throw new TypeError(`Unknown event kind: ${JSON.stringify(kind)}`);
  return spec;
}

/**
 * Serialises a canonical event as UTF-8 JSON bytes.
 *
 * It does not validate: values from the parse and decode functions, or built against these types
 * with `formatTimestamp` timestamps, are canonical, so the output is canonical too.
 *
 * @example
 * ```ts
 * import { decodeClimateReading, encodeEvent } from "@iot/events";
 * const bytes = encodeEvent({
 *   deviceId: "d1", ts: "2025-07-22T22:30:45.123Z", temperature: 21.5, humidity: 40,
 * });
 * decodeClimateReading(bytes).ok; // true
 * ```
 */
export function encodeEvent(value: AnyEvent): Uint8Array {
  return encodeJson(value);
}

/** The names of the string fields of event kind `K`, the candidates for its Kafka key. */
export type KeyField<K extends EventKind> = {
  [F in keyof EventMap[K]]: EventMap[K][F] extends string ? F : never;
}[keyof EventMap[K]];

/** The field whose value is each event kind's Kafka message key. */
export const eventKeyFields: { readonly [K in EventKind]: KeyField<K> } = Object.freeze({
  "climate-reading": "deviceId",
  "vehicle-pressure-reading": "sensorId",
  "window-aggregate": "deviceId",
  "alert": "deviceId",
  "device-command": "deviceId",
  "command-status": "deviceId",
  "vehicle-pressure-max": "vehicleId",
});

/**
 * Returns the Kafka message key of `event`, an event of `kind`.
 *
 * @example
 * ```ts
 * import { keyOf } from "@iot/events";
 * keyOf("vehicle-pressure-max", {
 *   vehicleId: "v1", sensorId: "s1", pressureMax: 910000, temperature: 31,
 *   ts: "2025-07-22T22:30:45.123Z",
 * }); // "v1"
 * ```
 */
export function keyOf<K extends EventKind>(kind: K, event: EventMap[K]): string {
  return event[eventKeyFields[kind]] as string;
}
