/**
 * What a sink writer receives: one decoded event plus the coordinates of the Kafka record it came
 * from.
 *
 * @module
 */
import type {
  Alert,
  ClimateReading,
  CommandStatus,
  DeviceCommand,
  VehiclePressureMax,
  VehiclePressureReading,
  WindowAggregate,
} from "@iot/events";

/** Where a record was read: its topic, partition, offset, timestamp, key and headers. */
export interface SourceCoordinates {
  /** The topic it was read from. */
  readonly topic: string;
  /** Its partition. */
  readonly partition: number;
  /** Its offset in the partition. */
  readonly offset: number;
  /** Its Kafka timestamp in ms since the epoch, or -1 when it has none. */
  readonly timestamp: number;
  /** Its key as UTF-8 text, or null. */
  readonly key: string | null;
  /** Its headers in order; values as UTF-8 text, or null. */
  readonly headers: ReadonlyArray<readonly [string, string | null]>;
}

/**
 * A record of the `dead-letter` topic: the rejected record's bytes as they were, and why and where
 * it was rejected (from the `dlq-*` headers).
 */
export interface DeadLetter {
  /** The original record's value, unchanged (it may not even be UTF-8). */
  readonly payload: Uint8Array;
  /** One line saying what is wrong (`dlq-reason`). */
  readonly reason: string;
  /** Machine-readable code such as `invalid-json` or `schema` (`dlq-reason-code`). */
  readonly code: string;
  /** The topic the rejected record was read from (`dlq-source-topic`). */
  readonly sourceTopic: string | null;
  /** Its partition (`dlq-source-partition`). */
  readonly sourcePartition: number | null;
  /** Its offset (`dlq-source-offset`). */
  readonly sourceOffset: number | null;
  /** The job that rejected it (`dlq-job`). */
  readonly job: string | null;
}

/** Maps each kind of record a sink stores to its value type. */
export interface SinkValueMap {
  /** `sensor-readings`. */
  "climate-reading": ClimateReading;
  /** `vehicle-pressure`. */
  "vehicle-pressure-reading": VehiclePressureReading;
  /** `sensor-aggregates`. */
  "window-aggregate": WindowAggregate;
  /** `alerts`. */
  "alert": Alert;
  /** `device-commands` (the processor's and the API's commands). */
  "device-command": DeviceCommand;
  /** `command-status`. */
  "command-status": CommandStatus;
  /** `vehicle-pressure-max`. */
  "vehicle-pressure-max": VehiclePressureMax;
  /** `dead-letter`. */
  "dead-letter": DeadLetter;
}

/** The kinds of record a sink stores. */
export type SinkKind = keyof SinkValueMap;

/** Every {@linkcode SinkKind}, in a stable order. */
export const sinkKinds: readonly SinkKind[] = Object.freeze([
  "climate-reading",
  "vehicle-pressure-reading",
  "window-aggregate",
  "alert",
  "device-command",
  "command-status",
  "vehicle-pressure-max",
  "dead-letter",
]);

/** One record for a writer: a decoded value of kind `K` and where it was read. */
export type SinkRecordOf<K extends SinkKind> = {
  /** What the value is. */
  readonly kind: K;
  /** The decoded value. */
  readonly value: SinkValueMap[K];
  /** Where it was read. */
  readonly source: SourceCoordinates;
};

/** One record for a writer, of any kind. */
export type SinkRecord = { [K in SinkKind]: SinkRecordOf<K> }[SinkKind];
