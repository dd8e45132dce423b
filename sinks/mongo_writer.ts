/**
 * The MongoDB backend: ordered bulk writes of `replaceOne` upserts by `_id` (the natural key),
 * chunked, and guarded upserts for the vehicle maximum.
 *
 * @module
 */
import {
  type AnyBulkWriteOperation,
  BSON,
  type Db,
  MongoClient,
  type MongoClientOptions,
} from "mongodb";
import { replacesMax } from "./keys.ts";
import { mongoCollections, type MongoKind, mongoKinds, toDocument } from "./mongo_schema.ts";
import type { SinkKind, SinkRecord } from "./record.ts";
import { isUnavailable } from "./mongo_errors.ts";
import {
  checkKinds,
  describeError,
  type Rejection,
  type SinkWriter,
  storeError,
  type WriteResult,
} from "./writer.ts";

/** Options for {@linkcode MongoWriter}. */
export interface MongoWriterOptions {
  /** Connection string, e.g. `mongodb://127.0.0.1:27017/`. */
  url: string;
  /** Database name. Default: `"iot"`. */
  database?: string;
  /** The kinds to store; a subset of the MongoDB kinds. Default: all of them. */
  kinds?: readonly MongoKind[];
  /**
   * How long to wait for a server before a write fails as unavailable, in milliseconds.
   * Default: 10 000.
   */
  timeoutMs?: number;
  /**
   * Statements per bulk write command. Default: 50 (FerretDB 1.24.2 as shipped deadlocks on an
   * `update` command of ~100 statements that match existing documents).
   */
  chunkSize?: number;
  /** Vehicle-maximum upserts in flight at once. Default: 16. */
  concurrency?: number;
}

/** MongoDB's document size limit (`maxBsonObjectSize`). */
const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/** Writes readings and events to MongoDB (or a MongoDB-wire server such as FerretDB). */
export class MongoWriter implements SinkWriter {
  /** The store's name. */
  readonly store = "mongodb";
  /** The kinds this writer stores. */
  readonly kinds: ReadonlySet<SinkKind>;
  readonly #client: MongoClient;
  readonly #db: Db;
  readonly #chunkSize: number;
  readonly #concurrency: number;
  #closed = false;

