/**
 * The admin client: create, delete, list and describe topics, read topic configs, add
 * partitions, and inspect consumer groups (committed offsets, lag, listing, deletion).
 *
 * @module
 */
import { ClientType, NativeClient } from "./client.ts";
import type {
  AdminOptions,
  AdminRequestOptions,
  ConsumerGroupListing,
  CreateTopicsOptions,
  DescribeTopicConfigOptions,
  DescribeTopicsOptions,
  ListTopicsOptions,
  NewTopic,
  PartitionLag,
  TopicDescription,
} from "./admin_types.ts";
import { type MetadataTopic, readMetadataTopics } from "./native/admin_metadata.ts";
import {
  type AdminApi,
  adminApis,
  cstrOf,
  groupError,
  pointerArray,
  readArray,
  readResource,
  setTimeouts,
} from "./native/admin_native.ts";
import { check, ErrorCode, KafkaError } from "./errors.ts";
import { cstr, librdkafka, readCString } from "./native/library.ts";
import { freeNativeList, fromNativeList, toNativeList, type TopicPartition } from "./partitions.ts";

const DEFAULT_TIMEOUT_MS = 30_000;
/** How much longer than the request timeout to wait for librdkafka to report that timeout. */
const RESULT_GRACE_MS = 5_000;
const DEFAULT_GROUP_ID = "iot-kafka-admin";
const RESOURCE_TOPIC = 2;
const NO_OFFSET = -1001;
const METADATA_POLL_MS = 100;
/** The handle never joins its group, so destroying it need not leave the group. */
const DESTROY_F_NO_CONSUMER_CLOSE = 0x8;
const coordinatorErrors: ReadonlySet<number> = new Set([
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
]);

type Ptr = Deno.PointerObject;

/**
 * A Kafka admin client backed by librdkafka.
 *
 * ```ts ignore
 * await using admin = new Admin({ config: { "bootstrap.servers": "127.0.0.1:9092" } });
 * await admin.createTopics([{ name: "readings", partitions: 6 }], { ignoreExisting: true });
 * console.log(await admin.consumerGroupLag("sensor-processor"));
 * ```
 */
export class Admin implements AsyncDisposable {
  readonly #client: NativeClient;
  readonly #lib = librdkafka();
  readonly #api = adminApis(this.#lib);
  readonly #queues = new Set<Ptr>();
  readonly #inflight = new Set<Promise<unknown>>();
  #closed: Promise<void> | null = null;

  /** Creates the admin client; throws a {@linkcode KafkaError} for invalid configuration. */
  constructor(options: AdminOptions) {
    // A consumer handle with a group, because librdkafka 2.0.2 crashes (NULL rk_cgrp) when an
    // OffsetFetch for ListConsumerGroupOffsets fails with NOT_COORDINATOR on a producer handle.
    const config = { "group.id": DEFAULT_GROUP_ID, ...options.config };
    this.#client = new NativeClient(ClientType.CONSUMER, { ...options, config });
  }

  /** The client instance name. */
  get name(): string {
    return this.#client.name;
  }

