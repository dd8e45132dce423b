/**
 * Reads MongoDB collections back as record values, for the contract suite.
 *
 * @module
 */
import { Binary, type Db } from "mongodb";
import { mongoCollections, type MongoKind } from "./mongo_schema.ts";

type Doc = Record<string, unknown>;
const iso = (d: unknown) => (d as Date).toISOString();

const toValue: { [K in MongoKind]: (d: Doc) => unknown } = {
  "climate-reading": (d) => ({
    deviceId: d.deviceId,
    ts: iso(d.ts),
    temperature: d.temperature,
    humidity: d.humidity,
  }),
  "vehicle-pressure-reading": (d) => ({
    vehicleId: d.vehicleId,
    sensorId: d.sensorId,
    ts: iso(d.ts),
    pressure: d.pressure,
    temperature: d.temperature,
  }),
  "alert": (d) => ({
    alertId: d.alertId,
    deviceId: d.deviceId,
    type: d.type,
    severity: d.severity,
    state: d.state,
    value: d.value,
    threshold: d.threshold,
    windowStart: iso(d.windowStart),
    windowEnd: iso(d.windowEnd),
    ts: iso(d.ts),
  }),
  "device-command": (d) => ({
    commandId: d.commandId,
    deviceId: d.deviceId,
    command: d.command,
    reason: d.reason,
    issuedAt: iso(d.issuedAt),
    expiresAt: iso(d.expiresAt),
    ...(d.eventTime !== undefined ? { eventTime: iso(d.eventTime) } : {}),
  }),
  "command-status": (d) => ({
    commandId: d.commandId,
    deviceId: d.deviceId,
    status: d.status,
    ts: iso(d.ts),
  }),
  "vehicle-pressure-max": (d) => ({
    vehicleId: d.vehicleId,
    sensorId: d.sensorId,
    pressureMax: d.pressureMax,
    temperature: d.temperature,
    ts: iso(d.ts),
  }),
  "dead-letter": (d) => ({
    payload: new Uint8Array((d.payload as Binary).buffer),
    reason: d.reason,
    code: d.code,
    sourceTopic: d.sourceTopic,
    sourcePartition: d.sourcePartition,
    sourceOffset: d.sourceOffset,
    job: d.job,
  }),
};

/** Every document of `kind` in `db`, as record values by `_id`. */
export async function readMongo(db: Db, kind: MongoKind): Promise<Map<string, unknown>> {
  const docs = await db.collection<Doc>(mongoCollections[kind].name).find({}).toArray();
  return new Map(docs.map((d) => [d._id as unknown as string, toValue[kind](d)]));
}
