/**
 * `@iot/sinks`: writers from the platform's topics to storage, behind one {@linkcode SinkWriter}
 * interface with one contract suite (`writer_contract_test_util.ts`) run against every backend:
 *
 * - {@linkcode SqliteWriter}: everything into one local SQLite file (`node:sqlite`), the embedded
 *   store;
 * - {@linkcode MongoWriter}: raw readings and events into MongoDB (tested on FerretDB);
 * - {@linkcode CassandraWriter}: window aggregates into Cassandra (the seed's table and a full
 *   table bucketed by day);
 * - {@linkcode LakeWriter}: raw readings and window aggregates into Delta Lake tables (Parquet
 *   files and a transaction log, partitioned by event date and hour), exactly once per record.
 *
 * {@linkcode SinkRunner} is the pipeline in front of a writer: it consumes `read_committed`,
 * batches by size and time, decodes, writes, dead-letters, and commits offsets only after the
 * write; while the store is down it retries with backoff and pauses its partitions. It reaches
 * Kafka only through {@linkcode SinkKafkaClients} ({@linkcode sinkKafkaClients} for librdkafka).
 *
 * Every write is idempotent (rows are keyed by the record's natural key, see {@linkcode rowId}),
 * so a batch can be written again after any failure; commit its offsets only after
 * {@linkcode SinkWriter.write} resolved, and send its {@linkcode Rejection}s to the dead-letter
 * topic. A {@linkcode StoreUnavailableError} means: retry the whole batch later.
 *
 * @example
 * ```ts
 * import { SqliteWriter } from "@iot/sinks";
 * await using writer = new SqliteWriter({ path: "./data/iot.db" });
 * await writer.ensureSchema();
 * const result = await writer.write(records); // records: SinkRecord[]
 * ```
 *
 * @module
 */
export {
  aggregateInserts,
  cassandraDdl,
  checkKeyspace,
  DEFAULT_KEYSPACE,
  DEFAULT_REPLICATION,
} from "./cassandra_schema.ts";
export { CassandraWriter, type CassandraWriterOptions } from "./cassandra_writer.ts";
export {
  deadLetterHeaders,
  type Decoded,
  type DecodeFailure,
  decodeRecord,
  type RawRecord,
  sourceOf,
} from "./decode.ts";
export { dayBucket, joinKey, replacesMax, rowId } from "./keys.ts";
export { sinkKafkaClients, type SinkKafkaClientsOptions } from "./kafka_clients.ts";
export type {
  DeadLetterOutput,
  SinkInput,
  SinkInputOptions,
  SinkKafkaClients,
  SinkWaitOptions,
  Watermarks,
} from "./kafka_seam.ts";
export {
  type MongoCollection,
  mongoCollections,
  type MongoIndex,
  type MongoKind,
  mongoKinds,
  toDocument,
} from "./mongo_schema.ts";
export { MongoWriter, type MongoWriterOptions } from "./mongo_writer.ts";
export { LakeWriter, type LakeWriterOptions } from "./lake/writer.ts";
export { type LakeTableDef, lakeTables } from "./lake/columns.ts";
export {
  type DeadLetter,
  type SinkKind,
  sinkKinds,
  type SinkRecord,
  type SinkRecordOf,
  type SinkValueMap,
  type SourceCoordinates,
} from "./record.ts";
export {
  type SinkRoute,
  SinkRunner,
  type SinkRunnerEvent,
  type SinkRunnerOptions,
} from "./runner.ts";
export { renderSchemaFiles } from "./schema_files.ts";
export {
  emptyStats,
  type PartitionLag,
  renderSinkMetrics,
  type SinkStats,
  type SinkStatus,
} from "./status.ts";
export {
  type SqliteColumn,
  sqliteDdl,
  sqliteMigrations,
  type SqliteTable,
  sqliteTables,
  sqliteUpsert,
  type SqlValue,
} from "./sqlite_schema.ts";
export { SqliteWriter, type SqliteWriterOptions } from "./sqlite_writer.ts";
export {
  type Rejection,
  type SinkWriter,
  StoreUnavailableError,
  type WriteResult,
} from "./writer.ts";
/** The sinks' option table (flags, `SINKS_*` variables, defaults). */
export { sinksCli } from "./options.ts";
