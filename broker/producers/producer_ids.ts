/**
 * Producer id allocation and transactional-id epochs for InitProducerId: a persisted counter for
 * new ids, and per transactional id a stable producer id whose epoch is bumped on every
 * InitProducerId (fencing the previous producer instance).
 *
 * @module
 */
import { ErrorCode } from "../protocol/mod.ts";
import type { InitProducerIdRequest, InitProducerIdResponseInput } from "../protocol/mod.ts";
import type { JsonValue, MetadataStore } from "../storage/mod.ts";

const NEXT_ID = "producers/next-id";
const TXN = "producers/txn/";
/** Epochs are int16; Kafka allocates a new producer id rather than reach Short.MAX_VALUE. */
const MAX_EPOCH = 32766;

interface TxnEntry {
  producerId: number;
  epoch: number;
  /** Epoch before the last bump (a retried bump presents it), or -1. */
  lastEpoch: number;
}

/** Allocates producer ids and tracks transactional ids' current (id, epoch). */
export class ProducerIds {
  #store: MetadataStore;
  #nextId: number;
  #txn = new Map<string, TxnEntry>();
  #epochById = new Map<number, number>();
  #maxTransactionTimeoutMs: number;

  /** Loads the counter and transactional ids from `store`. */
  constructor(store: MetadataStore, maxTransactionTimeoutMs: number) {
    this.#store = store;
    this.#maxTransactionTimeoutMs = maxTransactionTimeoutMs;
    this.#nextId = (store.get(NEXT_ID) as number | undefined) ?? 0;
    for (const [key, value] of store.entries(TXN)) {
      const entry = { lastEpoch: -1, ...(value as object) } as TxnEntry;
      this.#txn.set(decodeURIComponent(key.slice(TXN.length)), entry);
      this.#epochById.set(entry.producerId, entry.epoch);
    }
  }

  /** Current epoch of a transactional producer id (batches below it are fenced), or -1. */
  epochOf(producerId: number): number {
    return this.#epochById.get(producerId) ?? -1;
  }

  /** The current (producer id, epoch) of a transactional id, if it has one. */
  transactional(transactionalId: string): { producerId: number; epoch: number } | undefined {
    const e = this.#txn.get(transactionalId);
    return e ? { producerId: e.producerId, epoch: e.epoch } : undefined;
  }

  /**
   * Bumps a transactional id's epoch (fencing the running producer), as Kafka does when it aborts
   * an expired transaction; the producer may re-initialise with its old epoch (KIP-360). Resolves
   * with the new epoch once durable; undefined for an unknown id or an exhausted epoch.
   */
  async bumpEpoch(transactionalId: string): Promise<number | undefined> {
    const current = this.#txn.get(transactionalId);
    if (!current || current.epoch >= MAX_EPOCH) return undefined;
    const next = { ...current, epoch: current.epoch + 1, lastEpoch: current.epoch };
    this.#txn.set(transactionalId, next);
    this.#epochById.set(next.producerId, next.epoch);
    await this.#store.set(TXN + encodeURIComponent(transactionalId), { ...next });
    return next.epoch;
  }

  /** Handles InitProducerId; resolves once the new id or epoch is durable. */
  async init(req: InitProducerIdRequest, version: number): Promise<InitProducerIdResponseInput> {
    const fail = (errorCode: number) => ({ errorCode, producerId: -1n, producerEpoch: -1 });
    if (req.transactionalId === null) {
      // Idempotent producers always get a fresh id (Kafka does the same; KIP-360 bumps are local).
      const producerId = this.#nextId++;
      await this.#store.set(NEXT_ID, this.#nextId);
      return { errorCode: 0, producerId: BigInt(producerId), producerEpoch: 0 };
    }
    const timeout = req.transactionTimeoutMs;
    if (timeout <= 0 || timeout > this.#maxTransactionTimeoutMs) {
      return fail(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    }
    const current = this.#txn.get(req.transactionalId);
    const set: Record<string, JsonValue> = {};
    let next: TxnEntry;
    if (!current) {
      next = { producerId: this.#nextId++, epoch: 0, lastEpoch: -1 };
      set[NEXT_ID] = this.#nextId;
    } else {
      const given = req.producerId >= 0n
        ? { producerId: Number(req.producerId), epoch: req.producerEpoch }
        : null;
      if (
        given && given.producerId === current.producerId && given.epoch === current.lastEpoch
      ) {
        // A retry of a bump whose response was lost (KIP-360): answer the current epoch again.
        return {
          errorCode: 0,
          producerId: BigInt(current.producerId),
          producerEpoch: current.epoch,
        };
      }
      if (given && (given.producerId !== current.producerId || given.epoch !== current.epoch)) {
        return fail(
          version >= 4 ? ErrorCode.PRODUCER_FENCED : ErrorCode.INVALID_PRODUCER_EPOCH,
        );
      }
      if (current.epoch >= MAX_EPOCH) {
        this.#epochById.set(current.producerId, MAX_EPOCH + 1); // fences the exhausted id
        next = { producerId: this.#nextId++, epoch: 0, lastEpoch: -1 };
        set[NEXT_ID] = this.#nextId;
      } else {
        next = {
          producerId: current.producerId,
          epoch: current.epoch + 1,
          lastEpoch: current.epoch,
        };
      }
    }
    this.#txn.set(req.transactionalId, next);
    this.#epochById.set(next.producerId, next.epoch);
    set[TXN + encodeURIComponent(req.transactionalId)] = { ...next };
    await this.#store.apply({ set });
    return { errorCode: 0, producerId: BigInt(next.producerId), producerEpoch: next.epoch };
  }
}
