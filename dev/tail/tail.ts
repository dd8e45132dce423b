/**
 * The console consumer behind `deno task tail`: assigns every partition of one topic (no consumer
 * group is joined and nothing is committed, like kafka-console-consumer with `--partition`s) and
 * writes each record as a JSON line.
 *
 * @module
 */
import { Consumer, ErrorCode, type KafkaConfig, KafkaError, Offset } from "@iot/kafka";
import { quietAdmin } from "../quiet_admin.ts";
import { formatRecord } from "./format.ts";
import type { TailOptions } from "./options.ts";

/** A condition the tail reports as one line: unknown topic, unreachable cluster. */
export class TailError extends Error {
  /** @param message what failed and why. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TailError";
  }
}

/** Where {@linkcode runTail} writes and when it stops. */
export interface TailIo {
  /** Receives one formatted line per record (no trailing newline). */
  write(line: string): void;
  /** Stops following. */
  signal?: AbortSignal;
  /** How long to wait for cluster metadata. Default 10 000 ms. */
  metadataTimeoutMs?: number;
  /** Extra librdkafka settings (the `--kafka-properties` file) for both clients. Default none. */
  kafkaConfig?: KafkaConfig;
}

/** Prints records of `options.topic` until `count` records or `signal`; returns how many. */
export async function runTail(options: TailOptions, io: TailIo): Promise<number> {
  const kafka = { ...io.kafkaConfig, "bootstrap.servers": options.bootstrap };
  const partitions = await partitionsOf(options, kafka, io.metadataTimeoutMs ?? 10_000);
  await using consumer = new Consumer({
    config: {
      ...kafka,
      // librdkafka's consumer needs a group id even for assign(); it is never joined or committed.
      "group.id": "iot-tail",
      "enable.auto.commit": false,
      "enable.auto.offset.store": false,
      "isolation.level": options.readCommitted ? "read_committed" : "read_uncommitted",
    },
  });
  const start = options.fromBeginning ? Offset.BEGINNING : Offset.END;
  consumer.assign(
    partitions.map((partition) => ({ topic: options.topic, partition, offset: start })),
  );
  let printed = 0;
  if (options.count === 0) return 0;
  for await (const batch of consumer.batches({ signal: io.signal })) {
    for (const record of batch) {
      io.write(formatRecord(record));
      if (++printed === options.count) return printed;
    }
  }
  return printed;
}

async function partitionsOf(
  options: TailOptions,
  config: KafkaConfig,
  timeoutMs: number,
): Promise<number[]> {
  await using quiet = quietAdmin(config);
  const { admin } = quiet;
  try {
    const [description] = await admin.describeTopics([options.topic], { timeoutMs });
    return description.partitions.map((p) => p.partition);
  } catch (e) {
    if (e instanceof KafkaError && e.code === ErrorCode.UNKNOWN_TOPIC_OR_PART) {
      const known = await admin.listTopics({ timeoutMs }).catch(() => []);
      throw new TailError(
        `topic "${options.topic}" does not exist on ${options.bootstrap}` +
          (known.length === 0 ? " (no topics yet)" : ` (topics: ${listSome(known)})`),
        { cause: e },
      );
    }
    if (e instanceof KafkaError) {
      throw new TailError(`cannot reach Kafka at ${options.bootstrap}: ${quiet.reason(e)}`, {
        cause: e,
      });
    }
    throw e;
  }
}

/** The first few names, then how many more: one line even on a crowded cluster. */
function listSome(names: readonly string[], max = 10): string {
  const more = names.length > max ? `, ... ${names.length - max} more` : "";
  return names.slice(0, max).join(", ") + more;
}
