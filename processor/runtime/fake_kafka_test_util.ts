/**
 * The runtime's Kafka seam over the in-memory fakes of `@iot/kafka/testing`, and a tiny
 * deterministic job, for unit tests of the runner and its checkpoint protocol.
 *
 * @module
 */
import { type ConsumerRecord, KafkaError } from "@iot/kafka";
import { FakeAdmin, FakeConsumer, FakeKafka, FakeProducer } from "@iot/kafka/testing";
import { KeyedState } from "../core/keyed_state.ts";
import type { JobDefinition, TaskLogic, TaskOutput } from "./job.ts";
import { JobRunner, type JobRunnerOptions } from "./job_runner.ts";
import type { InputSource, KafkaClients } from "./kafka_seam.ts";

/** {@linkcode KafkaClients} of a {@linkcode FakeKafka}, configured as the real ones are. */
export function fakeClients(kafka: FakeKafka): KafkaClients {
  return {
    waitReady: () => Promise.resolve(),
    input: (o) =>
      new FakeConsumer(kafka, {
        groupId: o.groupId,
        isolation: "read_committed",
        autoOffsetReset: "earliest",
        onRebalance: o.onRebalance,
        onError: o.onError,
        name: o.instanceId,
      }),
    reader: (o) => new FakeConsumer(kafka, { groupId: o.groupId, isolation: "read_committed" }),
    output: (o) =>
      new FakeProducer(
        kafka,
        o.transactionalId === null ? {} : { transactionalId: o.transactionalId },
      ),
    admin: () => new FakeAdmin(kafka),
  };
}

/**
 * A {@linkcode JobRunner} of `job` over `kafka` keeping its state in `stateDir`, checkpointing
 * every 10 ms, silent, stopped by `stop`; `overrides` replace any option.
 */
export function fakeRunnerAt(
  kafka: FakeKafka,
  job: JobDefinition,
  stateDir: string,
  overrides: Partial<JobRunnerOptions> = {},
): { runner: JobRunner; stop: AbortController } {
  const stop = new AbortController();
  const runner = new JobRunner({
    job,
    bootstrap: "fake:9092",
    stateDir,
    clients: fakeClients(kafka),
    checkpointIntervalMs: 10,
    store: { sync: false },
    signal: stop.signal,
    log: () => {},
    ...overrides,
  });
  return { runner, stop };
}

/**
 * Fake clients whose checkpoints are all aborted (a rebalance) and whose rewind's seek then times
 * out, as librdkafka answers when the partitions are revoked during the seek; `input` adjusts the
 * input consumer further, `onSendOffsets` sees each attempt to commit offsets.
 */
export function failingSeekClients(
  kafka: FakeKafka,
  input: (consumer: InputSource, o: Parameters<KafkaClients["input"]>[0]) => void = () => {},
  onSendOffsets: () => void = () => {},
): KafkaClients {
  const clients = fakeClients(kafka);
  return {
    ...clients,
    output: (o) => {
      const producer = clients.output(o);
      producer.sendOffsetsToTransaction = () => {
        onSendOffsets();
        return Promise.reject(
          new KafkaError("generation is not valid", { code: 22, txnRequiresAbort: true }),
        );
      };
      return producer;
    },
    input: (o) => {
      const consumer = clients.input(o);
      consumer.seek = () =>
        Promise.reject(
          new KafkaError("seek: Timed out waiting for 1 partition seek", { code: -185 }),
        );
      input(consumer, o);
      return consumer;
    },
  };
}

/**
 * {@linkcode fakeRunnerAt} with a fresh state directory (`dir`). `dispose()` stops the runner,
 * waits for `running` when given and removes the directory.
 */
export async function fakeRunner(
  kafka: FakeKafka,
  job: JobDefinition,
  overrides: Partial<JobRunnerOptions> = {},
): Promise<{
  runner: JobRunner;
  stop: AbortController;
  dir: string;
  dispose(running?: Promise<void>): Promise<void>;
}> {
  const dir = await Deno.makeTempDir();
  const { runner, stop } = fakeRunnerAt(kafka, job, dir, overrides);
  const dispose = async (running?: Promise<void>) => {
    stop.abort();
    try {
      await running;
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  };
  return { runner, stop, dir, dispose };
}

const decoder = new TextDecoder();

/**
 * A job counting records per key: each input record yields `key=count@offset` on
 * `<prefix>out`, in the input's partition (the input is `<prefix>in`). Duplicated or lost input,
 * or state restored from the wrong checkpoint, changes its output.
 */
export function countingJob(partitions: number, prefix = ""): JobDefinition {
  const output = `${prefix}out`;
  return {
    name: "count",
    inputs: [`${prefix}in`],
    topics: [
      { name: `${prefix}in`, partitions },
      { name: output, partitions },
      { name: `${prefix}dlq`, partitions: 1 },
    ],
    deadLetterTopic: `${prefix}dlq`,
    createTask: (): TaskLogic => {
      const counts = new KeyedState<number>(undefined, "count");
      return {
        operators: { counts },
        process(record: ConsumerRecord, out: TaskOutput) {
          const key = record.key === null ? "" : decoder.decode(record.key);
          const n = (counts.get(key) ?? 0) + 1;
          counts.set(key, n);
          out.emit({
            topic: output,
            partition: record.partition,
            key,
            value: `${key}=${n}@${record.offset}`,
          });
        },
        snapshotMeta: () => null,
        restoreMeta: () => {},
        watermarkMs: () => null,
      };
    },
  };
}

/**
 * A fake cluster with the topics of `countingJob(1)`, and `send(from, to)` writing inputs
 * `from` … `to - 1` to `in`, keyed `k0`, `k1`, `k2` in turn.
 */
export function countingInput(): {
  kafka: FakeKafka;
  job: JobDefinition;
  send: (from: number, to: number) => Promise<void>;
} {
  const kafka = new FakeKafka();
  const job = countingJob(1);
  for (const t of job.topics) kafka.createTopic(t.name, t.partitions);
  const upstream = new FakeProducer(kafka);
  const send = (from: number, to: number) =>
    upstream.sendAll(
      Array.from({ length: to - from }, (_, i) => ({
        topic: "in",
        key: `k${(from + i) % 3}`,
        value: "x",
      })),
    );
  return { kafka, job, send };
}

/** What `countingJob` writes for the inputs `from` … `to - 1` of {@linkcode countingInput}. */
export function countingOutputs(from: number, to: number): string[] {
  return Array.from({ length: to - from }, (_, j) => {
    const i = from + j;
    return `k${i % 3}=${Math.floor(i / 3) + 1}@${i}`;
  });
}
