/**
 * Deterministic ids of stored rows, shared by every backend, so that writing a record again
 * (a replay after a crash) rewrites the same row instead of adding one.
 *
 * | Kind                       | Id (natural key)                   | Why                                  |
 * | -------------------------- | ---------------------------------- | ------------------------------------ |
 * | `climate-reading`          | deviceId, ts                       | one reading per device and instant;  |
 * |                            |                                    | a producer's duplicate collapses     |
 * | `vehicle-pressure-reading` | vehicleId, sensorId, ts            | same, per sensor                     |
 * | `alert`                    | alertId, state                     | `active` and `cleared` are two rows  |
 * | `device-command`           | commandId                          | one row per command                  |
 * | `command-status`           | commandId, status                  | one row per status a command reached |
 * | `vehicle-pressure-max`     | vehicleId                          | upsert: the current maximum          |
 * | `dead-letter`              | topic, partition, offset (its own) | rejected bytes have no natural key   |
 * | `window-aggregate`         | deviceId, windowStart              | one row per window (see Cassandra)   |
 *
 * @module
 */
import type { SinkRecord } from "./record.ts";

/** Joins key parts unambiguously: `\` and `|` inside a part are escaped with `\`. */
export function joinKey(parts: readonly (string | number)[]): string {
  return parts.map((p) => String(p).replaceAll("\\", "\\\\").replaceAll("|", "\\|")).join("|");
}

/**
 * The id of the row `record` is stored as.
 *
 * @example
 * ```ts
 * import { rowId } from "@iot/sinks";
 * // rowId({ kind: "climate-reading", value: { deviceId: "d1", ts: "2025-07-22T22:30:45.123Z", ... }, source })
 * // -> "d1|2025-07-22T22:30:45.123Z"
 * ```
 */
export function rowId(record: SinkRecord): string {
  switch (record.kind) {
    case "climate-reading":
      return joinKey([record.value.deviceId, record.value.ts]);
    case "vehicle-pressure-reading":
      return joinKey([record.value.vehicleId, record.value.sensorId, record.value.ts]);
    case "window-aggregate":
      return joinKey([record.value.deviceId, record.value.windowStart]);
    case "alert":
      return joinKey([record.value.alertId, record.value.state]);
    case "device-command":
      return record.value.commandId;
    case "command-status":
      return joinKey([record.value.commandId, record.value.status]);
    case "vehicle-pressure-max":
      return record.value.vehicleId;
    case "dead-letter":
      return joinKey([record.source.topic, record.source.partition, record.source.offset]);
  }
}

/**
 * The UTC day (`YYYY-MM-DD`) of an ISO timestamp: the bucket that keeps one device's windows of
 * one day in one bounded Cassandra partition.
 */
export function dayBucket(isoTimestamp: string): string {
  return isoTimestamp.slice(0, 10);
}

/**
 * Whether a stored `vehicle-pressure-max` row written from (`storedPartition`, `storedOffset`)
 * may be replaced by one from (`partition`, `offset`). Records of one vehicle share a partition
 * (the topic is keyed and compacted by vehicle), so the later offset is the newer maximum,
 * whatever its event time: a replay of older records never overwrites a newer maximum, and the
 * table ends equal to the compacted topic. Another partition (the topic was re-partitioned)
 * always wins.
 */
export function replacesMax(
  stored: { partition: number; offset: number },
  incoming: { partition: number; offset: number },
): boolean {
  return incoming.partition !== stored.partition || incoming.offset >= stored.offset;
}
