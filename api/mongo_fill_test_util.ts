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
  aggregateStatValues,
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
  #alertOffset = 0;

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
    // Like the sink: the per-device table, the window-hour table and the ingest-ordered table.
    const C = cassandraLayout;
    const insert = (t: { table: string; columns: readonly string[] }, values: string[]) =>
      `INSERT INTO ${this.#ks}.${t.table} (${t.columns.join(", ")}) VALUES (${values.join(", ")})`;
    const marks = (n: number) => Array.from({ length: n }, () => "?");
    for (const a of rows) {
      const start = date(a.windowStart);
      const values = [date(a.windowEnd), ...aggregateStatValues(a)];
      const hour = (ms: number) => new Date(Math.floor(ms / C.bucketMs) * C.bucketMs);
      const day = cassandra.types.LocalDate.fromString(a.windowStart.slice(0, 10));
      const statements: [string, unknown[]][] = [
        [insert(C.windowAggregates, marks(11)), [a.deviceId, day, start, ...values]],
        [
          insert(C.windowAggregatesByWindow, marks(11)),
          [hour(start.getTime()), start, a.deviceId, ...values],
        ],
        [
          insert(C.windowAggregatesByIngest, ["?", "now()", ...marks(10)]),
          [hour(Date.now()), a.deviceId, start, ...values],
        ],
      ];
      for (const [query, params] of statements) {
        await this.#cassandra.execute(query, params, { prepare: true });
      }
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
        // Like the sink: each partition's records in offset order, across calls too.
        kafkaPartition: (this.#alertOffset + i) % 2,
        kafkaOffset: this.#alertOffset + i,
      })),
    );
    this.#alertOffset += rows.length;
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
