/**
 * `readings-by-device` + `device-aggregates` end to end against a real broker: a seeded dataset
 * with out-of-order, late, invalid and far-future records is validated and keyed by device, then
 * aggregated, with exactly-once on, and every read_committed output topic is compared with a
 * reference evaluator written as a plain batch computation.
 */
import { assert, assertEquals } from "@std/assert";
import { startKafka, uniqueName, waitFor } from "@iot/testing";
import {
  actual,
  createTopics,
  forwardedCount,
  generate,
  type Input,
  Pipeline,
  pipelineDone,
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
  const name = uniqueName("da-job");
  const seen: Input[] = [];
  const run = async (inputs: Input[]) => {
    seen.push(...inputs);
    const stop = new AbortController();
    const pipeline = new Pipeline(config, name, group, {
      bootstrap: kafka.bootstrap,
      stateDir,
      checkpointIntervalMs: 100,
      store: { sync: false, maxChain: 3 },
      signal: stop.signal,
      log: () => {},
    });
    const running = pipeline.run();
    await produce(kafka.bootstrap, config.readings, inputs);
    try {
      await waitFor(() => pipelineDone(kafka.bootstrap, [pipeline], forwardedCount(seen)), {
        timeoutMs: 30_000,
        intervalMs: 200,
        message: "the jobs to commit the whole input",
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
  const group = uniqueName("hand-group");
  const name = uniqueName("hand-job");
  const stop = new AbortController();
  const instance = (instanceId: string) =>
    new Pipeline(config, name, group, {
      bootstrap: kafka.bootstrap,
      stateDir,
      instanceId,
      checkpointIntervalMs: 100,
      store: { sync: false },
      signal: stop.signal,
      log: () => {},
    });
  const a = instance("a"), b = instance("b");
  const runs = [a.run()];
  const owned = async (p: Pipeline) => (await p.aggregates.status()).tasks.length;
  try {
    const first = generate(21, 600);
    const second = generate(22, 600, 600);
    await produce(kafka.bootstrap, config.readings, first);
    await waitFor(() => pipelineDone(kafka.bootstrap, [a], forwardedCount(first)), {
      timeoutMs: 30_000,
      intervalMs: 200,
      message: "instance a",
    });
    runs.push(b.run());
    await waitFor(async () => await owned(b) > 0 && await owned(a) > 0, {
      timeoutMs: 30_000,
      message: "partitions to be shared by both instances",
    });
    await produce(kafka.bootstrap, config.readings, second);
    const all = [...first, ...second];
    await waitFor(() => pipelineDone(kafka.bootstrap, [a, b], forwardedCount(all)), {
      timeoutMs: 30_000,
      intervalMs: 200,
      message: "both instances",
    });
    stop.abort();
    await Promise.all(runs);
    const expected = reference(all);
    const got = await actual(kafka.bootstrap, config);
    assertEquals(got, expected);
  } finally {
    stop.abort();
    await Promise.allSettled(runs);
    await Deno.remove(stateDir, { recursive: true });
  }
});
