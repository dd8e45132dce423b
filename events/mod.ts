/**
 * `@iot/events`: the event schemas, codecs, topic names and headers shared by every member of
 * the platform.
 *
 * Events travel as UTF-8 JSON with camelCase fields and canonical timestamps
 * (`2025-07-22T22:30:45.123Z`). Parsers also accept what older stacks send (snake_case names,
 * `timestamp` for `ts`, timestamps with a space, without milliseconds, with an offset, or as epoch
 * milliseconds) and always return the canonical form.
 *
 * @example Decode, inspect and re-encode a reading
 * ```ts
 * import { decodeClimateReading, encodeEvent, keyOf } from "@iot/events";
 *
 * const result = decodeClimateReading(
 *   '{"device_id":"d1","timestamp":"2025-07-23T00:30:45+02:00","temperature":21.5,"humidity":40}',
 * );
 * if (result.ok) {
 *   result.value.ts; // "2025-07-22T22:30:45.000Z"
 *   keyOf("climate-reading", result.value); // "d1"
 *   encodeEvent(result.value); // canonical UTF-8 JSON bytes
 * } else {
 *   result.error.reason; // "invalid-json" or "schema"
 *   result.error.issues[0].path; // the failing field, e.g. "humidity"
 * }
 * ```
 *
 * @module
 */

export {
  type Alert,
  alertSchema,
  alertSeverities,
  type AlertSeverity,
  type AlertState,
  alertStates,
  decodeAlert,
  parseAlert,
} from "./alert.ts";
export {
  type ClimateReading,
  climateReadingSchema,
  decodeClimateReading,
  parseClimateReading,
} from "./climate.ts";
export { scanCanonicalClimateReading, type ScannedClimateReading } from "./climate_canonical.ts";
export {
  type CommandStatus,
  commandStatusSchema,
  type CommandStatusValue,
  commandStatusValues,
  decodeCommandStatus,
  parseCommandStatus,
} from "./command_status.ts";
export {
  decodeDeviceCommand,
  type DeviceCommand,
  type DeviceCommandName,
  deviceCommandNames,
  deviceCommandSchema,
  parseDeviceCommand,
} from "./device_command.ts";
export {
  type EventIssue,
  type EventRejectionReason,
  type EventResult,
  EventValidationError,
  type EventValidationErrorOptions,
  unwrapEvent,
} from "./errors.ts";
export {
  deadLetterHeaderNames,
  type DeadLetterRecord,
  deadLetterRecord,
  type RejectedRecord,
} from "./dead_letter.ts";
export { eventContentType, eventHeaderNames, eventHeaders, schemaVersion } from "./headers.ts";
export { type EventKind, eventKinds, isEventKind } from "./kind.ts";
export {
  type AnyEvent,
  decodeEvent,
  encodeEvent,
  eventKeyFields,
  type EventMap,
  type KeyField,
  keyOf,
  parseEvent,
} from "./registry.ts";
export {
  formatTimestamp,
  maxTimestampMs,
  minTimestampMs,
  normalizeTimestamp,
  timestampSchema,
} from "./time.ts";
export {
  type CleanupPolicy,
  compactedTopicIds,
  defaultTopics,
  resolveTopics,
  type TopicId,
  topicIds,
  type Topics,
  type TopicSpec,
  topicSpecs,
} from "./topics.ts";
export {
  decodeVehiclePressureReading,
  parseVehiclePressureReading,
  type VehiclePressureReading,
  vehiclePressureReadingSchema,
} from "./vehicle_pressure.ts";
export {
  decodeVehiclePressureMax,
  parseVehiclePressureMax,
  type VehiclePressureMax,
  vehiclePressureMaxSchema,
} from "./vehicle_pressure_max.ts";
export {
  type AggregateStats,
  decodeWindowAggregate,
  parseWindowAggregate,
  type WindowAggregate,
  windowAggregateSchema,
} from "./window_aggregate.ts";
export {
  aggregateStatValues,
  cassandraLayout,
  ingestSequenceColumn,
  mongoLayout,
  sqliteLayout,
  type TableLayout,
} from "./store_layout.ts";