  /** Creates the client; it connects on first use. */
  constructor(options: MongoWriterOptions) {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const clientOptions: MongoClientOptions = {
      serverSelectionTimeoutMS: timeoutMs,
      connectTimeoutMS: timeoutMs,
      socketTimeoutMS: 6 * timeoutMs,
    };
    this.#client = new MongoClient(options.url, clientOptions);
    this.#db = this.#client.db(options.database ?? "iot");
    this.kinds = new Set(options.kinds ?? mongoKinds);
    this.#chunkSize = options.chunkSize ?? 50;
    this.#concurrency = options.concurrency ?? 16;
    if (!(this.#chunkSize >= 1)) {
      throw new RangeError(`chunkSize must be >= 1, got ${this.#chunkSize}`);
    }
  }

  /** Creates the collections' indexes (named, so this is idempotent). */
  async ensureSchema(): Promise<void> {
    await this.#guard(async () => {
      for (const kind of this.kinds) {
        const { name, indexes } = mongoCollections[kind as MongoKind];
        const collection = this.#db.collection(name);
        await this.#db.createCollection(name).catch((e) => {
          if ((e as { code?: number }).code !== 48) throw e; // 48: NamespaceExists
        });
        // One index per command: FerretDB 1.24.2 panics on a createIndexes of several indexes
        // that all exist already (MongoDB accepts both forms).
        for (const { name: indexName, key } of indexes) {
          await collection.createIndex({ ...key }, { name: indexName });
        }
      }
    });
  }

  /** Writes `batch`: per collection, in batch order. */
  async write(batch: readonly SinkRecord[]): Promise<WriteResult> {
    checkKinds(this.store, this.kinds, batch);
    const byKind = new Map<MongoKind, SinkRecord[]>();
    for (const record of batch) {
      const kind = record.kind as MongoKind;
      byKind.set(kind, [...(byKind.get(kind) ?? []), record]);
    }
    const outcomes = await this.#guard(() =>
      Promise.all(
        [...byKind].map(([kind, records]) =>
          kind === "vehicle-pressure-max"
            ? this.#writeMaxima(records)
            : this.#writeRows(kind, records)
        ),
      )
    );
    const rejected = outcomes.flatMap((o) => o.rejected);
    const order = new Map(batch.map((r, i) => [r, i]));
    rejected.sort((a, b) => order.get(a.record)! - order.get(b.record)!);
    return {
      written: outcomes.reduce((n, o) => n + o.written, 0),
      superseded: outcomes.reduce((n, o) => n + o.superseded, 0),
      rejected,
    };
  }

  /** Ordered bulk `replaceOne` upserts by `_id`, in chunks. */
  async #writeRows(kind: MongoKind, records: SinkRecord[]): Promise<WriteResult> {
    const collection = this.#db.collection(mongoCollections[kind].name);
    const rejected: Rejection[] = [];
    const accepted: Array<{ record: SinkRecord; op: AnyBulkWriteOperation }> = [];
    for (const record of records) {
      const document = toDocument(record);
      const size = BSON.calculateObjectSize(document);
      if (size > MAX_DOCUMENT_BYTES) {
        rejected.push(refused(record, `document of ${size} bytes exceeds the 16 MiB limit`));
        continue;
      }
      const op = {
        replaceOne: { filter: { _id: document._id }, replacement: document, upsert: true },
      };
      accepted.push({ record, op: op as AnyBulkWriteOperation });
    }
    for (let i = 0; i < accepted.length; i += this.#chunkSize) {
      const chunk = accepted.slice(i, i + this.#chunkSize);
      try {
        await collection.bulkWrite(chunk.map((c) => c.op), { ordered: true });
      } catch (e) {
        if (isUnavailable(e)) throw e;
        // Some statement was refused. Which one is not taken from the error's index (FerretDB
        // reports wrong ones): the chunk is written again statement by statement, harmless as
        // every statement is an idempotent upsert.
        for (const { record, op } of chunk) {
          try {
            await collection.bulkWrite([op], { ordered: true });
          } catch (e) {
            if (isUnavailable(e)) throw e;
            rejected.push(refused(record, describeError(e)));
          }
        }
      }
    }
    return { written: records.length - rejected.length, superseded: 0, rejected };
  }

  /**
   * The current maximum per vehicle: within the batch only the newest record per vehicle is sent
   * (keys.ts replacesMax); each is a `replaceOne` upsert whose filter matches only an older stored
   * row, so a newer stored row makes the upsert collide on `_id` (11000): superseded.
   */
  async #writeMaxima(records: SinkRecord[]): Promise<WriteResult> {
    const collection = this.#db.collection(mongoCollections["vehicle-pressure-max"].name);
    const newest = new Map<string, SinkRecord>();
    for (const record of records) {
      const id = toDocument(record)._id as string;
      const held = newest.get(id);
      if (!held || replacesMax(held.source, record.source)) newest.set(id, record);
    }
    let superseded = records.length - newest.size;
    const rejected: Rejection[] = [];
    const pending = [...newest.values()];
    const worker = async () => {
      for (let record = pending.shift(); record; record = pending.shift()) {
        const document = toDocument(record);
        const { partition, offset } = record.source;
        const filter = {
          _id: document._id,
          $or: [{ kafkaPartition: { $ne: partition } }, { kafkaOffset: { $lte: offset } }],
        };
        try {
          await collection.replaceOne(filter as never, document, { upsert: true });
        } catch (e) {
          if (isUnavailable(e)) throw e;
          if ((e as { code?: number }).code === 11000) superseded++;
          else rejected.push(refused(record, describeError(e)));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, newest.size) }, worker));
    return { written: records.length - superseded - rejected.length, superseded, rejected };
  }

  /** Runs `fn`, turning a connection or server-state failure into StoreUnavailableError. */
  async #guard<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new Error("MongoWriter is closed");
    try {
      return await fn();
    } catch (e) {
      throw storeError(this.store, e, isUnavailable);
    }
  }

  /** Closes the client. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.close();
  }

  /** Same as {@linkcode MongoWriter.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function refused(record: SinkRecord, reason: string): Rejection {
  return { record, code: "rejected-by-store", reason };
}
