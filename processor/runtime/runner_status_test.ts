import { assert, assertEquals } from "@std/assert";
import { FakeKafka, FakeProducer } from "@iot/kafka/testing";
import { waitFor } from "@iot/testing";
import { countingJob, fakeRunner } from "./fake_kafka_test_util.ts";

Deno.test("JobRunner status: an idle, fully consumed transactional input shows lag 0", async () => {
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
  const { runner, dispose } = await fakeRunner(kafka, job);
  const running = runner.run();
  try {
    await waitFor(async () => (await runner.status()).checkpoints > 0, { intervalMs: 5 });
    const status = await runner.status();
    // Two records at offsets 0 and 1, the commit marker at 2: nothing is left to consume.
    assertEquals(kafka.log("in", 0).high, 3);
    assertEquals(status.tasks.map((t) => [t.offset, t.lag]), [[2, 0]]);
    assertEquals(status.recordsIn, 2);
    assert(status.lastCheckpointDurationMs !== null && status.lastCheckpointDurationMs >= 0);
  } finally {
    await dispose(running);
  }
  const after = await runner.status();
  assertEquals([after.tasks.length, after.checkpoints > 0], [0, true]);
});
