/**
 * {@linkcode TxnRegistry}: the coordinator's transaction records, by transactional id and by
 * producer id, persisted in the {@linkcode MetadataStore} (one key per transactional id).
 *
 * @module
 */
import type { JsonValue, MetadataStore } from "../storage/mod.ts";
import { isPreparing, TXN_STATE, txnKey, type TxnMetadata } from "./txn_state.ts";

/** Transaction records in memory, written through to the metadata store. */
export class TxnRegistry {
  #store: MetadataStore;
  #byId = new Map<string, TxnMetadata>();
  #byProducer = new Map<number, TxnMetadata>();

  /** Loads every stored record. */
  constructor(store: MetadataStore) {
    this.#store = store;
    for (const [, value] of store.entries(TXN_STATE)) {
      this.#remember(structuredClone(value) as unknown as TxnMetadata);
    }
  }

  /** Every record. */
  all(): TxnMetadata[] {
    return [...this.#byId.values()];
  }

  /** The record of a transactional id. */
  get(transactionalId: string): TxnMetadata | undefined {
    return this.#byId.get(transactionalId);
  }

  /** The record whose producer id is `producerId`. */
  byProducer(producerId: number): TxnMetadata | undefined {
    return this.#byProducer.get(producerId);
  }

  /** Stores `txn` (replacing the record of its id); resolves once durable. */
  save(txn: TxnMetadata): Promise<void> {
    const previous = this.#byId.get(txn.transactionalId);
    if (previous && previous.producerId !== txn.producerId) {
      this.#byProducer.delete(previous.producerId);
    }
    this.#remember(txn);
    return this.#store.set(
      txnKey(txn.transactionalId),
      structuredClone(txn) as unknown as JsonValue,
    );
  }

  /** Whether an open transaction holds a pending offset of (group, topic, partition). */
  hasPendingOffset(groupId: string, topic: string, partition: number): boolean {
    for (const txn of this.#byId.values()) {
      if (txn.status !== "Ongoing" && !isPreparing(txn.status)) continue;
      if (
        txn.offsets.some((o) =>
          o.groupId === groupId && o.topic === topic && o.partition === partition
        )
      ) return true;
    }
    return false;
  }

  #remember(txn: TxnMetadata): void {
    this.#byId.set(txn.transactionalId, txn);
    this.#byProducer.set(txn.producerId, txn);
  }
}
