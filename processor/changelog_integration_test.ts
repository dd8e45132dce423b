/**
 * State handover across machines: instances with different state directories (and a wiped or
 * stale one) rebuild task state from the changelog topic, and the read_committed outputs still
 * equal the reference exactly.
 */
import { assert, assertEquals } from "@std/assert";
import { startKafka, uniqueName, waitFor } from "@iot/testing";
import type { JobStatus } from "./runtime/status.ts";
import {
  actual,
  type ClimateTestConfig,
  createTopics,
  forwardedCount,
  generate,
  type Input,
  PARTITIONS,
  Pipeline,
  pipelineDone,
  produce,
  reference,
  topicsFor,
} from "./jobs/climate_test_util.ts";

type Common = { config: ClimateTestConfig; name: string; group: string; bootstrap: string };

/** An instance of the pipeline; `device-aggregates` is the stateful job under test. */
function pipeline(common: Common, stateDir: string, instanceId: string, signal: AbortSignal) {
  return new Pipeline(common.config, common.name, common.group, {
    bootstrap: common.bootstrap,
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
    config,
    name: uniqueName("cl-job"),
    bootstrap: kafka.bootstrap,
    group: uniqueName("cl-group"),
  };
  const seen: Input[] = [];
  const run = async (stateDir: string, inputs: Input[]): Promise<JobStatus> => {
    seen.push(...inputs);
    const stop = new AbortController();
    const p = pipeline(common, stateDir, "a", stop.signal);
    const running = p.run();
    await produce(kafka.bootstrap, config.readings, inputs);
    try {
      await waitFor(() => pipelineDone(kafka.bootstrap, [p], forwardedCount(seen)), {
        timeoutMs: 30_000,
        intervalMs: 200,
        message: "the jobs to commit their input",
      });
    } finally {
      stop.abort();
      await running;
    }
    return await p.aggregates.status();
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
    config,
    name: uniqueName("clh-job"),
    bootstrap: kafka.bootstrap,
    group: uniqueName("clh-group"),
  };
  const stop = new AbortController();
  const a = pipeline(common, dirA, "a", stop.signal);
  const b = pipeline(common, dirB, "b", stop.signal);
  const runs = [a.run()];
  const owned = async (p: Pipeline) => (await p.aggregates.status()).tasks.length;
  try {
    const first = generate(41, 600);
    const second = generate(42, 600, 600);
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
    assert(
      (await b.aggregates.status()).restores.changelog > 0,
      "b rebuilt moved tasks from the changelog",
    );
    assertEquals(await actual(kafka.bootstrap, config), reference([...first, ...second]));
  } finally {
    stop.abort();
    await Promise.allSettled(runs);
    await Deno.remove(dirA, { recursive: true });
    await Deno.remove(dirB, { recursive: true });
  }
});
