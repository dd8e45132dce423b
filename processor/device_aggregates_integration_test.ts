/**
 * `device-aggregates` end to end against a real broker: a seeded dataset with out-of-order,
 * late and invalid records is processed with exactly-once on, and every read_committed output
 * topic is compared with a reference evaluator written as a plain batch computation.
 */
import { assert, assertEquals } from "@std/assert";
import { startKafka, uniqueName, waitFor } from "@iot/testing";
import { JobRunner } from "./runtime/job_runner.ts";
import { deviceAggregatesJob } from "./jobs/device_aggregates.ts";
import { caughtUp } from "./runtime/runtime_test_util.ts";
import {
  actual,
  createTopics,
  generate,
  type Input,
  PARTITIONS,
  produce,
  reference,
  topicsFor,
} from "./jobs/climate_test_util.ts";

Deno.test("device-aggregates: exactly-once results equal the reference, across a restart", async () => {
  await using kafka = await startKafka();
  const config = topicsFor("da", uniqueName);
  await createTopics(kafka.bootstrap, config);
  const stateDir = await Deno.makeTempDir();
  const group = uniqueName("da-group");
  const job = deviceAggregatesJob(config, uniqueName("da-job"));
  const run = async (inputs: Input[]) => {
    const stop = new AbortController();
    const runner = new JobRunner({
      job,
      bootstrap: kafka.bootstrap,
      stateDir,
      groupId: group,
      checkpointIntervalMs: 100,
      store: { sync: false, maxChain: 3 },
      signal: stop.signal,
      log: () => {},
    });
    const running = runner.run();
    await produce(kafka.bootstrap, config.input, inputs);
    try {
      await waitFor(() => caughtUp(kafka.bootstrap, group, config.input, PARTITIONS), {
        timeoutMs: 30_000,
        intervalMs: 200,
        message: "the job to commit the whole input",
      });
    } finally {
      stop.abort();
      await running;
    }
  };
  try {
    const first = generate(7, 800);
    const second = generate(8, 800, 800);
    await run(first);
    await run(second);
    const expected = reference([...first, ...second]);
    assert(expected.aggregates.length > 100, `${expected.aggregates.length} aggregates`);
    assert(expected.late.length > 20, `${expected.late.length} late`);
    assert(expected.deadLetters.length > 10, `${expected.deadLetters.length} dead letters`);
    const got = await actual(kafka.bootstrap, config);
    assertEquals(got.deadLetters.length, expected.deadLetters.length);
    assertEquals(got.late, expected.late);
    assertEquals(got.aggregates.length, expected.aggregates.length);
    assertEquals(got.aggregates, expected.aggregates);
    assertEquals(got.deadLetters, expected.deadLetters);
  } finally {
    await Deno.remove(stateDir, { recursive: true });
  }
});

Deno.test("device-aggregates: partitions handed over to a second instance keep their state", async () => {
  await using kafka = await startKafka();
  const config = topicsFor("hand", uniqueName);
  await createTopics(kafka.bootstrap, config);
  const stateDir = await Deno.makeTempDir(); // shared by both instances, as on one machine
  const groupId = uniqueName("hand-group");
  const job = deviceAggregatesJob(config, uniqueName("hand-job"));
  const stop = new AbortController();
  const runner = (instanceId: string) =>
    new JobRunner({
      job,
      bootstrap: kafka.bootstrap,
      stateDir,
      groupId,
      instanceId,
      checkpointIntervalMs: 100,
      store: { sync: false },
      signal: stop.signal,
      log: () => {},
    });
  const a = runner("a"), b = runner("b");
  const runs = [a.run()];
  const caught = () => caughtUp(kafka.bootstrap, groupId, config.input, PARTITIONS);
  const owned = async (r: JobRunner) => (await r.status()).tasks.length;
  try {
    const first = generate(21, 600);
    const second = generate(22, 600, 600);
    await produce(kafka.bootstrap, config.input, first);
    await waitFor(caught, { timeoutMs: 30_000, intervalMs: 200, message: "instance a" });
    runs.push(b.run());
    await waitFor(async () => await owned(b) > 0 && await owned(a) > 0, {
      timeoutMs: 30_000,
      message: "partitions to be shared by both instances",
    });
    await produce(kafka.bootstrap, config.input, second);
    await waitFor(caught, { timeoutMs: 30_000, intervalMs: 200, message: "both instances" });
    stop.abort();
    await Promise.all(runs);
    const expected = reference([...first, ...second]);
    const got = await actual(kafka.bootstrap, config);
    assertEquals(got, expected);
  } finally {
    stop.abort();
    await Promise.allSettled(runs);
    await Deno.remove(stateDir, { recursive: true });
  }
});
