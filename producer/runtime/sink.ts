/**
 * The Kafka sink: sends generated records in batches with a bounded number of batches awaiting
 * acknowledgement, and counts what was acknowledged and what failed.
 *
 * @module
 */
import type { KafkaConfig, KafkaError, Producer } from "@iot/kafka";
import type { RecordBytes } from "../core/record_bytes.ts";
import type { SimRecord } from "../core/schedule.ts";
import { BatchEncoder, newRecordBytes } from "./encode.ts";

/**
 * librdkafka settings of the simulator's producer: idempotent (so retries neither duplicate nor
 * reorder), murmur2 partitioning like the Java client (so a key lands where other clients put
 * it, and a seed's partition layout is stable), large batches for throughput.
 */
export function producerConfig(bootstrap: string, extra: KafkaConfig = {}): KafkaConfig {
  return {
    "bootstrap.servers": bootstrap,
    "enable.idempotence": true,
    "partitioner": "murmur2_random",
    "linger.ms": 5,
    "batch.num.messages": 10_000,
    "batch.size": 1_000_000,
    "queue.buffering.max.messages": 500_000,
    "compression.type": "lz4",
    ...extra,
  };
}

/** Options for {@linkcode KafkaSink}. */
export interface SinkOptions {
  /** Batches sent but not yet acknowledged before {@linkcode KafkaSink.send} waits. Default 8. */
  maxInFlight?: number;
  /** Told about each failed batch. Default: nothing (the failure is still counted). */
  onError?: (error: KafkaError, records: number) => void;
}

/**
 * Sends generated records through a {@linkcode Producer}, keeping their order: records are
 * handed to librdkafka in call order, and the idempotent producer keeps each partition's order.
 * Batches are written into {@linkcode RecordBytes} buffers that are reused once acknowledged.
 */
export class KafkaSink {
  readonly #producer: Pick<Producer, "sendBlock">;
  readonly #maxInFlight: number;
  readonly #onError: (error: KafkaError, records: number) => void;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #encoder = new BatchEncoder();
  /** Batches free for reuse (their records were acknowledged or failed). */
  readonly #free: RecordBytes[] = [];
  #acked = 0;
  #failed = 0;
  #sent = 0;

  /** Wraps `producer`; the caller keeps ownership and closes it. */
  constructor(producer: Pick<Producer, "sendBlock">, options: SinkOptions = {}) {
    this.#producer = producer;
    this.#maxInFlight = options.maxInFlight ?? 8;
    this.#onError = options.onError ?? (() => {});
  }

  /** Records handed to the producer. */
  get sent(): number {
    return this.#sent;
  }

  /** Records the broker acknowledged. */
  get acked(): number {
    return this.#acked;
  }

  /** Records in batches that failed (some of them may have been written). */
  get failed(): number {
    return this.#failed;
  }

  /**
   * Hands `records` to the producer, then waits while more than `maxInFlight` batches await
   * acknowledgement. Resolves when there is room for the next batch, not on acknowledgement.
   */
  async send(records: readonly SimRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.sendGenerated((batch) => {
      this.#encoder.encode(records, batch);
      return records.length;
    });
  }

  /**
   * Lets `fill` write records into a free batch and hands them to the producer, like
   * {@linkcode send}; resolves with how many records `fill` wrote.
   */
  async sendGenerated(fill: (batch: RecordBytes) => number): Promise<number> {
    const batch = this.#free.pop() ?? newRecordBytes(1024);
    batch.reset();
    fill(batch);
    const count = batch.count;
    if (count === 0) {
      this.#free.push(batch);
      return 0;
    }
    this.#sent += count;
    const done: Promise<void> = this.#producer.sendBlock(batch).then(
      () => {
        this.#acked += count;
      },
      (error: KafkaError) => {
        this.#failed += count;
        this.#onError(error, count);
      },
    ).finally(() => {
      this.#inFlight.delete(done);
      this.#free.push(batch);
    });
    this.#inFlight.add(done);
    while (this.#inFlight.size >= this.#maxInFlight) await Promise.race(this.#inFlight);
    return count;
  }

  /** Waits until every batch handed over is acknowledged or failed. */
  async flush(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
  }
}
