import { assert, assertEquals, assertRejects } from "@std/assert";
import { KafkaError } from "@iot/kafka";
import {
  countingInput,
  countingJob,
  failingSeekClients,
  fakeClients,
  fakeRunner,
} from "./fake_kafka_test_util.ts";
import {
  JobFailedError,
  JobRunner,
  type JobRunnerOptions,
  RestartableError,
} from "./job_runner.ts";
import type { KafkaClients } from "./kafka_seam.ts";
import { isRestartable } from "./restarting_job.ts";
import type { JobDefinition } from "./job.ts";
import type { FakeKafka } from "@iot/kafka/testing";

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

/** Runs `job` over `clients` until it fails; returns the failure. */
async function runToFailure(
  kafka: FakeKafka,
  job: JobDefinition,
  clients: KafkaClients,
  options: Partial<JobRunnerOptions> = {},
): Promise<JobFailedError> {
  const { runner, dispose } = await fakeRunner(kafka, job, { clients, ...options });
  try {
    return await assertRejects(() => runner.run(), JobFailedError);
  } finally {
    await dispose();
  }
}

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
  const error = await runToFailure(kafka, job, clients, {
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
  const error = await runToFailure(kafka, job, { ...clients, input });
  assertEquals(error.cause, fenced);
  assert(isRestartable(error), "RestartingJob restarts it");
});
