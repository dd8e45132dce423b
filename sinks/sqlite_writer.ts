/**
 * The embedded backend: every kind of record into one local SQLite file (`node:sqlite`), in WAL
 * mode, one transaction per batch.
 *
 * @module
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { SinkKind, SinkRecord } from "./record.ts";
import { sinkKinds } from "./record.ts";
import {
  sqliteDdl,
  sqliteMigrations,
  type SqliteTable,
  sqliteTables,
  sqliteUpsert,
} from "./sqlite_schema.ts";
import {
  checkKinds,
  describeError,
  type Rejection,
  type SinkWriter,
  storeError,
  StoreUnavailableError,
  type WriteResult,
} from "./writer.ts";

/** Options for {@linkcode SqliteWriter}. */
export interface SqliteWriterOptions {
  /** The database file; created if missing. */
  path: string;
  /** How long to wait for another connection's write lock, in milliseconds. Default: 5 000. */
  busyTimeoutMs?: number;
}

// Primary result codes that mean "try again later" rather than "this row is bad":
// BUSY, LOCKED, IOERR, FULL, CANTOPEN, PROTOCOL.
const TRANSIENT_CODES = new Set([5, 6, 10, 13, 14, 15]);
const TRANSIENT_TEXT = /database (table )?is locked|disk I\/O error|database or disk is full/i;

/** Whether a node:sqlite error is a condition that passes (lock, I/O, full disk). */
function isTransient(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const errcode = (e as { errcode?: number }).errcode;
  if (typeof errcode === "number") return TRANSIENT_CODES.has(errcode & 0xff);
  return TRANSIENT_TEXT.test(e.message);
}

/**
 * Writes records of every kind to one SQLite file: `INSERT ... ON CONFLICT DO UPDATE` by natural
 * key, all records of a batch in one transaction; a row SQLite refuses (a constraint) is rejected
 * alone and the rest of the batch is committed.
 */
export class SqliteWriter implements SinkWriter {
  /** The store's name. */
  readonly store = "sqlite";
  /** Every kind: the embedded store holds everything. */
  readonly kinds: ReadonlySet<SinkKind> = new Set(sinkKinds);
  readonly #path: string;
  readonly #busyTimeoutMs: number;
  #db: DatabaseSync | null = null;
  readonly #statements = new Map<SinkKind, StatementSync>();
  #closed = false;

  /** Opens nothing yet; the file is opened by the first call that needs it. */
  constructor(options: SqliteWriterOptions) {
    this.#path = options.path;
    this.#busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
  }

  #open(): DatabaseSync {
    if (this.#closed) throw new Error(`SqliteWriter for ${this.#path} is closed`);
    if (this.#db) return this.#db;
    try {
      const db = new DatabaseSync(this.#path, { timeout: this.#busyTimeoutMs });
      // WAL: readers (the API) never block the writer; NORMAL sync is durable across a process
      // crash (a power loss may drop the last transactions, which Kafka replays).
      db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
      this.#db = db;
      return db;
    } catch (e) {
      throw new StoreUnavailableError(
        this.store,
        `cannot open ${this.#path}: ${describeError(e)}`,
        {
          cause: e,
        },
      );
    }
  }

  /** Creates the tables, indexes and the seed's view if missing. */
  ensureSchema(): Promise<void> {
    const db = this.#open();
    try {
      // Up to date already (every later start): nothing to write, so no write lock is needed,
      // and a store busy with another writer does not hold the start up.
      if (migrationsDue(db).length === 0 && ddlObjects().every(hasObject(db))) {
        return Promise.resolve();
      }
      // IMMEDIATE: the write lock first (waiting up to the busy timeout). A deferred transaction
      // that read the columns and then writes fails at once with SQLITE_BUSY when another process
      // (the API creating its tables) wrote in between.
      db.exec("BEGIN IMMEDIATE");
      // Tables from before a column was added get it first: the DDL's indexes may name it.
      for (const statement of migrationsDue(db)) db.exec(statement);
      db.exec(`${sqliteDdl().join("\n")}\nCOMMIT;`);
    } catch (e) {
      if (db.isTransaction) db.exec("ROLLBACK");
      throw storeError(this.store, e, isTransient);
    }
    return Promise.resolve();
  }

  /** Writes `batch` in one transaction. */
  write(batch: readonly SinkRecord[]): Promise<WriteResult> {
    checkKinds(this.store, this.kinds, batch);
    const db = this.#open();
    const rejected: Rejection[] = [];
    let written = 0;
    let superseded = 0;
    try {
      // IMMEDIATE takes the write lock now, so a busy database fails before any work is done.
      db.exec("BEGIN IMMEDIATE");
      for (const record of batch) {
        const outcome = this.#writeOne(db, record);
        if (outcome === "written") written++;
        else if (outcome === "superseded") superseded++;
        else rejected.push(outcome);
      }
      db.exec("COMMIT");
    } catch (e) {
      if (db.isTransaction) db.exec("ROLLBACK");
      throw storeError(this.store, e, isTransient);
    }
    return Promise.resolve({ written, superseded, rejected });
  }

  /** One upsert; a failed statement rolls back only itself (SQLite's default ABORT). */
  #writeOne(db: DatabaseSync, record: SinkRecord): "written" | "superseded" | Rejection {
    const table = sqliteTables[record.kind] as SqliteTable<SinkKind>;
    let statement = this.#statements.get(record.kind);
    if (!statement) {
      statement = db.prepare(sqliteUpsert(table));
      this.#statements.set(record.kind, statement);
    }
    try {
      const values = table.columns.map((c) => c.value(record as never));
      const { changes } = statement.run(...values);
      return changes === 0 ? "superseded" : "written";
    } catch (e) {
      if (isTransient(e)) throw e;
      return { record, code: "rejected-by-store", reason: describeError(e) };
    }
  }

  /** Closes the file. Idempotent. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#statements.clear();
    this.#db?.close();
    this.#db = null;
    return Promise.resolve();
  }

  /** Same as {@linkcode SqliteWriter.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** The `ALTER TABLE` statements the file's tables need now. */
function migrationsDue(db: DatabaseSync): string[] {
  return (Object.values(sqliteTables) as SqliteTable<SinkKind>[]).flatMap((table) =>
    sqliteMigrations(
      table,
      new Set(
        db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table.name).map((r) =>
          String(r.name)
        ),
      ),
    )
  );
}

/** The names of the tables, indexes and views the DDL creates. */
function ddlObjects(): string[] {
  return sqliteDdl().flatMap((statement) =>
    [...statement.matchAll(/^CREATE (?:TABLE|INDEX|VIEW) IF NOT EXISTS (\w+)/gm)].map((m) => m[1])
  );
}

/** Whether the file has the table, index or view `name`. */
function hasObject(db: DatabaseSync): (name: string) => boolean {
  const names = new Set(
    db.prepare("SELECT name FROM sqlite_master").all().map((r) => String(r.name)),
  );
  return (name) => names.has(name);
}
