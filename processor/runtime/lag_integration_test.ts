/**
 * Lag against a real broker: on a transactional input the commit marker occupies the offset
 * after the last record, so an idle, fully consumed partition must still show lag 0.
 */
import { assertEquals } from "@std/assert";
import { Producer } from "@iot/kafka";
import { startKafka, uniqueName, waitFor } from "@iot/testing";
import { countingJob } from "./fake_kafka_test_util.ts";
import { JobRunner } from "./job_runner.ts";

Deno.test("JobRunner: an idle transactional input shows lag 0 on a real broker", async () => {
  await using kafka = await startKafka();
  const job = countingJob(1, `${uniqueName("lag")}-`);
  const stateDir = await Deno.makeTempDir();
  const stop = new AbortController();
  const runner = new JobRunner({
    job,
    bootstrap: kafka.bootstrap,
    stateDir,
    groupId: uniqueName("lag-group"),
    checkpointIntervalMs: 100,
    store: { sync: false },
    signal: stop.signal,
    log: () => {},
  });
  const running = runner.run();
  try {
    {
      await using upstream = new Producer({
        config: { "bootstrap.servers": kafka.bootstrap, "transactional.id": uniqueName("up") },
      });
      await upstream.initTransactions();
      upstream.beginTransaction();
      await upstream.sendAll([0, 1, 2].map((i) => ({
        topic: job.inputs[0],
        partition: 0,
        key: "k",
        value: `${i}`,
      })));
      await upstream.commitTransaction();
    }
    await waitFor(async () => {
      const [task] = (await runner.status()).tasks;
      return task?.offset === 3 && task.lag === 0;
    }, { timeoutMs: 20_000, intervalMs: 100, message: "offset 3 with lag 0" });
    const [task] = (await runner.status()).tasks;
    assertEquals([task.offset, task.lag], [3, 0]);
  } finally {
    stop.abort();
    await running.catch(() => {});
    await Deno.remove(stateDir, { recursive: true });
  }
});
