/**
 * The plumbing shared by every librdkafka admin request: the per-API function table, request
 * options, and reading result arrays, config resources and group errors.
 *
 * @module
 */
import { ErrorCode, KafkaError } from "../errors.ts";
import { librdkafka, readCString } from "./library.ts";

/** The loaded librdkafka symbols. */
export type Lib = ReturnType<typeof librdkafka>;
type Ptr = Deno.PointerObject;

/**
 * One librdkafka admin API: `start` enqueues a request for an array of request objects (which
 * `destroy` frees), `result` and `items` read the result event's array of per-item results.
 */
export interface AdminApi {
  /** `rd_kafka_admin_op_t` */
  op: number;
  /** Whether the API takes an operation timeout (the broker waits for the controller). */
  operationTimeout: boolean;
  start(rk: Ptr, array: BigUint64Array, count: bigint, options: Ptr, queue: Ptr): void;
  result(event: Ptr): Deno.PointerValue;
  items(result: Ptr, cntp: BigUint64Array): Deno.PointerValue;
  destroy(object: Ptr): void;
}

/** The admin APIs the `Admin` client uses, by name. */
export type AdminApis = Record<
  | "createTopics"
  | "deleteTopics"
  | "createPartitions"
  | "describeConfigs"
  | "deleteGroups"
  | "listGroups"
  | "listGroupOffsets",
  AdminApi
>;

/** The admin APIs the `Admin` client uses. */
export function adminApis(lib: Lib): AdminApis {
  return {
    createTopics: {
      op: 1,
      operationTimeout: true,
      start: lib.rd_kafka_CreateTopics,
      result: lib.rd_kafka_event_CreateTopics_result,
      items: lib.rd_kafka_CreateTopics_result_topics,
      destroy: lib.rd_kafka_NewTopic_destroy,
    },
    deleteTopics: {
      op: 2,
      operationTimeout: true,
      start: lib.rd_kafka_DeleteTopics,
      result: lib.rd_kafka_event_DeleteTopics_result,
      items: lib.rd_kafka_DeleteTopics_result_topics,
      destroy: lib.rd_kafka_DeleteTopic_destroy,
    },
    createPartitions: {
      op: 3,
      operationTimeout: true,
      start: lib.rd_kafka_CreatePartitions,
      result: lib.rd_kafka_event_CreatePartitions_result,
      items: lib.rd_kafka_CreatePartitions_result_topics,
      destroy: lib.rd_kafka_NewPartitions_destroy,
    },
    describeConfigs: {
      op: 5,
      operationTimeout: false,
      start: lib.rd_kafka_DescribeConfigs,
      result: lib.rd_kafka_event_DescribeConfigs_result,
      items: lib.rd_kafka_DescribeConfigs_result_resources,
      destroy: lib.rd_kafka_ConfigResource_destroy,
    },
    deleteGroups: {
      op: 7,
      operationTimeout: false,
      start: lib.rd_kafka_DeleteGroups,
      result: lib.rd_kafka_event_DeleteGroups_result,
      items: lib.rd_kafka_DeleteGroups_result_groups,
      destroy: lib.rd_kafka_DeleteGroup_destroy,
    },
    listGroups: {
      op: 12,
      operationTimeout: false,
      start: (rk, _array, _count, options, queue) =>
        lib.rd_kafka_ListConsumerGroups(rk, options, queue),
      result: lib.rd_kafka_event_ListConsumerGroups_result,
      items: lib.rd_kafka_ListConsumerGroups_result_valid,
      destroy: () => {},
    },
    listGroupOffsets: {
      op: 14,
      operationTimeout: false,
      start: lib.rd_kafka_ListConsumerGroupOffsets,
      result: lib.rd_kafka_event_ListConsumerGroupOffsets_result,
      items: lib.rd_kafka_ListConsumerGroupOffsets_result_groups,
      destroy: lib.rd_kafka_ListConsumerGroupOffsets_destroy,
    },
  };
}

/** Sets the request (and operation) timeout of admin options; RangeError for bad values. */
export function setTimeouts(lib: Lib, options: Ptr, operation: boolean, timeoutMs: number): void {
  if (!Number.isInteger(timeoutMs) || timeoutMs < 0) {
    throw new RangeError(`timeoutMs must be a non-negative integer, got ${timeoutMs}`);
  }
  const errstr = new Uint8Array(512);
  const size = BigInt(errstr.length);
  let code = lib.rd_kafka_AdminOptions_set_request_timeout(options, timeoutMs, errstr, size);
  if (code === ErrorCode.NO_ERROR && operation) {
    code = lib.rd_kafka_AdminOptions_set_operation_timeout(options, timeoutMs, errstr, size);
  }
  if (code !== ErrorCode.NO_ERROR) {
    throw new RangeError(`Invalid timeoutMs ${timeoutMs}: ${cstrOf(errstr)}`);
  }
}

/** Reads a NUL-terminated string from a buffer. */
export function cstrOf(buffer: Uint8Array): string {
  return readCString(Deno.UnsafePointer.of(buffer)) ?? "";
}

/** A `T **` array for librdkafka. */
export function pointerArray(pointers: readonly Ptr[]): BigUint64Array {
  return BigUint64Array.from(pointers, (p) => BigInt(Deno.UnsafePointer.value(p)));
}

/** Reads a `const T **` array of `cnt[0]` elements returned by librdkafka. */
export function readArray(array: Deno.PointerValue, cnt: BigUint64Array): Ptr[] {
  const count = Number(cnt[0]);
  if (array === null || count === 0) return [];
  const view = new Deno.UnsafePointerView(array);
  return Array.from({ length: count }, (_, i) => view.getPointer(i * 8)!);
}

/** The error of a group result, or null; an error if the result is missing. */
export function groupError(lib: Lib, group: Ptr | undefined, what: string): KafkaError | null {
  if (group === undefined) {
    return new KafkaError(`${what}: no result for the group`, { code: ErrorCode.FAIL });
  }
  const error = lib.rd_kafka_group_result_error(group);
  return KafkaError.fromBorrowedErrorObject(error, what);
}

/** Reads a DescribeConfigs resource as `[topic, configs]`; throws its error. */
export function readResource(
  lib: Lib,
  resource: Ptr,
  includeDefaults: boolean,
): readonly [string, Record<string, string>] {
  const name = readCString(lib.rd_kafka_ConfigResource_name(resource)) ?? "";
  const code = lib.rd_kafka_ConfigResource_error(resource);
  if (code !== ErrorCode.NO_ERROR) {
    const detail = readCString(lib.rd_kafka_ConfigResource_error_string(resource));
    throw KafkaError.fromCode(code, `describe configs of topic ${name}`, detail);
  }
  const cnt = new BigUint64Array(1);
  const configs: Record<string, string> = {};
  for (const entry of readArray(lib.rd_kafka_ConfigResource_configs(resource, cnt), cnt)) {
    const value = readCString(lib.rd_kafka_ConfigEntry_value(entry));
    if (value === null) continue;
    if (!includeDefaults && lib.rd_kafka_ConfigEntry_is_default(entry) !== 0) continue;
    configs[readCString(lib.rd_kafka_ConfigEntry_name(entry)) ?? ""] = value;
  }
  return [name, configs] as const;
}
