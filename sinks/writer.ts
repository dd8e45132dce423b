/**
 * The one interface every storage backend implements ({@linkcode SinkWriter}), with one contract
 * suite (`writer_contract_test_util.ts`) run against each.
 *
 * @module
 */
import type { TopicPartition } from "@iot/kafka";
import type { SinkKind, SinkRecord } from "./record.ts";

/** A record that can never be written, and why; it goes to the dead-letter topic. */
export interface Rejection {
  /** The record. */
  readonly record: SinkRecord;
  /** Machine-readable reason: `"rejected-by-store"` (the database refused the value). */
  readonly code: "rejected-by-store";
  /** One line saying what the store reported. */
  readonly reason: string;
}

/** What {@linkcode SinkWriter.write} did with a batch. */
export interface WriteResult {
  /** Records durably written (or rewritten with the same content). */
  readonly written: number;
  /**
   * Records deliberately not applied because the store already holds a newer version
   * (an older `vehicle-pressure-max` replayed after a newer one).
   */
  readonly superseded: number;
  /** Records that can never be written, in batch order. */
  readonly rejected: readonly Rejection[];
}

/**
 * The store cannot be reached or cannot take writes right now (server down, timeout, disk full,
 * locked database). Nothing in the batch may be assumed written or rejected: retry the whole
 * batch later (every write is idempotent) and do not commit its offsets.
 */
export class StoreUnavailableError extends Error {
  /** Always true: the condition is expected to pass. */
  readonly retriable = true;
  /** Which store: `"mongodb"`, `"cassandra"`, `"sqlite"`. */
  readonly store: string;

  /**
   * Creates the error.
   *
   * @param store Which store.
   * @param message What failed.
   * @param options `cause`: the driver's error.
   */
  constructor(store: string, message: string, options?: ErrorOptions) {
    super(`${store} unavailable: ${message}`, options);
    this.name = "StoreUnavailableError";
    this.store = store;
  }
}

/**
 * Writes decoded records to one store. Every write is idempotent (rows have deterministic ids,
 * see `keys.ts`), so a batch may be written again after any failure and the store ends the same.
 *
 * @example
 * ```ts
 * import { SqliteWriter } from "@iot/sinks";
 * await using writer = new SqliteWriter({ path: "./data/iot.db" });
 * await writer.ensureSchema();
 * const result = await writer.write(records); // then commit the batch's offsets
 * for (const r of result.rejected) console.log(r.reason); // send to the dead-letter topic
 * ```
 */
export interface SinkWriter extends AsyncDisposable {
  /** The store's name, e.g. `"sqlite"`. */
  readonly store: string;
  /** The kinds of record this writer stores; others are a caller bug (`TypeError`). */
  readonly kinds: ReadonlySet<SinkKind>;
  /** Creates tables, collections and indexes if missing. Idempotent. */
  ensureSchema(): Promise<void>;
  /**
   * Writes `batch` durably. Resolves once every record is written, superseded or rejected.
   *
   * @throws {StoreUnavailableError} when the store cannot take writes right now.
   * @throws {TypeError} for a record of a kind not in {@linkcode SinkWriter.kinds}.
   */
  write(batch: readonly SinkRecord[]): Promise<WriteResult>;
  /**
   * Only for writers that buffer across batches (the lake): per partition, the first offset of a
   * record written but not yet durable. The runner commits no offset beyond these.
   */
  heldOffsets?(): TopicPartition[];
  /** Only for buffering writers: makes everything written durable (at a graceful stop). */
  flush?(): Promise<void>;
  /** Releases the connection. Idempotent. */
  close(): Promise<void>;
}

/** Throws a TypeError for the first record of a kind `writer` does not store. */
export function checkKinds(
  store: string,
  kinds: ReadonlySet<SinkKind>,
  batch: readonly SinkRecord[],
): void {
  for (const record of batch) {
    if (!kinds.has(record.kind)) {
      throw new TypeError(`The ${store} writer does not store ${record.kind} records`);
    }
  }
}

/**
 * What a writer throws for `e`: a {@linkcode StoreUnavailableError} of `store` (retry the batch
 * later) when `isUnavailable(e)`, else `e` itself (a bug or a refusal, not an outage).
 *
 * @example
 * ```ts ignore
 * try { await write(); } catch (e) { throw storeError("mongodb", e, isUnavailable); }
 * ```
 */
export function storeError(
  store: string,
  e: unknown,
  isUnavailable: (e: unknown) => boolean,
): unknown {
  return isUnavailable(e) ? new StoreUnavailableError(store, describeError(e), { cause: e }) : e;
}

/** A one-line description of any thrown value. */
export function describeError(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split("\n")[0];
}
