/**
 * The Cassandra backend: window aggregates into the seed's table and the full table, as prepared
 * inserts grouped by partition (one unlogged single-partition batch per group) with bounded
 * concurrency.
 *
 * @module
 */
import cassandra from "cassandra-driver";
import {
  aggregateInserts,
  cassandraDdl,
  type CassandraInsert,
  checkKeyspace,
  DEFAULT_KEYSPACE,
  DEFAULT_REPLICATION,
} from "./cassandra_schema.ts";
import { isUnavailable } from "./cassandra_errors.ts";
import { rowId } from "./keys.ts";
import type { SinkKind, SinkRecord, SinkRecordOf } from "./record.ts";
import {
  checkKinds,
  describeError,
  type Rejection,
  type SinkWriter,
  storeError,
  type WriteResult,
} from "./writer.ts";

/** Most statements in one unlogged batch. */
const MAX_GROUP = 32;

/** Options for {@linkcode CassandraWriter}. */
export interface CassandraWriterOptions {
  /** Contact points, `host:port` each. */
  contactPoints: string[];
  /** The driver's local data center. Default: `"datacenter1"` (a default single node). */
  localDataCenter?: string;
  /** Keyspace. Default: `"iot_data"` (the seed's). */
  keyspace?: string;
  /** The keyspace's replication map, used only when creating it. Default: SimpleStrategy, 1. */
  replication?: string;
  /** Partition groups written at once. Default: 32. */
  concurrency?: number;
  /** Per-request timeout, in milliseconds. Default: 10 000. */
  timeoutMs?: number;
  /** Delay between reconnection attempts to a node that went down, in ms. Default: 1 000. */
  reconnectDelayMs?: number;
}

/** Writes window aggregates to Cassandra. */
export class CassandraWriter implements SinkWriter {
  /** The store's name. */
  readonly store = "cassandra";
  /** Only aggregates go to Cassandra. */
  readonly kinds: ReadonlySet<SinkKind> = new Set(["window-aggregate"]);
  readonly #client: cassandra.Client;
  readonly #keyspace: string;
  readonly #replication: string;
  readonly #concurrency: number;
  #closed = false;

  /** Creates the client; it connects on first use. */
  constructor(options: CassandraWriterOptions) {
    this.#keyspace = checkKeyspace(options.keyspace ?? DEFAULT_KEYSPACE);
    this.#replication = options.replication ?? DEFAULT_REPLICATION;
    this.#concurrency = options.concurrency ?? 32;
    const timeoutMs = options.timeoutMs ?? 10_000;
    this.#client = new cassandra.Client({
      contactPoints: options.contactPoints,
      localDataCenter: options.localDataCenter ?? "datacenter1",
      socketOptions: { readTimeout: timeoutMs, connectTimeout: timeoutMs },
      policies: {
        reconnection: new cassandra.policies.reconnection.ConstantReconnectionPolicy(
          options.reconnectDelayMs ?? 1_000,
        ),
      },
    });
  }

  /** Creates the keyspace and both tables if missing. */
  async ensureSchema(): Promise<void> {
    await this.#guard(async () => {
      for (const statement of cassandraDdl(this.#keyspace, this.#replication)) {
        await this.#client.execute(statement);
      }
    });
  }

  /** Writes `batch`: the statements of one partition in unlogged batches of at most 32. */
  async write(batch: readonly SinkRecord[]): Promise<WriteResult> {
    checkKinds(this.store, this.kinds, batch);
    const groups = new Map<string, Array<{ record: SinkRecord; insert: CassandraInsert }>>();
    const toDate = (day: string) => cassandra.types.LocalDate.fromString(day);
    // Only the last record per primary key: statements of one batch share one write timestamp,
    // and Cassandra breaks such ties by the larger value, not by the order in the batch.
    const latest = new Map(batch.map((record) => [rowId(record), record]));
    for (const record of latest.values()) {
      const aggregate = record as SinkRecordOf<"window-aggregate">;
      for (const insert of aggregateInserts(this.#keyspace, aggregate, toDate)) {
        const group = groups.get(insert.partition) ?? [];
        group.push({ record, insert });
        groups.set(insert.partition, group);
      }
    }
    const refused = new Map<SinkRecord, string>();
    // The cross-device tables put a whole batch in one partition: cut it into batches Cassandra
    // takes (its batch size warning starts at 5 KiB, about 40 aggregate rows).
    const pending = [...groups.values()].flatMap((g) =>
      Array.from(
        { length: Math.ceil(g.length / MAX_GROUP) },
        (_, i) => g.slice(i * MAX_GROUP, (i + 1) * MAX_GROUP),
      )
    );
    const worker = async () => {
      for (let group = pending.shift(); group; group = pending.shift()) {
        await this.#writeGroup(group, refused);
      }
    };
    await this.#guard(() =>
      Promise.all(Array.from({ length: Math.min(this.#concurrency, pending.length) }, worker))
    );
    const rejected: Rejection[] = batch.filter((r) => refused.has(r)).map((record) => ({
      record,
      code: "rejected-by-store",
      reason: refused.get(record)!,
    }));
    const superseded = batch.length - latest.size;
    return { written: latest.size - rejected.length, superseded, rejected };
  }

  /**
   * One partition's statements as one unlogged batch (atomic and cheap within a partition); when
   * Cassandra refuses it, statement by statement to find the records it refuses.
   */
  async #writeGroup(
    group: Array<{ record: SinkRecord; insert: CassandraInsert }>,
    refused: Map<SinkRecord, string>,
  ): Promise<void> {
    try {
      if (group.length === 1) {
        await this.#client.execute(group[0].insert.query, group[0].insert.params, {
          prepare: true,
        });
      } else {
        const queries = group.map(({ insert }) => ({ query: insert.query, params: insert.params }));
        await this.#client.batch(queries, { prepare: true, logged: false });
      }
      return;
    } catch (e) {
      if (isUnavailable(e)) throw e;
      if (group.length === 1) {
        refused.set(group[0].record, describeError(e));
        return;
      }
    }
    for (const { record, insert } of group) {
      try {
        await this.#client.execute(insert.query, insert.params, { prepare: true });
      } catch (e) {
        if (isUnavailable(e)) throw e;
        refused.set(record, describeError(e));
      }
    }
  }

  /** Runs `fn`, turning a connection or coordinator failure into StoreUnavailableError. */
  async #guard<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new Error("CassandraWriter is closed");
    try {
      return await fn();
    } catch (e) {
      throw storeError(this.store, e, isUnavailable);
    }
  }

  /** Shuts the client down. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.shutdown();
  }

  /** Same as {@linkcode CassandraWriter.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
