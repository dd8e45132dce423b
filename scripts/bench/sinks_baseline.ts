/**
 * The bare-driver baselines of `bench:sinks`: the same rows as the sinks write, in the same batch
 * sizes, with `node:sqlite`, the `mongodb` driver and `cassandra-driver` directly (no Kafka, no
 * decoding, no pipeline).
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import cassandra from "cassandra-driver";
import { type AnyBulkWriteOperation, MongoClient } from "mongodb";
import {
  aggregateInserts,
  mongoCollections,
  type MongoKind,
  type SinkKind,
  type SinkRecord,
  type SinkRecordOf,
  type SqliteTable,
  sqliteTables,
  sqliteUpsert,
  toDocument,
} from "@iot/sinks";

/** Writes `batches` into the SQLite file `path`: one transaction per batch. */
export function sqliteBaseline(path: string, batches: readonly SinkRecord[][]): void {
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
  const statements = new Map<SinkKind, ReturnType<DatabaseSync["prepare"]>>();
  for (const batch of batches) {
    db.exec("BEGIN IMMEDIATE");
    for (const record of batch) {
      const table = sqliteTables[record.kind] as SqliteTable<SinkKind>;
      let statement = statements.get(record.kind);
      if (!statement) statements.set(record.kind, statement = db.prepare(sqliteUpsert(table)));
      statement.run(...table.columns.map((c) => c.value(record as never)));
    }
    db.exec("COMMIT");
  }
  db.close();
}

/** Writes `batches` into MongoDB: ordered bulk `replaceOne` upserts, 50 per command. */
export async function mongoBaseline(
  url: string,
  database: string,
  batches: readonly SinkRecord[][],
): Promise<void> {
  const client = new MongoClient(url);
  try {
    const db = client.db(database);
    for (const batch of batches) {
      const collection = db.collection(mongoCollections[batch[0].kind as MongoKind].name);
      const ops = batch.map((record) => {
        const document = toDocument(record);
        return {
          replaceOne: { filter: { _id: document._id }, replacement: document, upsert: true },
        } as AnyBulkWriteOperation;
      });
      for (let i = 0; i < ops.length; i += 50) {
        await collection.bulkWrite(ops.slice(i, i + 50), { ordered: true });
      }
    }
  } finally {
    await client.close();
  }
}

/** Writes `batches` into Cassandra: one unlogged batch per partition, 32 in flight. */
export async function cassandraBaseline(
  contactPoint: string,
  localDataCenter: string,
  keyspace: string,
  batches: readonly SinkRecord[][],
): Promise<void> {
  const client = new cassandra.Client({ contactPoints: [contactPoint], localDataCenter });
  const toDate = (day: string) => cassandra.types.LocalDate.fromString(day);
  try {
    for (const batch of batches) {
      const groups = new Map<string, Array<{ query: string; params: unknown[] }>>();
      for (const record of batch) {
        const inserts = aggregateInserts(
          keyspace,
          record as SinkRecordOf<"window-aggregate">,
          toDate,
        );
        for (const { query, params, partition } of inserts) {
          groups.set(partition, [...(groups.get(partition) ?? []), { query, params }]);
        }
      }
      const pending = [...groups.values()];
      const worker = async () => {
        for (let group = pending.shift(); group; group = pending.shift()) {
          if (group.length === 1) {
            await client.execute(group[0].query, group[0].params, { prepare: true });
          } else await client.batch(group, { prepare: true, logged: false });
        }
      };
      await Promise.all(Array.from({ length: Math.min(32, pending.length) }, worker));
    }
  } finally {
    await client.shutdown();
  }
}
