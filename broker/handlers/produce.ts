/**
 * Produce (0): validates each partition's batch, deduplicates idempotent retries, appends, and
 * answers per partition. With a single replica acks=1 and acks=-1 mean the same thing: the
 * response is sent once the batch is stored under the log's fsync policy (with `fsync=always`,
 * an acknowledged batch is on disk). acks=0 gets no response, as in Kafka. Transactional batches
 * are accepted only for partitions added to the producer's ongoing transaction (INVALID_TXN_STATE,
 * the classic pre-KIP-890 answer for that case, otherwise).
 *
 * @module
 */
import type {
  ApiKey,
  ProduceRequestPartitionProduceData,
  ProduceResponsePartitionProduceResponseInput,
} from "../protocol/mod.ts";
import { readBatchHeader, type RecordBatchHeader, validateProducedBatch } from "../records/mod.ts";
import type { Handler } from "../api/mod.ts";
import { errorField } from "@iot/service";
import type { BrokerContext } from "./context.ts";
import { errorCodeOf, messageOf } from "./error_codes.ts";
import { ErrorCode } from "../protocol/mod.ts";
import { isInternalTopic } from "./internal_topics.ts";

type PartitionResult = ProduceResponsePartitionProduceResponseInput;

/** Runs tasks one at a time per key. */
class KeyedQueue {
  #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prev = this.#tails.get(key) ?? Promise.resolve();
    const next = prev.then(task, task);
    const tail = next.catch(() => {});
    this.#tails.set(key, tail);
    tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return next;
  }
}

/** Builds the Produce handler. */
export function produceHandler(ctx: BrokerContext): Handler<typeof ApiKey.Produce> {
  const sequenced = new KeyedQueue();
  return async (request) => {
    const validAcks = request.acks === 0 || request.acks === 1 || request.acks === -1;
    const responses = await Promise.all(request.topicData.map(async (topic) => ({
      name: topic.name,
      partitionResponses: await Promise.all(
        topic.partitionData.map((p) =>
          validAcks
            ? producePartition(ctx, sequenced, topic.name, p)
            : failure(p.index, ErrorCode.INVALID_REQUIRED_ACKS, `acks=${request.acks}`)
        ),
      ),
    })));
    if (request.acks === 0) return null;
    return { responses, throttleTimeMs: 0 };
  };
}

async function producePartition(
  ctx: BrokerContext,
  sequenced: KeyedQueue,
  topic: string,
  data: ProduceRequestPartitionProduceData,
): Promise<PartitionResult> {
  const log = ctx.store.partition(topic, data.index);
  if (!log) {
    return failure(data.index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${topic}-${data.index}`);
  }
  if (isInternalTopic(topic)) {
    return failure(data.index, ErrorCode.INVALID_TOPIC_EXCEPTION, `${topic} is an internal topic`);
  }
  if (!data.records || data.records.length === 0) {
    return failure(data.index, ErrorCode.CORRUPT_MESSAGE, "no record batch");
  }
  try {
    // Kafka v3+: exactly one v2 batch per partition. The log validates every batch on append;
    // sequenced batches are validated first too, since the sequence check trusts their header.
    const batch = data.records;
    const guard = readBatchHeader(batch).producerId >= 0 ? ctx.producers : undefined;
    if (!guard) {
      const result = await log.append(batch);
      return success(data.index, result.baseOffset, result.logAppendTime, result.logStartOffset);
    }
    // check -> append -> record must not interleave with another sequenced batch of the same
    // partition, or two copies of a retried batch could both pass the check.
    const header: RecordBatchHeader = validateProducedBatch(batch);
    return await sequenced.run(`${topic}\u0000${data.index}`, async () => {
      const verdict = guard.check(topic, data.index, header);
      if (verdict.kind === "duplicate") {
        return success(data.index, verdict.baseOffset, -1, log.logStartOffset);
      }
      if (verdict.kind === "error") {
        return failure(data.index, verdict.errorCode, "producer sequence check failed");
      }
      const txnError = ctx.transactions?.checkProduce(topic, data.index, header) ?? 0;
      if (txnError !== 0) {
        return failure(data.index, txnError, "partition is not in the producer's transaction");
      }
      // The open transaction is registered when the batch gets its offsets, before it is
      // readable: registering after the append (which awaits the fsync) let read_committed
      // readers see the batch with a last stable offset past it.
      let registered: Promise<void> | undefined;
      const txns = header.isTransactional ? ctx.transactions : undefined;
      const onAssign = txns && ((baseOffset: number) => {
        registered = txns.recordProduce(topic, data.index, header, baseOffset);
        registered.catch(() => {}); // awaited below unless the append fails
      });
      const result = await log.append(batch, { onAssign });
      guard.record(topic, data.index, header, result.baseOffset);
      await registered;
      return success(data.index, result.baseOffset, result.logAppendTime, result.logStartOffset);
    });
  } catch (e) {
    const code = errorCodeOf(e);
    if (code === ErrorCode.UNKNOWN_SERVER_ERROR) {
      ctx.logger.error("append failed", { topic, partition: data.index, error: errorField(e) });
    }
    return failure(data.index, code, messageOf(e));
  }
}

function success(
  index: number,
  baseOffset: number,
  logAppendTime: number,
  logStartOffset: number,
): PartitionResult {
  return {
    index,
    errorCode: 0,
    baseOffset: BigInt(baseOffset),
    logAppendTimeMs: BigInt(logAppendTime),
    logStartOffset: BigInt(logStartOffset),
    recordErrors: [],
    errorMessage: null,
  };
}

function failure(index: number, errorCode: number, message: string): PartitionResult {
  return {
    index,
    errorCode,
    baseOffset: -1n,
    logAppendTimeMs: -1n,
    logStartOffset: -1n,
    recordErrors: [],
    errorMessage: message,
  };
}
