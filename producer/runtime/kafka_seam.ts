/**
 * The simulator's Kafka seam: the calls its runtime makes of Kafka, as narrow interfaces it
 * owns. `@iot/kafka`'s `Producer`, `Consumer` and `Admin` satisfy them (`kafkaClients` builds
 * those, the only place the runtime constructs them); the in-memory fakes of
 * `@iot/kafka/testing` satisfy them too.
 *
 * @module
 */
import {
  Admin,
  type BatchOptions,
  Consumer,
  type ConsumerRecord,
  type CreateTopicsOptions,
  type KafkaConfig,
  type NewTopic,
  Producer,
  type ProducerRecord,
  type RecordBlock,
  type TopicDescription,
  type TopicPartition,
  waitForKafka,
} from "@iot/kafka";
import { producerConfig } from "./sink.ts";

/** Where generated records and command statuses go: an idempotent producer. */
export interface RecordOutput extends AsyncDisposable {
  /** Sends records in order; resolves once all are acknowledged. */
  sendAll(records: readonly ProducerRecord[]): Promise<void>;
  /** Sends the records of a block in order; resolves once all are acknowledged. */
  sendBlock(block: RecordBlock): Promise<void>;
  /** Sends records in order; resolves with where each went. */
  sendBatch(records: readonly ProducerRecord[]): Promise<unknown>;
  /** Flushes and releases the client. Idempotent. */
  close(): Promise<void>;
}

/** Where commands come from: a consumer of assigned partitions. */
export interface CommandInput {
  /** Assigns partitions at the given offsets. */
  assign(partitions: readonly TopicPartition[]): void;
  /** A partition's low and high watermarks, asked of the broker. */
  watermarkOffsets(
    topic: string,
    partition: number,
    timeoutMs?: number,
  ): Promise<{ low: number; high: number }>;
  /** Batches of records until `signal` aborts or the input closes. */
  batches(options?: BatchOptions): AsyncIterable<ConsumerRecord[]>;
  /** Releases the client. Idempotent. */
  close(): Promise<void>;
}

/** Topic administration the simulator needs. */
export interface SimulatorAdmin extends AsyncDisposable {
  /** Creates topics. */
  createTopics(topics: readonly NewTopic[], options?: CreateTopicsOptions): Promise<void>;
  /** Describes topics. */
  describeTopics(names: readonly string[]): Promise<TopicDescription[]>;
}

/** Makes the simulator's Kafka clients. */
export interface SimulatorClients {
  /** Resolves once Kafka answers; throws naming the address when it does not within the timeout. */
  waitReady(
    options: { timeoutMs: number; signal?: AbortSignal; log: (line: string) => void },
  ): Promise<void>;
  /** The record producer. */
  output(options: { onError: (error: unknown) => void }): RecordOutput;
  /** The command consumer, in consumer group `groupId` (it never commits). */
  commandInput(options: { groupId: string; onError: (error: unknown) => void }): CommandInput;
  /** A topic admin client. */
  admin(options: { onError: (error: unknown) => void }): SimulatorAdmin;
}

/** {@linkcode SimulatorClients} backed by librdkafka; `kafka` is extra producer configuration. */
export function kafkaClients(bootstrap: string, kafka?: KafkaConfig): SimulatorClients {
  return {
    waitReady: (o) => waitForKafka({ bootstrap, config: kafka, ...o }),
    output: ({ onError }) => new Producer({ config: producerConfig(bootstrap, kafka), onError }),
    commandInput: ({ groupId, onError }) =>
      new Consumer({
        config: {
          ...kafka,
          "bootstrap.servers": bootstrap,
          "group.id": groupId,
          "enable.auto.commit": false,
        },
        onError,
      }),
    admin: ({ onError }) =>
      new Admin({ config: { ...kafka, "bootstrap.servers": bootstrap }, onError }),
  };
}
