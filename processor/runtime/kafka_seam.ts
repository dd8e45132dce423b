/**
 * The runtime's Kafka seam: the few calls the job runner makes of Kafka, as narrow interfaces
 * the runtime owns. `@iot/kafka`'s `Consumer`, `Producer` and `Admin` satisfy them
 * (`kafka_clients.ts` builds those, the only place the runtime constructs them); the in-memory
 * fakes of `@iot/kafka/testing` satisfy them too, so unit tests drive the checkpoint protocol
 * through crashes at every step.
 *
 * @module
 */
import type {
  BatchOptions,
  ConsumerRecord,
  CreateTopicsOptions,
  KafkaError,
  NewTopic,
  ProducerRecord,
  RebalanceEvent,
  RecordColumns,
  TopicDescription,
  TopicPartition,
} from "@iot/kafka";

/** Low and high watermarks of a partition. */
export interface Watermarks {
  /** The earliest offset. */
  readonly low: number;
  /** The offset the next record written gets. */
  readonly high: number;
}

/** What every consumer of the runtime can do. */
export interface RecordSource {
  /** Batches of records until `signal` aborts or the source closes. */
  batches(options?: BatchOptions): AsyncIterable<ConsumerRecord[]>;
  /** The same batches as columns, without an object per record (the runtime's hot paths). */
  columnBatches(options?: BatchOptions): AsyncIterable<RecordColumns>;
  /** The next offset it reads per partition (negative when unknown); past transaction markers. */
  position(partitions: readonly TopicPartition[]): TopicPartition[];
  /** A partition's watermarks, asked of the broker. */
  watermarkOffsets(topic: string, partition: number, timeoutMs?: number): Promise<Watermarks>;
  /** Leaves the group (revoking through `onRebalance`) and releases the client. Idempotent. */
  close(): Promise<void>;
}

/** A job's input: a group member whose partitions arrive through `onRebalance`. */
export interface InputSource extends RecordSource {
  /** Joins the group for `topics`. */
  subscribe(topics: readonly string[]): void;
  /** Stops fetching from partitions (they stay assigned). */
  pause(partitions: readonly TopicPartition[]): void;
  /** Resumes fetching from paused partitions. */
  resume(partitions: readonly TopicPartition[]): void;
  /** The group's committed offsets (negative when none). */
  committed(partitions: readonly TopicPartition[]): Promise<TopicPartition[]>;
  /** Commits the group's offsets (the next offset to consume) outside a transaction. */
  commit(offsets: readonly TopicPartition[]): Promise<void>;
  /** Moves assigned partitions to the given offsets; records fetched before are dropped. */
  seek(partitions: readonly TopicPartition[]): Promise<void>;
}

/** Settings of a job's input. */
export interface InputOptions {
  /** Consumer group. */
  readonly groupId: string;
  /** Static group membership id (`group.instance.id`). */
  readonly instanceId: string;
  /** Group session timeout (ms). */
  readonly sessionTimeoutMs: number;
  /** Told of each rebalance before it takes effect; awaited. */
  readonly onRebalance: (event: RebalanceEvent) => Promise<void>;
  /** Told of client errors (fatal ones stop the job). */
  readonly onError: (error: KafkaError) => void;
}

/** A read_committed reader of assigned partitions (the changelog restore). */
export interface ReaderSource extends RecordSource {
  /** Assigns partitions at the given offsets. */
  assign(partitions: readonly TopicPartition[]): void;
}

/** A job's output: an idempotent producer, transactional with exactly-once. */
export interface TransactionalOutput {
  /** Records waiting for delivery. */
  readonly queueLength: number;
  /** Registers the transactional id (fencing an older instance); once, before the first transaction. */
  initTransactions(): Promise<void>;
  /** Starts a transaction. */
  beginTransaction(): void;
  /** Sends records in order; resolves once all are acknowledged. */
  sendAll(records: readonly ProducerRecord[]): Promise<void>;
  /** Sends records in order; resolves with where each went. */
  sendBatch(records: readonly ProducerRecord[]): Promise<unknown>;
  /**
   * Adds the next input offsets of `input`'s group to the open transaction; `input` comes from
   * the same {@linkcode KafkaClients} (a real producer needs a real consumer's group metadata).
   */
  sendOffsetsToTransaction(offsets: readonly TopicPartition[], input: InputSource): Promise<void>;
  /** Commits the open transaction. */
  commitTransaction(): Promise<void>;
  /** Aborts the open transaction. */
  abortTransaction(): Promise<void>;
  /** Releases the client. Idempotent. */
  close(): Promise<void>;
}

/** Topic administration the runtime needs. */
export interface TopicAdmin extends AsyncDisposable {
  /** Creates topics. */
  createTopics(topics: readonly NewTopic[], options?: CreateTopicsOptions): Promise<void>;
  /** Describes topics. */
  describeTopics(names: readonly string[]): Promise<TopicDescription[]>;
  /** Raises a topic's partition count. */
  createPartitions(topic: string, totalCount: number): Promise<void>;
}

/** Options of {@linkcode KafkaClients.waitReady}. */
export interface WaitReadyOptions {
  /** Give up after this long (ms). */
  readonly timeoutMs: number;
  /** Stops waiting. */
  readonly signal?: AbortSignal;
  /** Receives progress lines. */
  readonly log: (message: string) => void;
}

/** Makes the runtime's Kafka clients. */
export interface KafkaClients {
  /** Resolves once Kafka answers; throws naming the address when it does not within the timeout. */
  waitReady(options: WaitReadyOptions): Promise<void>;
  /** A job's input consumer (read_committed, manual commits). */
  input(options: InputOptions): InputSource;
  /** A read_committed reader for restoring from the changelog. */
  reader(options: { readonly groupId: string }): ReaderSource;
  /** A job's output producer; transactional when `transactionalId` is set. */
  output(options: { readonly transactionalId: string | null }): TransactionalOutput;
  /** A topic admin client. */
  admin(): TopicAdmin;
}
