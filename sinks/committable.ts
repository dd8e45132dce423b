/**
 * Which offsets the runner may commit. A file of its own because with a buffering writer (the
 * lake) a written batch is not yet durable: the commit of every partition processed so far is held
 * back to the first record the writer has not made durable, and a partition given up in a
 * rebalance is forgotten. With any other writer the next offsets of the batch are committed as is.
 *
 * @module
 */
import { type ConsumerRecord, nextOffsets, type TopicPartition } from "@iot/kafka";
import type { SinkWriter } from "./writer.ts";

/** The key of a partition in the runner's maps: `topic\0partition`. */
export function partitionKey(p: { readonly topic: string; readonly partition: number }): string {
  return `${p.topic}\u0000${p.partition}`;
}

/** Tracks what was processed and answers what may be committed. */
export class CommittableOffsets {
  readonly #writer: Pick<SinkWriter, "heldOffsets">;
  /** Next offset per partition of everything written or dead-lettered. */
  readonly #processed = new Map<string, TopicPartition>();

  /** `writer.heldOffsets` (when it buffers) says what is not durable yet. */
  constructor(writer: Pick<SinkWriter, "heldOffsets">) {
    this.#writer = writer;
  }

  /**
   * The offsets to commit now that `records` are processed (none: only what became durable
   * since): their next offsets, or with a buffering writer those of every partition processed
   * so far, each held back to the writer's first record not yet durable.
   */
  after(records: readonly ConsumerRecord[]): TopicPartition[] {
    const next = nextOffsets(records);
    if (this.#writer.heldOffsets === undefined) return next;
    for (const p of next) this.#processed.set(partitionKey(p), p);
    const held = new Map(this.#writer.heldOffsets().map((p) => [partitionKey(p), p]));
    return [...this.#processed].map(([key, p]) => {
      const h = held.get(key);
      return h?.offset !== undefined && h.offset < (p.offset ?? Infinity)
        ? { ...p, offset: h.offset }
        : p;
    });
  }

  /** Whether a buffering writer holds records not yet durable. */
  holding(): boolean {
    return (this.#writer.heldOffsets?.().length ?? 0) > 0;
  }

  /** Forgets partitions given up in a rebalance (keys of {@linkcode partitionKey}). */
  forget(keys: Iterable<string>): void {
    for (const key of keys) this.#processed.delete(key);
  }
}
