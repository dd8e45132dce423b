import { assert, assertEquals, assertRejects } from "@std/assert";
import { KafkaError } from "@iot/kafka";
import { FakeKafka, FakeProducer, readAll } from "@iot/kafka/testing";
import { waitFor } from "@iot/testing";
import {
  countingInput,
  countingJob,
  countingOutputs,
  fakeClients,
} from "./fake_kafka_test_util.ts";
import type { JobDefinition } from "./job.ts";
import {
  JobFailedError,
  JobRunner,
  type JobRunnerOptions,
  RestartableError,
} from "./job_runner.ts";
import type { InputSource, KafkaClients } from "./kafka_seam.ts";
import { isRestartable } from "./restarting_job.ts";

Deno.test("JobRunner: an idle, fully consumed transactional input shows lag 0", async () => {
  const kafka = new FakeKafka();
  const job = countingJob(1);
  for (const t of job.topics) kafka.createTopic(t.name, t.partitions);
  const upstream = new FakeProducer(kafka, { transactionalId: "upstream" });
  await upstream.initTransactions();
  upstream.beginTransaction();
  await upstream.sendAll([{ topic: "in", key: "a", value: "1" }, {
    topic: "in",
    key: "a",
    value: "2",
  }]);
  await upstream.commitTransaction();
  const dir = await Deno.makeTempDir();
  const stop = new AbortController();
  const runner = new JobRunner({
    job,
    bootstrap: "fake:9092",
    stateDir: dir,
    clients: fakeClients(kafka),
    checkpointIntervalMs: 10,
    store: { sync: false },
    signal: stop.signal,
    log: () => {},
  });
  const running = runner.run();
  try {
    await waitFor(async () => (await runner.status()).checkpoints > 0, { intervalMs: 5 });
    const status = await runner.status();
    // Two records at offsets 0 and 1, the commit marker at 2: nothing is left to consume.
    assertEquals(kafka.log("in", 0).high, 3);
    assertEquals(status.tasks.map((t) => [t.offset, t.lag]), [[2, 0]]);
    assert(status.lastCheckpointDurationMs !== null && status.lastCheckpointDurationMs >= 0);
  } finally {
    stop.abort();
    await running;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("JobRunner: without Kafka it gives up after kafkaWaitTimeoutMs naming the address", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const bootstrap = `127.0.0.1:${(listener.addr as Deno.NetAddr).port}`;
  listener.close();
  const lines: string[] = [];
  const runner = new JobRunner({
    job: countingJob(1),
    bootstrap,
    stateDir: "/nonexistent",
    kafkaWaitTimeoutMs: 300,
    log: (line) => lines.push(line),
  });
  await assertRejects(() => runner.run(), KafkaError, `Kafka at ${bootstrap} did not answer`);
  assertEquals(lines, [`count: waiting for Kafka at ${bootstrap}…`]);
});

Deno.test("JobRunner: an abortable checkpoint failure rewinds to the last commit, no duplicates", async () => {
  const { kafka, job, send } = countingInput();
  await send(0, 20);
  const clients = fakeClients(kafka);
  let failures = 0;
  // The second checkpoint's offsets meet a group whose generation moved on (a rebalance).
  const output: typeof clients.output = (o) => {
    const producer = clients.output(o);
    const sendOffsets = producer.sendOffsetsToTransaction.bind(producer);
    producer.sendOffsetsToTransaction = (offsets, input) => {
      if (++failures !== 2) return sendOffsets(offsets, input);
      // More input arrives meanwhile: the consumer may fetch it before the rewind's seek.
      return send(30, 40).then(() =>
        Promise.reject(
          new KafkaError("sendOffsetsToTransaction: generation is not valid", {
            code: 22, // ILLEGAL_GENERATION
            txnRequiresAbort: true,
          }),
        )
      );
    };
    return producer;
  };
  const dir = await Deno.makeTempDir();
  const stop = new AbortController();
  const lines: string[] = [];
  const runner = new JobRunner({
    job,
    bootstrap: "fake:9092",
    stateDir: dir,
    clients: { ...clients, output },
    checkpointIntervalMs: 10,
    store: { sync: false },
    signal: stop.signal,
    log: (line) => lines.push(line),
  });
  const running = runner.run();
  try {
    await waitFor(() => failures >= 1, { intervalMs: 5 });
    await send(20, 30);
    await waitFor(() => failures >= 2, { intervalMs: 5 });
    await waitFor(async () => (await runner.status()).tasks[0]?.offset === 40 && failures > 2, {
      intervalMs: 5,
    });
  } finally {
    stop.abort();
    await running;
    await Deno.remove(dir, { recursive: true });
  }
  assert(lines.some((l) => l.includes("rewinding to the last commit")), lines.join("\n"));
  assertEquals(
    readAll(kafka, "out").map((r) => new TextDecoder().decode(r.value!)),
    countingOutputs(0, 40),
  );
});

/**
 * Fake clients whose checkpoints are all aborted (a rebalance) and whose rewind's seek then times
 * out, as librdkafka answers when the partitions are revoked during the seek; `input` adjusts the
 * input consumer further.
 */
function failingSeekClients(
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

/** Runs `job` over `clients` until it fails; returns the failure. */
async function runToFailure(
  job: JobDefinition,
  clients: KafkaClients,
  options: Partial<JobRunnerOptions> = {},
): Promise<JobFailedError> {
  const dir = await Deno.makeTempDir();
  try {
    const runner = new JobRunner({
      job,
      bootstrap: "fake:9092",
      stateDir: dir,
      clients,
      checkpointIntervalMs: 10,
      store: { sync: false },
      signal: new AbortController().signal,
      log: () => {},
      ...options,
    });
    return await assertRejects(() => runner.run(), JobFailedError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("JobRunner: a seek that fails while rewinding ends the run as restartable", async () => {
  const { kafka, job, send } = countingInput();
  await send(0, 20);
  const error = await runToFailure(job, failingSeekClients(kafka));
  assert(error.cause instanceof RestartableError, String(error.cause));
  assert(isRestartable(error), "RestartingJob restarts it");
});

Deno.test("JobRunner: after a failure, the rebalances that closing the input delivers restore and checkpoint nothing", async () => {
  const { kafka, job, send } = countingInput();
  await send(0, 20);
  let closing = false;
  const afterClose: string[] = [];
  // librdkafka's close() first delivers an assignment the group had queued (seen after a broker
  // crash), and a closing consumer's committed() times out.
  const clients = failingSeekClients(kafka, (consumer, o) => {
    const committed = consumer.committed.bind(consumer);
    const close = consumer.close.bind(consumer);
    consumer.committed = (partitions) => {
      if (!closing) return committed(partitions);
      afterClose.push("committed");
      return Promise.reject(new KafkaError("committed: Timed out", { code: -185 }));
    };
    consumer.close = async () => {
      closing = true;
      const partitions = [{ topic: "in", partition: 0 }];
      await o.onRebalance({ type: "assigned", partitions, protocol: "cooperative" });
      return await close();
    };
  }, () => {
    if (closing) afterClose.push("sendOffsetsToTransaction");
  });
  const error = await runToFailure(job, clients, {
    // The checkpoint runs in the batch loop (outputs over the high mark), never on the timer.
    checkpointIntervalMs: 60_000,
    maxPendingOutputs: 2,
    restoreTimeoutMs: 500,
  });
  assert(error.cause instanceof RestartableError, String(error.cause));
  assertEquals(afterClose, [], "a failed runner restored or checkpointed while closing");
});

Deno.test("JobRunner: a fatal error of the input consumer ends the run as restartable", async () => {
  const { kafka, job, send } = countingInput();
  await send(0, 20);
  const clients = fakeClients(kafka);
  // As the real consumer's batches() throws a static member's FENCED_INSTANCE_ID.
  const fenced = new KafkaError("Static consumer fenced", { code: 82, fatal: true });
  const input: KafkaClients["input"] = (o) => {
    const consumer = clients.input(o);
    const batches = consumer.batches.bind(consumer);
    consumer.batches = async function* (options) {
      for await (const batch of batches(options)) {
        yield batch;
        throw fenced;
      }
    };
    return consumer;
  };
  const error = await runToFailure(job, { ...clients, input });
  assertEquals(error.cause, fenced);
  assert(isRestartable(error), "RestartingJob restarts it");
});
