/**
 * The MongoDB collections, defined once: names, indexes (as data, also written to
 * `schema/mongo_indexes.json`) and how a record becomes a document.
 *
 * Documents keep the event's camelCase fields with timestamps as BSON dates, `_id` is the
 * record's natural key (`keys.ts`), and `kafkaPartition`/`kafkaOffset` say where it was read.
 *
 * @module
 */
import { rowId } from "./keys.ts";
import type { SinkKind, SinkRecord } from "./record.ts";

/** An index: its name and key pattern. */
export interface MongoIndex {
  /** Index name (stable, so `createIndexes` is idempotent). */
  readonly name: string;
  /** Key pattern, e.g. `{ deviceId: 1, ts: 1 }`. */
  readonly key: Readonly<Record<string, 1 | -1>>;
}

/** One collection and the kind of record it stores. */
export interface MongoCollection {
  /** Collection name. */
  readonly name: string;
  /** Secondary indexes (the `_id` index always exists). */
  readonly indexes: readonly MongoIndex[];
}

/** The kinds MongoDB stores (aggregates go to Cassandra). */
export type MongoKind = Exclude<SinkKind, "window-aggregate">;

/** Every collection, by record kind. */
export const mongoCollections: { readonly [K in MongoKind]: MongoCollection } = {
  "climate-reading": {
    name: "sensor_readings",
    indexes: [{ name: "device_ts", key: { deviceId: 1, ts: 1 } }],
  },
  "vehicle-pressure-reading": {
    name: "vehicle_pressure",
    indexes: [
      { name: "vehicle_ts", key: { vehicleId: 1, ts: 1 } },
      { name: "sensor_ts", key: { sensorId: 1, ts: 1 } },
    ],
  },
  "alert": {
    name: "alerts",
    indexes: [{ name: "device_ts", key: { deviceId: 1, ts: 1 } }],
  },
  "device-command": {
    name: "device_commands",
    indexes: [{ name: "device_issued", key: { deviceId: 1, issuedAt: 1 } }],
  },
  "command-status": {
    name: "command_status",
    indexes: [
      { name: "device_ts", key: { deviceId: 1, ts: 1 } },
      { name: "command", key: { commandId: 1 } },
    ],
  },
  "vehicle-pressure-max": { name: "vehicle_pressure_max", indexes: [] },
  "dead-letter": {
    name: "dead_letter",
    indexes: [
      { name: "source", key: { sourceTopic: 1, sourcePartition: 1, sourceOffset: 1 } },
      { name: "kafka_timestamp", key: { kafkaTimestamp: 1 } },
    ],
  },
};

/** The kinds {@linkcode mongoCollections} covers. */
export const mongoKinds: readonly MongoKind[] = Object.keys(mongoCollections) as MongoKind[];

/** The index definitions by collection name, as written to `schema/mongo_indexes.json`. */
export function mongoIndexFile(): Record<string, readonly MongoIndex[]> {
  return Object.fromEntries(
    Object.values(mongoCollections).map((c) => [c.name, c.indexes]),
  );
}

const date = (iso: string) => new Date(iso);

/** The document `record` is stored as. */
export function toDocument(record: SinkRecord): Record<string, unknown> {
  const where = { kafkaPartition: record.source.partition, kafkaOffset: record.source.offset };
  const _id = rowId(record);
  switch (record.kind) {
    case "climate-reading":
    case "vehicle-pressure-reading":
    case "command-status":
    case "vehicle-pressure-max":
      return { _id, ...record.value, ts: date(record.value.ts), ...where };
    case "alert":
      return {
        _id,
        ...record.value,
        windowStart: date(record.value.windowStart),
        windowEnd: date(record.value.windowEnd),
        ts: date(record.value.ts),
        ...where,
      };
    case "device-command":
      return {
        _id,
        ...record.value,
        issuedAt: date(record.value.issuedAt),
        expiresAt: date(record.value.expiresAt),
        ...(record.value.eventTime !== undefined
          ? { eventTime: date(record.value.eventTime) }
          : {}),
        ...where,
      };
    case "dead-letter":
      return {
        _id,
        ...record.value,
        kafkaTopic: record.source.topic,
        ...where,
        kafkaTimestamp: record.source.timestamp >= 0 ? new Date(record.source.timestamp) : null,
        kafkaKey: record.source.key,
        headers: record.source.headers.map(([name, value]) => ({ name, value })),
      };
    case "window-aggregate":
      throw new TypeError("window-aggregate records are stored in Cassandra, not MongoDB");
  }
}
