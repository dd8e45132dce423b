/**
 * State handover across machines: instances with different state directories (and a wiped or
 * stale one) rebuild task state from the changelog topic, and the read_committed outputs still
 * equal the reference exactly.
 */
import { assert, assertEquals } from "@std/assert";
import { startKafka, uniqueName, waitFor } from "@iot/testing";
import { JobRunner, type JobRunnerOptions } from "./runtime/job_runner.ts";
import { deviceAggregatesJob } from "./jobs/device_aggregates.ts";
import { caughtUp } from "./runtime/runtime_test_util.ts";
import type { JobStatus } from "./runtime/status.ts";
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

type Common = Pick<JobRunnerOptions, "job" | "bootstrap" | "groupId">;

function runner(common: Common, stateDir: string, instanceId: string, signal: AbortSignal) {
  return new JobRunner({
    ...common,
    stateDir,
    instanceId,
    checkpointIntervalMs: 100,
    store: { sync: false, maxChain: 3 },
    signal,
    log: () => {},
  });
}

Deno.test("changelog: a missing, stale or wiped state directory is rebuilt from Kafka", async () => {
  await using kafka = await startKafka();
  const config = topicsFor("cl", uniqueName);
  await createTopics(kafka.bootstrap, config);
  const dirA = await Deno.makeTempDir();
  const dirB = await Deno.makeTempDir();
  const common = {
    job: deviceAggregatesJob(config, uniqueName("cl-job")),
    bootstrap: kafka.bootstrap,
    groupId: uniqueName("cl-group"),
  };
  const run = async (stateDir: string, inputs: Input[]): Promise<JobStatus> => {
    const stop = new AbortController();
    const r = runner(common, stateDir, "a", stop.signal);
    const running = r.run();
    await produce(kafka.bootstrap, config.input, inputs);
    try {
      await waitFor(() => caughtUp(kafka.bootstrap, common.groupId, config.input, PARTITIONS), {
        timeoutMs: 30_000,
        intervalMs: 200,
        message: "the job to commit its input",
      });
    } finally {
      stop.abort();
      await running;
    }
    return await r.status();
  };
  try {
    const parts = [31, 32, 33, 34].map((seed, i) => generate(seed, 300, i * 300));
    const restores = [];
    restores.push((await run(dirA, parts[0])).restores); // fresh
    restores.push((await run(dirB, parts[1])).restores); // "another machine": no local state
    restores.push((await run(dirA, parts[2])).restores); // back on A: stale local state
    await Deno.remove(dirA, { recursive: true }); // A's disk wiped
    const last = await run(dirA, parts[3]);
    restores.push(last.restores);
    assertEquals(restores, [
      { empty: PARTITIONS, local: 0, changelog: 0 },
      { empty: 0, local: 0, changelog: PARTITIONS },
      { empty: 0, local: 0, changelog: PARTITIONS },
      { empty: 0, local: 0, changelog: PARTITIONS },
    ]);
    assert(last.changelogRecords > 0);
    const expected = reference(parts.flat());
    assert(expected.aggregates.length > 100, `${expected.aggregates.length} aggregates`);
    assertEquals(await actual(kafka.bootstrap, config), expected);
  } finally {
    await Deno.remove(dirA, { recursive: true }).catch(() => {});
    await Deno.remove(dirB, { recursive: true });
  }
});

Deno.test("changelog: partitions handed over between instances on two machines keep their state", async () => {
  await using kafka = await startKafka();
  const config = topicsFor("clh", uniqueName);
  await createTopics(kafka.bootstrap, config);
  const dirA = await Deno.makeTempDir();
  const dirB = await Deno.makeTempDir();
  const common = {
    job: deviceAggregatesJob(config, uniqueName("clh-job")),
    bootstrap: kafka.bootstrap,
    groupId: uniqueName("clh-group"),
  };
  const stop = new AbortController();
  const a = runner(common, dirA, "a", stop.signal);
  const b = runner(common, dirB, "b", stop.signal);
  const runs = [a.run()];
  const caught = () => caughtUp(kafka.bootstrap, common.groupId, config.input, PARTITIONS);
  const owned = async (r: JobRunner) => (await r.status()).tasks.length;
  try {
    const first = generate(41, 600);
    const second = generate(42, 600, 600);
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
    assert((await b.status()).restores.changelog > 0, "b rebuilt moved tasks from the changelog");
    assertEquals(await actual(kafka.bootstrap, config), reference([...first, ...second]));
  } finally {
    stop.abort();
    await Promise.allSettled(runs);
    await Deno.remove(dirA, { recursive: true });
    await Deno.remove(dirB, { recursive: true });
  }
});
