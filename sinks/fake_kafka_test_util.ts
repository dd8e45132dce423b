/**
 * The sinks' Kafka seam over the in-memory fakes of `@iot/kafka/testing`, and an in-memory
 * {@linkcode SinkWriter} whose outages and refusals a test switches on, for unit tests of the
 * runner.
 *
 * @module
 */
import type { TopicPartition } from "@iot/kafka";
import { FakeConsumer, type FakeKafka, FakeProducer } from "@iot/kafka/testing";
import { rowId } from "./keys.ts";
import type { SinkInput, SinkKafkaClients } from "./kafka_seam.ts";
import { type SinkKind, sinkKinds, type SinkRecord } from "./record.ts";
import {
  type Rejection,
  type SinkWriter,
  StoreUnavailableError,
  type WriteResult,
} from "./writer.ts";
import { sampleRecord } from "./writer_contract_test_util.ts";

/** Hooks a test puts around the input's commit. */
export interface FakeSinkHooks {
  /** Called with each commit's offsets before it goes to the cluster; may throw. */
  beforeCommit?: (offsets: readonly TopicPartition[]) => void;
  /** Partitions paused now (`topic/partition`), kept up to date by the input when given. */
  paused?: Set<string>;
}

const names = (partitions: readonly TopicPartition[]) =>
  partitions.map((p) => `${p.topic}/${p.partition}`);

/** {@linkcode SinkKafkaClients} of a {@linkcode FakeKafka}, configured as the real ones are. */
export function fakeSinkClients(kafka: FakeKafka, hooks: FakeSinkHooks = {}): SinkKafkaClients {
  return {
    waitReady: () => Promise.resolve(),
    input: (o) => {
      const consumer = new FakeConsumer(kafka, {
        groupId: o.groupId,
        isolation: "read_committed",
        autoOffsetReset: "earliest",
        onRebalance: o.onRebalance,
        ...(o.onError !== undefined ? { onError: o.onError } : {}),
      });
      const input: SinkInput = {
        subscribe: (topics) => consumer.subscribe(topics),
        batches: (options) => consumer.batches(options),
        assignment: () => consumer.assignment(),
        pause: (partitions) => {
          for (const name of names(partitions)) hooks.paused?.add(name);
          consumer.pause(partitions);
        },
        resume: (partitions) => {
          for (const name of names(partitions)) hooks.paused?.delete(name);
          consumer.resume(partitions);
        },
        commit: async (offsets) => {
          hooks.beforeCommit?.(offsets);
          await consumer.commit(offsets);
        },
        committed: (partitions) => consumer.committed(partitions),
        watermarkOffsets: (topic, partition) => consumer.watermarkOffsets(topic, partition),
        close: () => consumer.close(),
      };
      return input;
    },
    deadLetters: () => new FakeProducer(kafka),
  };
}

/**
 * A {@linkcode SinkWriter} keeping rows in memory by natural key (as the real ones do), with
 * switches: `down` (every write throws {@linkcode StoreUnavailableError}) and `refuse` (records
 * the "database" rejects for good).
 */
export class MemoryWriter implements SinkWriter {
  /** `"memory"`. */
  readonly store = "memory";
  /** Every kind. */
  readonly kinds: ReadonlySet<SinkKind> = new Set(sinkKinds);
  /** Stored rows by `kind` and natural key. */
  readonly rows = new Map<string, SinkRecord>();
  /** Where each written record was read (`topic/partition/offset`), in write order, replays included. */
  readonly written: string[] = [];
  /** While true, writes throw {@linkcode StoreUnavailableError}. */
  down = false;
  /** While true, `ensureSchema` throws {@linkcode StoreUnavailableError}. */
  schemaDown = false;
  /** Records the store refuses (a value it cannot hold). Default none. */
  refuse: (record: SinkRecord) => boolean = () => false;

  /** Nothing to create; throws while `schemaDown`, as a store that is not up yet does. */
  ensureSchema(): Promise<void> {
    if (this.schemaDown) {
      return Promise.reject(new StoreUnavailableError("memory", "switched off by the test"));
    }
    return Promise.resolve();
  }

  /** Stores the batch, or throws while `down`. */
  write(batch: readonly SinkRecord[]): Promise<WriteResult> {
    if (this.down) {
      return Promise.reject(new StoreUnavailableError("memory", "switched off by the test"));
    }
    const rejected: Rejection[] = [];
    for (const record of batch) {
      if (this.refuse(record)) {
        rejected.push({ record, code: "rejected-by-store", reason: "refused by the test store" });
        continue;
      }
      this.rows.set(`${record.kind}|${rowId(record)}`, record);
      const { topic, partition, offset } = record.source;
      this.written.push(`${topic}/${partition}/${offset}`);
    }
    return Promise.resolve({ written: batch.length - rejected.length, superseded: 0, rejected });
  }

  /** Nothing to release. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Same as {@linkcode close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** Produces sample readings `from..to-1` to `topic`, alternating over partitions 0 and 1. */
export async function produceReadings(
  kafka: FakeKafka,
  from: number,
  to: number,
  topic = "readings",
): Promise<void> {
  await using producer = new FakeProducer(kafka);
  await producer.sendAll(Array.from({ length: to - from }, (_, i) => {
    const value = sampleRecord("climate-reading", from + i).value;
    return { topic, partition: (from + i) % 2, key: value.deviceId, value: JSON.stringify(value) };
  }));
}
