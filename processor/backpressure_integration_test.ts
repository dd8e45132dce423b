/**
 * Backpressure against a real broker: with tiny high/low-water marks (every flush is a
 * transaction commit, slow next to processing), the runner pauses and resumes its input many times, and the read_committed outputs still equal
 * the reference exactly (nothing lost or duplicated across pause/resume).
 */
import { assert, assertEquals } from "@std/assert";
import { startKafka, uniqueName, waitFor } from "@iot/testing";
import { Producer } from "@iot/kafka";
import { JobRunner } from "./runtime/job_runner.ts";
import { deviceAggregatesJob } from "./jobs/device_aggregates.ts";
import { caughtUp } from "./runtime/runtime_test_util.ts";
import {
  actual,
  createTopics,
  generate,
  PARTITIONS,
  produce,
  reference,
  topicsFor,
} from "./jobs/climate_test_util.ts";

Deno.test("backpressure: pauses and resumes the input without losing or duplicating results", async () => {
  await using kafka = await startKafka();
  const config = topicsFor("bp", uniqueName);
  await createTopics(kafka.bootstrap, config);
  const stateDir = await Deno.makeTempDir();
  const groupId = uniqueName("bp-group");
  const stop = new AbortController();
  const paused: boolean[] = [];
  const runner = new JobRunner({
    job: deviceAggregatesJob(config, uniqueName("bp-job")),
    bootstrap: kafka.bootstrap,
    stateDir,
    groupId,
    checkpointIntervalMs: 60_000, // only backpressure triggers checkpoints
    maxPendingOutputs: 20,
    resumePendingOutputs: 5,
    // Small fetches: the input arrives in many small batches, like a slow trickle.
    consumerConfig: { "max.partition.fetch.bytes": 2048 },
    store: { sync: false },
    signal: stop.signal,
    log: (m) => m.includes("paused input") && paused.push(true),
  });
  const running = runner.run();
  try {
    const inputs = generate(51, 1200);
    await produce(kafka.bootstrap, config.input, []);
    {
      // Many small record batches, so that small fetches yield many small consumer batches.
      await using producer = new Producer({
        config: { "bootstrap.servers": kafka.bootstrap, "linger.ms": 0 },
      });
      for (let i = 0; i < inputs.length; i += 60) {
        await producer.sendBatch(
          inputs.slice(i, i + 60).map((r) => ({ topic: config.input, ...r })),
        );
      }
    }
    // The group commits the end of the input only at checkpoints; the last outputs (below the
    // high-water mark) commit with the final checkpoint, so wait for the records to be read.
    await waitFor(async () => (await runner.status()).recordsIn === inputs.length, {
      timeoutMs: 30_000,
      intervalMs: 100,
      message: "the job to read its input",
    });
    stop.abort();
    await running;
    assert(await caughtUp(kafka.bootstrap, groupId, config.input, PARTITIONS));
    const status = await runner.status();
    assertEquals(await actual(kafka.bootstrap, config), reference(inputs));
    assert(status.pauses > 5, `${status.pauses} pauses`);
    assertEquals(status.paused, false);
    assertEquals(paused.length, status.pauses);
  } finally {
    stop.abort();
    await running.catch(() => {});
    await Deno.remove(stateDir, { recursive: true });
  }
});
