import { assertEquals, assertRejects } from "@std/assert";
import { FakeKafka, FakeProducer, readAll } from "@iot/kafka/testing";
import { waitFor } from "@iot/testing";
import { countingJob, fakeClients, fakeRunner } from "./fake_kafka_test_util.ts";
import { JobFailedError } from "./runner_options.ts";

const decoder = new TextDecoder();

Deno.test("input loop: records of interleaved partitions reach their own tasks, in order", async () => {
  const kafka = new FakeKafka();
  const job = countingJob(3);
  for (const t of job.topics) kafka.createTopic(t.name, t.partitions);
  const upstream = new FakeProducer(kafka);
  // One key everywhere: each partition's task counts its own records only.
  await upstream.sendAll(
    Array.from({ length: 30 }, (_, i) => ({ topic: "in", partition: i % 3, key: "k", value: "x" })),
  );
  const { runner, dispose } = await fakeRunner(kafka, job);
  const running = runner.run();
  try {
    await waitFor(() => readAll(kafka, "out").length === 30, { intervalMs: 5 });
    assertEquals((await runner.status()).recordsIn, 30);
  } finally {
    await dispose(running);
  }
  for (let p = 0; p < 3; p++) {
    assertEquals(
      readAll(kafka, "out").filter((r) => r.partition === p).map((r) => decoder.decode(r.value!)),
      Array.from({ length: 10 }, (_, n) => `k=${n + 1}@${n}`),
    );
  }
});

Deno.test("input loop: a record of a partition without a task fails the run", async () => {
  const kafka = new FakeKafka();
  const job = countingJob(1);
  for (const t of job.topics) kafka.createTopic(t.name, t.partitions);
  await new FakeProducer(kafka).sendAll([{ topic: "in", key: "k", value: "x" }]);
  const clients = fakeClients(kafka);
  // The runner never hears of the assignment, so it opens no task: the record has nowhere to go.
  const input: typeof clients.input = (o) =>
    clients.input({
      ...o,
      onRebalance: (e) => e.type === "assigned" ? Promise.resolve() : o.onRebalance(e),
    });
  const { runner, dispose } = await fakeRunner(kafka, job, { clients: { ...clients, input } });
  try {
    await assertRejects(() => runner.run(), JobFailedError, "which has no task");
  } finally {
    await dispose();
  }
});
