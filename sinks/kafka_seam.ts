/**
 * The sinks' Kafka seam: the few calls a {@linkcode SinkRunner} makes of Kafka, as narrow
 * interfaces the sinks own. `@iot/kafka`'s `Consumer` and `Producer` satisfy them
 * (`kafka_clients.ts` builds those, the only place the sinks construct them); the in-memory fakes
 * of `@iot/kafka/testing` satisfy them too, so unit tests drive the runner through store outages
 * and crashes between write and commit.
 *
 * @module
 */
import type {
  BatchOptions,
  ConsumerRecord,
  KafkaError,
  ProducerRecord,
  RebalanceEvent,
  TopicPartition,
} from "@iot/kafka";

/** Low and high watermarks of a partition. */
export interface Watermarks {
  /** The earliest offset. */
  readonly low: number;
  /** The offset the next record written gets. */
  readonly high: number;
}

/**
 * A sink's input: a read_committed group member with manual commits, whose partitions arrive
 * through `onRebalance`. It also answers the lag questions (committed offsets, watermarks), so
 * the sink needs no admin client.
 */
export interface SinkInput {
  /** Joins the group for `topics`. */
  subscribe(topics: readonly string[]): void;
  /** Batches of records until `signal` aborts or the input closes; rebalances run in between. */
  batches(options?: BatchOptions): AsyncIterable<ConsumerRecord[]>;
  /** The partitions assigned now. */
  assignment(): TopicPartition[];
  /** Stops fetching from partitions (they stay assigned). */
  pause(partitions: readonly TopicPartition[]): void;
  /** Resumes fetching from paused partitions. */
  resume(partitions: readonly TopicPartition[]): void;
  /** Commits the next offsets to read, for the group (synchronously acknowledged). */
  commit(offsets: readonly TopicPartition[]): Promise<void>;
  /** The group's committed offsets (negative when none). */
  committed(partitions: readonly TopicPartition[]): Promise<TopicPartition[]>;
  /** A partition's watermarks, asked of the broker. */
  watermarkOffsets(topic: string, partition: number): Promise<Watermarks>;
  /** Leaves the group (revoking through `onRebalance`) and releases the client. Idempotent. */
  close(): Promise<void>;
}

/** Settings of a sink's input. */
export interface SinkInputOptions {
  /** Consumer group: one per pipeline, a stable name. */
  readonly groupId: string;
  /** Group session timeout (ms): how soon a crashed member's partitions move. Default 45 000. */
  readonly sessionTimeoutMs?: number;
  /** Told of each rebalance before it takes effect; awaited. */
  readonly onRebalance: (event: RebalanceEvent) => Promise<void>;
  /** Told of client errors. */
  readonly onError?: (error: KafkaError) => void;
}

/** Where rejected records go: an idempotent producer of the dead-letter topic. */
export interface DeadLetterOutput {
  /** Sends records in order; resolves once all are acknowledged. */
  sendAll(records: readonly ProducerRecord[]): Promise<void>;
  /** Releases the client. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@linkcode SinkKafkaClients.waitReady}. */
export interface SinkWaitOptions {
  /** Give up after this long (ms). */
  readonly timeoutMs: number;
  /** Stops waiting. */
  readonly signal?: AbortSignal;
  /** Receives progress lines. */
  readonly log: (message: string) => void;
}

/** Makes a sink's Kafka clients. */
export interface SinkKafkaClients {
  /** Resolves once Kafka answers; throws naming the address when it does not within the timeout. */
  waitReady(options: SinkWaitOptions): Promise<void>;
  /** A pipeline's input consumer (read_committed, manual commits, earliest when none). */
  input(options: SinkInputOptions): SinkInput;
  /** A producer of dead-letter records (idempotent). */
  deadLetters(): DeadLetterOutput;
}