  /**
   * Creates topics and resolves once cluster metadata shows each with a leader for every
   * partition. Throws a {@linkcode KafkaError} naming the first topic that failed
   * (`TOPIC_ALREADY_EXISTS` unless `ignoreExisting`); the others may have been created.
   */
  async createTopics(
    topics: readonly NewTopic[],
    options: CreateTopicsOptions = {},
  ): Promise<void> {
    if (topics.length === 0) return;
    const objects: Ptr[] = [];
    try {
      for (const topic of topics) objects.push(this.#newTopic(topic));
    } catch (e) {
      for (const object of objects) this.#lib.rd_kafka_NewTopic_destroy(object);
      throw e;
    }
    const deadline = deadlineOf(options);
    const ignore = options.ignoreExisting ? ErrorCode.TOPIC_ALREADY_EXISTS : undefined;
    await this.#call("create topics", this.#api.createTopics, objects, options, (results) => {
      throwFirst(this.#topicErrors(results, "create", ignore));
    });
    await this.#awaitMetadata(
      "created topics",
      deadline,
      (byName) => topics.every((topic) => hasLeaders(byName.get(topic.name))),
    );
  }

  #newTopic({ name, partitions = 1, replicationFactor = 1, config = {} }: NewTopic): Ptr {
    const lib = this.#lib;
    checkCount(name, "partitions", partitions);
    checkCount(name, "replicationFactor", replicationFactor);
    const errstr = new Uint8Array(512);
    const size = BigInt(errstr.length);
    const object = lib.rd_kafka_NewTopic_new(
      cstr(name),
      partitions,
      replicationFactor,
      errstr,
      size,
    );
    if (object === null) {
      throw new RangeError(`Cannot create topic "${name}": ${cstrOf(errstr)}`);
    }
    for (const [key, value] of Object.entries(config)) {
      if (lib.rd_kafka_NewTopic_set_config(object, cstr(key), cstr(value)) !== 0) {
        lib.rd_kafka_NewTopic_destroy(object);
        throw new RangeError(`Cannot set config ${key}=${value} on topic "${name}"`);
      }
    }
    return object;
  }

  /**
   * Deletes topics and resolves once cluster metadata no longer lists them. Throws a
   * {@linkcode KafkaError} naming the first topic that failed.
   */
  async deleteTopics(names: readonly string[], options: AdminRequestOptions = {}): Promise<void> {
    if (names.length === 0) return;
    const objects = names.map((name) => this.#lib.rd_kafka_DeleteTopic_new(cstr(name))!);
    const deadline = deadlineOf(options);
    await this.#call("delete topics", this.#api.deleteTopics, objects, options, (results) => {
      throwFirst(this.#topicErrors(results, "delete"));
    });
    await this.#awaitMetadata(
      "deleted topics",
      deadline,
      (byName) => names.every((name) => !byName.has(name)),
    );
  }

  /**
   * Raises the partition count of `topic` to `totalCount` (partitions cannot be removed) and
   * resolves once cluster metadata shows the new partitions with leaders.
   */
  async createPartitions(
    topic: string,
    totalCount: number,
    options: AdminRequestOptions = {},
  ): Promise<void> {
    if (!Number.isInteger(totalCount) || totalCount < 1) {
      throw new RangeError(`Partition count must be a positive integer, got ${totalCount}`);
    }
    const errstr = new Uint8Array(512);
    const object = this.#lib.rd_kafka_NewPartitions_new(
      cstr(topic),
      BigInt(totalCount),
      errstr,
      BigInt(errstr.length),
    );
    if (object === null) {
      throw new RangeError(`Cannot add partitions to topic "${topic}": ${cstrOf(errstr)}`);
    }
    const deadline = deadlineOf(options);
    const what = `create partitions of ${topic}`;
    await this.#call(what, this.#api.createPartitions, [object], options, (results) => {
      throwFirst(this.#topicErrors(results, "create partitions of"));
    });
    await this.#awaitMetadata(
      `new partitions of ${topic}`,
      deadline,
      (byName) => hasLeaders(byName.get(topic), totalCount),
    );
  }

  /** Names of the topics in the cluster, sorted; internal ones only with `includeInternal`. */
  async listTopics(options: ListTopicsOptions = {}): Promise<string[]> {
    const topics = await this.#metadata(options);
    return topics
      .map((topic) => topic.name)
      .filter((name) => options.includeInternal || !isInternal(name))
      .sort();
  }

  /**
   * Describes topics from cluster metadata: every non-internal topic, or those named. Throws a
   * {@linkcode KafkaError} with code `UNKNOWN_TOPIC_OR_PART` for a name that does not exist
   * (describing never creates a topic, even with `auto.create.topics.enable`).
   */
  async describeTopics(
    names?: readonly string[],
    options: DescribeTopicsOptions = {},
  ): Promise<TopicDescription[]> {
    const topics = await this.#metadata(options);
    const byName = new Map(topics.map((topic) => [topic.name, topic]));
    const unknown = ErrorCode.UNKNOWN_TOPIC_OR_PART;
    const selected = names
      ? names.map((name) => byName.get(name) ?? { name, error: unknown })
      : topics.filter((topic) => !isInternal(topic.name)).sort(byTopicName);
    const descriptions = selected.map((topic) => {
      if ("error" in topic) throw KafkaError.fromCode(topic.error, `describe topic ${topic.name}`);
      return topic.description;
    });
    if (options.configs && descriptions.length > 0) {
      const configs = await this.#describeConfigs(descriptions.map((d) => d.name), true, options);
      for (const description of descriptions) description.configs = configs.get(description.name);
    }
    return descriptions;
  }

  /** The configs of a topic, e.g. `{ "cleanup.policy": "compact", ... }`. */
  async describeTopicConfig(
    name: string,
    options: DescribeTopicConfigOptions = {},
  ): Promise<Record<string, string>> {
    const configs = await this.#describeConfigs([name], options.includeDefaults ?? true, options);
    return configs.get(name) ?? {};
  }

  /**
   * The committed offsets of group `groupId` for `partitions`, or for every partition the group
   * has committed. Offsets are the next ones the group reads; -1001 means none is committed.
   * Retries while the group's coordinator is loading or moving, until `timeoutMs`.
   */
  async listConsumerGroupOffsets(
    groupId: string,
    partitions?: readonly TopicPartition[],
    options: AdminRequestOptions = {},
  ): Promise<TopicPartition[]> {
    const deadline = deadlineOf(options);
    for (let backoffMs = 100;; backoffMs = Math.min(backoffMs * 2, 1000)) {
      const timeoutMs = Math.max(0, deadline - Date.now());
      try {
        return await this.#listGroupOffsets(groupId, partitions, timeoutMs);
      } catch (e) {
        const retry = e instanceof KafkaError && coordinatorErrors.has(e.code);
        if (!retry || Date.now() + backoffMs >= deadline) throw e;
        await new Promise((resolve) => setTimeout(resolve, backoffMs));
      }
    }
  }

  async #listGroupOffsets(
    groupId: string,
    partitions: readonly TopicPartition[] | undefined,
    timeoutMs: number,
  ): Promise<TopicPartition[]> {
    const lib = this.#lib;
    const what = `list offsets of group ${groupId}`;
    const list = partitions ? toNativeList(partitions) : null;
    const object = lib.rd_kafka_ListConsumerGroupOffsets_new(cstr(groupId), list)!;
    freeNativeList(list); // _new copied it
    const api = this.#api.listGroupOffsets;
    return await this.#call(what, api, [object], { timeoutMs }, ([group]) => {
      const error = groupError(lib, group, what);
      if (error) throw error;
      return fromNativeList(lib.rd_kafka_group_result_partitions(group)).sort(byPartition);
    });
  }

  /**
   * How far group `groupId` is behind on each partition it has committed offsets for, from its
   * committed offsets and the partitions' high watermarks, asked of the brokers now.
   */
  async consumerGroupLag(
    groupId: string,
    options: AdminRequestOptions = {},
  ): Promise<PartitionLag[]> {
    const offsets = await this.listConsumerGroupOffsets(groupId, undefined, options);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return await Promise.all(offsets.map(async ({ topic, partition, offset, error }) => {
      if (error) throw KafkaError.fromCode(error, `committed offset of ${topic} [${partition}]`);
      const { low, high } = await this.#watermarks(topic, partition, timeoutMs);
      const committed = offset ?? NO_OFFSET;
      const lag = Math.max(0, high - (committed >= 0 ? committed : low));
      return { topic, partition, committed, high, lag };
    }));
  }

  /** The consumer groups known to the cluster's coordinators, sorted by id. */
  async listConsumerGroups(options: AdminRequestOptions = {}): Promise<ConsumerGroupListing[]> {
    const lib = this.#lib;
    const what = "list consumer groups";
    return await this.#call(what, this.#api.listGroups, [], options, (listings, result) => {
      const cnt = new BigUint64Array(1);
      const [error] = readArray(lib.rd_kafka_ListConsumerGroups_result_errors(result, cnt), cnt);
      if (error) throw KafkaError.fromBorrowedErrorObject(error, what)!;
      return listings.map((listing): ConsumerGroupListing => {
        const state = lib.rd_kafka_ConsumerGroupListing_state(listing);
        return {
          groupId: readCString(lib.rd_kafka_ConsumerGroupListing_group_id(listing)) ?? "",
          state: readCString(lib.rd_kafka_consumer_group_state_name(state)) ?? "Unknown",
          isSimple: lib.rd_kafka_ConsumerGroupListing_is_simple_consumer_group(listing) !== 0,
        };
      }).sort((a, b) => compare(a.groupId, b.groupId));
    });
  }

  /** Deletes consumer groups (they must have no members). Throws naming the first that failed. */
  async deleteConsumerGroups(
    groupIds: readonly string[],
    options: AdminRequestOptions = {},
  ): Promise<void> {
    const lib = this.#lib;
    if (groupIds.length === 0) return;
    const objects = groupIds.map((id) => lib.rd_kafka_DeleteGroup_new(cstr(id))!);
    await this.#call("delete groups", this.#api.deleteGroups, objects, options, (groups) => {
      throwFirst(groups.flatMap((group) => {
        const name = readCString(lib.rd_kafka_group_result_name(group));
        return groupError(lib, group, `delete consumer group ${name}`) ?? [];
      }));
    });
  }

  /** Releases the client; pending admin requests reject with code `_STATE`. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    for (const queue of this.#queues) this.#lib.rd_kafka_queue_yield(queue);
    // Metadata and watermark calls cannot be interrupted; they end within their timeouts.
    await Promise.allSettled(this.#inflight);
    await this.#client.close(undefined, DESTROY_F_NO_CONSUMER_CLOSE);
  }

  /** Same as {@linkcode close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Runs `run` unless closed; `close()` waits for it. */
  async #track<T>(what: string, run: () => Promise<T>): Promise<T> {
    if (this.#closed) {
      throw new KafkaError(`${what}: the admin client is closed`, { code: ErrorCode.STATE });
    }
    this.#client.assertUsable(what);
    const promise = run();
    this.#inflight.add(promise);
    try {
      return await promise;
    } finally {
      this.#inflight.delete(promise);
    }
  }

  /**
   * Runs one admin request for `objects` (taking ownership of them) and passes the result's
   * items to `read`, with a temporary result queue. Everything is destroyed before returning.
   */
  async #call<T>(
    what: string,
    api: AdminApi,
    objects: readonly Ptr[],
    options: AdminRequestOptions,
    read: (items: Ptr[], result: Ptr) => T,
  ): Promise<T> {
    const lib = this.#lib;
    let adminOptions: Deno.PointerValue = null;
    let queue: Deno.PointerValue = null;
    let event: Deno.PointerValue = null;
    try {
      return await this.#track(what, async () => {
        const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
        adminOptions = lib.rd_kafka_AdminOptions_new(this.#client.rk, api.op)!;
        setTimeouts(lib, adminOptions, api.operationTimeout, timeoutMs);
        queue = lib.rd_kafka_queue_new(this.#client.rk)!;
        this.#queues.add(queue);
        const array = pointerArray(objects);
        api.start(this.#client.rk, array, BigInt(objects.length), adminOptions, queue);
        event = await lib.rd_kafka_queue_poll_blocking(queue, timeoutMs + RESULT_GRACE_MS);
        if (event === null) {
          throw this.#closed
            ? new KafkaError(`${what}: the admin client was closed`, { code: ErrorCode.STATE })
            : KafkaError.fromCode(ErrorCode.TIMED_OUT, `${what}: no result in ${timeoutMs} ms`);
        }
        const code = lib.rd_kafka_event_error(event);
        if (code !== ErrorCode.NO_ERROR) {
          throw KafkaError.fromCode(
            code,
            what,
            readCString(lib.rd_kafka_event_error_string(event)),
          );
        }
        const result = api.result(event);
        if (result === null) {
          throw new KafkaError(`${what}: unexpected result event type`, { code: ErrorCode.FAIL });
        }
        const cnt = new BigUint64Array(1);
        return read(readArray(api.items(result, cnt), cnt), result);
      });
    } finally {
      if (event !== null) lib.rd_kafka_event_destroy(event);
      if (queue !== null) {
        this.#queues.delete(queue);
        lib.rd_kafka_queue_destroy(queue);
      }
      if (adminOptions !== null) lib.rd_kafka_AdminOptions_destroy(adminOptions);
      for (const object of objects) api.destroy(object);
    }
  }

  #topicErrors(results: Ptr[], verb: string, ignore?: number): KafkaError[] {
    const lib = this.#lib;
    return results.flatMap((result) => {
      const code = lib.rd_kafka_topic_result_error(result);
      if (code === ErrorCode.NO_ERROR || code === ignore) return [];
      const name = readCString(lib.rd_kafka_topic_result_name(result));
      const detail = readCString(lib.rd_kafka_topic_result_error_string(result));
      return [KafkaError.fromCode(code, `${verb} topic ${name}`, detail)];
    });
  }

  /** Topic configs by topic name, from one DescribeConfigs request. */
  #describeConfigs(
    names: readonly string[],
    includeDefaults: boolean,
    options: AdminRequestOptions,
  ): Promise<Map<string, Record<string, string>>> {
    const lib = this.#lib;
    const resources = names.map((name) =>
      lib.rd_kafka_ConfigResource_new(RESOURCE_TOPIC, cstr(name))!
    );
    const api = this.#api.describeConfigs;
    return this.#call("describe configs", api, resources, options, (described) => {
      return new Map(described.map((resource) => readResource(lib, resource, includeDefaults)));
    });
  }

  /**
   * Polls cluster metadata until `ready` holds, so that changes the controller accepted are
   * visible to clients when an operation resolves.
   */
  async #awaitMetadata(
    what: string,
    deadline: number,
    ready: (byName: Map<string, MetadataTopic>) => boolean,
  ): Promise<void> {
    for (;;) {
      const topics = await this.#metadata({ timeoutMs: Math.max(1, deadline - Date.now()) });
      if (ready(new Map(topics.map((topic) => [topic.name, topic])))) return;
      if (Date.now() + METADATA_POLL_MS >= deadline) {
        throw KafkaError.fromCode(ErrorCode.TIMED_OUT, `${what}: not yet in cluster metadata`);
      }
      await new Promise((resolve) => setTimeout(resolve, METADATA_POLL_MS));
    }
  }

  /** Topics from one metadata request for all topics (so that no topic is auto-created). */
  #metadata(options: AdminRequestOptions): Promise<MetadataTopic[]> {
    return this.#track("metadata", async () => {
      const lib = this.#lib;
      const out = new BigUint64Array(1);
      const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      check(await lib.rd_kafka_metadata(this.#client.rk, 1, null, out, timeoutMs), "metadata");
      const metadata = Deno.UnsafePointer.create(out[0])!;
      try {
        return readMetadataTopics(metadata);
      } finally {
        lib.rd_kafka_metadata_destroy(metadata);
      }
    });
  }

  #watermarks(
    topic: string,
    partition: number,
    timeoutMs: number,
  ): Promise<{ low: number; high: number }> {
    const what = `watermark offsets of ${topic} [${partition}]`;
    return this.#track(what, async () => {
      const low = new BigInt64Array(1);
      const high = new BigInt64Array(1);
      const rk = this.#client.rk;
      const name = cstr(topic);
      check(
        await this.#lib.rd_kafka_query_watermark_offsets(rk, name, partition, low, high, timeoutMs),
        what,
      );
      return { low: Number(low[0]), high: Number(high[0]) };
    });
  }
}

