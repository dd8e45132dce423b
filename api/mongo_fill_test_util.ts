/**
 * Fills MongoDB and Cassandra the way the sinks store records (documents with the event's fields,
 * BSON dates, `_id` the natural key; aggregates in Cassandra's day-bucketed table), for the route
 * contract on the production stores. Cassandra's tables come from the sinks' rendered schema file.
 *
 * @module
 */
import cassandra from "cassandra-driver";
import { type Document, MongoClient } from "mongodb";
import {
  type Alert,
  cassandraLayout,
  type ClimateReading,
  type CommandStatus,
  mongoLayout as M,
  type VehiclePressureMax,
  type VehiclePressureReading,
  type WindowAggregate,
} from "@iot/events";
import type { At, DeadLetterRow, StoreFiller } from "./store_fill_test_util.ts";

const key = (parts: (string | number)[]) =>
  parts.map((p) => String(p).replaceAll("\\", "\\\\").replaceAll("|", "\\|")).join("|");
const date = (iso: string) => new Date(iso);

/** Writes documents and aggregate rows into a database and keyspace of its own. */
export class MongoCassandraFiller implements StoreFiller {
  readonly #mongo: MongoClient;
  readonly #cassandra: cassandra.Client;
  readonly #db: string;
  readonly #ks: string;

  private constructor(mongo: MongoClient, client: cassandra.Client, db: string, ks: string) {
    this.#mongo = mongo;
    this.#cassandra = client;
    this.#db = db;
    this.#ks = ks;
  }

  /** Connects and creates the keyspace `keyspace` with the sinks' Cassandra tables. */
  static async open(
    mongoUrl: string,
    database: string,
    contactPoint: string,
    keyspace: string,
  ): Promise<MongoCassandraFiller> {
    const mongo = new MongoClient(mongoUrl);
    const client = new cassandra.Client({
      contactPoints: [contactPoint],
      localDataCenter: "datacenter1",
    });
    const cql = Deno.readTextFileSync(new URL("../sinks/schema/cassandra.cql", import.meta.url))
      .replace(/^--.*$/gm, "").replaceAll(`${cassandraLayout.keyspace}.`, `${keyspace}.`)
      .replace(
        `KEYSPACE IF NOT EXISTS ${cassandraLayout.keyspace}`,
        `KEYSPACE IF NOT EXISTS ${keyspace}`,
      );
    for (const statement of cql.split(";").map((s) => s.trim()).filter(Boolean)) {
      await client.execute(statement);
    }
    return new MongoCassandraFiller(mongo, client, database, keyspace);
  }

  async #put(collection: string, docs: Document[]): Promise<void> {
    if (!docs.length) return;
    await this.#mongo.db(this.#db).collection(collection).bulkWrite(
      docs.map((d) => ({ replaceOne: { filter: { _id: d._id }, replacement: d, upsert: true } })),
    );
  }

  async readings(rows: ReadonlyArray<readonly [ClimateReading, At]>): Promise<void> {
    await this.#put(
      M.climateReadings,
      rows.map(([r, at]) => ({
        _id: key([r.deviceId, r.ts]),
        ...r,
        ts: date(r.ts),
        kafkaPartition: at.partition,
        kafkaOffset: at.offset,
      })),
    );
  }

  async aggregates(rows: readonly WindowAggregate[]): Promise<void> {
    const table = `${this.#ks}.${cassandraLayout.windowAggregates.table}`;
    for (const a of rows) {
      await this.#cassandra.execute(
        `INSERT INTO ${table} (${cassandraLayout.windowAggregates.columns.join(", ")}) ` +
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
          a.deviceId,
          cassandra.types.LocalDate.fromString(a.windowStart.slice(0, 10)),
          date(a.windowStart),
          date(a.windowEnd),
          a.count,
          a.temperature.avg,
          a.temperature.min,
          a.temperature.max,
          a.humidity.avg,
          a.humidity.min,
          a.humidity.max,
        ],
        { prepare: true },
      );
    }
  }

  async alerts(rows: readonly Alert[]): Promise<void> {
    await this.#put(
      M.alerts,
      rows.map((a, i) => ({
        _id: key([a.alertId, a.state]),
        ...a,
        windowStart: date(a.windowStart),
        windowEnd: date(a.windowEnd),
        ts: date(a.ts),
        kafkaPartition: 0,
        kafkaOffset: i,
      })),
    );
  }

  async commandStatus(rows: readonly CommandStatus[]): Promise<void> {
    await this.#put(
      M.commandStatus,
      rows.map((s, i) => ({
        _id: key([s.commandId, s.status]),
        ...s,
        ts: date(s.ts),
        kafkaPartition: 0,
        kafkaOffset: i,
      })),
    );
  }

  async vehicleReadings(rows: ReadonlyArray<readonly [VehiclePressureReading, At]>): Promise<void> {
    await this.#put(
      M.vehiclePressure,
      rows.map(([v, at]) => ({
        _id: key([v.vehicleId, v.sensorId, v.ts]),
        ...v,
        ts: date(v.ts),
        kafkaPartition: at.partition,
        kafkaOffset: at.offset,
      })),
    );
  }

  async vehicleMaxima(rows: ReadonlyArray<readonly [VehiclePressureMax, At]>): Promise<void> {
    await this.#put(
      M.vehiclePressureMax,
      rows.map(([v, at]) => ({
        _id: v.vehicleId,
        ...v,
        ts: date(v.ts),
        kafkaPartition: at.partition,
        kafkaOffset: at.offset,
      })),
    );
  }

  async deadLetters(rows: readonly DeadLetterRow[]): Promise<void> {
    await this.#put(
      M.deadLetter,
      rows.map((d) => ({
        _id: key(["dead-letter", d.partition, d.offset]),
        payload: new TextEncoder().encode(d.payload),
        reason: d.reason,
        code: d.code,
        sourceTopic: d.sourceTopic,
        sourcePartition: 0,
        sourceOffset: 0,
        job: "test",
        kafkaTopic: "dead-letter",
        kafkaPartition: d.partition,
        kafkaOffset: d.offset,
        kafkaTimestamp: new Date(d.timestamp),
        kafkaKey: null,
        headers: [],
      })),
    );
  }

  /** Drops the database and keyspace, closes the clients. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.#mongo.db(this.#db).dropDatabase().catch(() => {});
    await this.#cassandra.execute(`DROP KEYSPACE IF EXISTS ${this.#ks}`).catch(() => {});
    await this.#mongo.close();
    await this.#cassandra.shutdown();
  }
}