/** Partition and replica counts: at least 1, or -1 for the broker's default. */
function checkCount(topic: string, field: string, value: number): void {
  if (!Number.isInteger(value)) {
    throw new TypeError(`Topic "${topic}": ${field} must be an integer, got ${value}`);
  }
  if (value < 1 && value !== -1) {
    throw new RangeError(`Topic "${topic}": ${field} must be at least 1 (or -1), got ${value}`);
  }
}

function deadlineOf(options: AdminRequestOptions): number {
  return Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
}

/** Whether `topic` exists with a leader for each partition (and at least `count` of them). */
function hasLeaders(topic: MetadataTopic | undefined, count = 1): boolean {
  if (topic === undefined || "error" in topic) return false;
  const { partitions } = topic.description;
  return partitions.length >= count && partitions.every((p) => p.leader >= 0);
}

/** Throws the only error, or the first one noting how many more failed. */
function throwFirst(errors: KafkaError[]): void {
  if (errors.length === 0) return;
  const [first] = errors;
  if (errors.length === 1) throw first;
  throw new KafkaError(`${first.message} (and ${errors.length - 1} more failed)`, {
    code: first.code,
    retriable: first.retriable,
    cause: new AggregateError(errors),
  });
}

function isInternal(name: string): boolean {
  return name.startsWith("__");
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byTopicName(a: { name: string }, b: { name: string }): number {
  return compare(a.name, b.name);
}

function byPartition(a: TopicPartition, b: TopicPartition): number {
  return compare(a.topic, b.topic) || a.partition - b.partition;
}
