/**
 * The `readings-by-device` stage against a real broker, running with `device-aggregates` and
 * `overheating` on its output as in production: readings keyed wrongly, not at all, or placed on
 * another partition than the producer's partitioner would (kcat's default) still give exactly
 * one aggregate per device and window; a bad record is dead-lettered once across all jobs; a
 * far-future reading is dead-lettered as `future-timestamp` without moving any watermark.
 */
import { assert, assertEquals } from "@std/assert";
import { startKafka, uniqueName, waitFor } from "@iot/testing";
import { type ConsumerRecord, Producer, type ProducerRecord } from "@iot/kafka";
import { JobRunner } from "./runtime/job_runner.ts";
import { caughtUp, readCommitted } from "./runtime/runtime_test_util.ts";
import { deadLetterHeaders } from "./runtime/dead_letter.ts";
import { overheatingJob } from "./jobs/overheating.ts";
import { keyPartition } from "./jobs/key_partitioner.ts";
import { SOURCE_HEADER, sourcesOf } from "./jobs/record_source.ts";
import { climateJobs, createTopics, PARTITIONS as P, topicsFor } from "./jobs/climate_test_util.ts";

const T0 = Date.UTC(2025, 6, 22, 22, 0, 0);
const text = (b: Uint8Array | null) => new TextDecoder().decode(b ?? new Uint8Array());
const header = (r: ConsumerRecord, name: string) => text(r.headers.find(([n]) => n === name)![1]);
const devices = ["d0", "d1", "d2", "d3", "d4", "d5"];
const reading = (deviceId: string, ts: number) =>
  JSON.stringify({ deviceId, ts: new Date(ts).toISOString(), temperature: 20, humidity: 40 });

/** 120 s of readings per device, each placed one of four ways in turn. */
function misplaced(topic: string): ProducerRecord[] {
  const records: ProducerRecord[] = [];
  for (let s = 0; s < 120; s++) {
    devices.forEach((device, i) => {
      const home = keyPartition(device, P);
      const value = reading(device, T0 + s * 1000);
      const way = (s + i) % 4;
      if (way === 0) records.push({ topic, key: null, value, partition: (s + i) % P });
      else if (way === 1) {
        records.push({ topic, key: "gateway-7", value, partition: (home + 1) % P });
      } else if (way === 2) records.push({ topic, key: device, value, partition: (home + 2) % P });
      else records.push({ topic, key: device, value, partition: home });
    });
  }
  return records;
}

Deno.test("readings-by-device: misplaced readings give one aggregate per device and window; bad ones one dead letter", async () => {
  await using kafka = await startKafka();
  // A bound above the data's span: the shuffle's interleaving cannot make a reading late, so
  // every window is complete; a final reading per device then closes them all.
  const config = { ...topicsFor("kb", uniqueName), maxOutOfOrdernessMs: 200_000 };
  await createTopics(kafka.bootstrap, config);
  const t = { alerts: uniqueName("kb-alerts"), commands: uniqueName("kb-cmd") };
  const name = uniqueName("kb");
  const group = uniqueName("kb-group");
  const [stage, aggregates] = climateJobs(config, name);
  const overheating = overheatingJob({
    ...t,
    input: config.input,
    deadLetter: config.deadLetter,
    windowMs: 30_000,
    slideMs: 5_000,
    threshold: 40,
    margin: 2,
    maxOutOfOrdernessMs: 1_000,
    commandTtlMs: 60_000,
    partitions: P,
  }, `${name}-oh`);
  const stateDir = await Deno.makeTempDir();
  const stop = new AbortController();
  const runners = [stage, aggregates, overheating].map((job) =>
    new JobRunner({
      job,
      bootstrap: kafka.bootstrap,
      stateDir,
      groupId: `${group}-${job.name}`,
      checkpointIntervalMs: 100,
      store: { sync: false },
      signal: stop.signal,
      log: () => {},
    })
  );
  const runs = runners.map((r) => r.run());
  await using producer = new Producer({ config: { "bootstrap.servers": kafka.bootstrap } });
  const consumed = async (n: number) => {
    for (const runner of runners.slice(1)) {
      const tasks = (await runner.status()).tasks.filter((task) => task.topic === config.input);
      const total = tasks.reduce((sum, task) => sum + task.recordsIn, 0);
      if (total !== n || tasks.some((task) => task.pendingOutputs > 0)) return false;
    }
    return await caughtUp(kafka.bootstrap, `${group}-${stage.name}`, config.readings, P);
  };
  try {
    const home0 = keyPartition("d0", P);
    const future = Date.now() + 86_400_000;
    const first: ProducerRecord[] = [
      // A device clock a day ahead, first on its partition; and one unreadable record.
      { topic: config.readings, key: "d0", value: reading("d0", future), partition: home0 },
      { topic: config.readings, key: "d1", value: "{garbage", partition: 0 },
      ...misplaced(config.readings),
    ];
    await producer.sendBatch(first);
    await waitFor(() => consumed(first.length - 2), {
      timeoutMs: 30_000,
      intervalMs: 200,
      message: "the jobs to take the readings",
    });
    const closing = devices.map((device) => ({
      topic: config.readings,
      key: device,
      value: reading(device, T0 + 1_000_000),
      partition: keyPartition(device, P),
    }));
    await producer.sendBatch(closing);
    await waitFor(() => consumed(first.length - 2 + closing.length), {
      timeoutMs: 30_000,
      intervalMs: 200,
      message: "the jobs to take the closing readings",
    });
    const watermarks = (await runners[1].status()).tasks.map((task) => task.watermarkMs);
    stop.abort();
    await Promise.all(runs);

    const windows = (await readCommitted(kafka.bootstrap, config.output, P)).map((r) =>
      JSON.parse(text(r.value))
    );
    const ids = windows.map((w) => `${w.deviceId}@${w.windowStart}`);
    assertEquals(new Set(ids).size, ids.length, "one aggregate per device and window");
    assertEquals(windows.length, devices.length * 12);
    assert(windows.every((w) => w.count === 10), "every window holds all its readings");
    assertEquals((await readCommitted(kafka.bootstrap, config.late, P)).length, 0);
    // Each forwarded reading names its source, the input partition it came from (downstream
    // event time is the minimum over sources).
    const byDevice = await readCommitted(kafka.bootstrap, config.input, P);
    const sources = new Set(byDevice.map((r) => header(r, SOURCE_HEADER)));
    assertEquals([...sources].sort(), sourcesOf(config.readings, P));
    // The future reading moved no watermark: the closing readings' time is the highest seen.
    assertEquals(Math.max(...watermarks.map((w) => w ?? -Infinity)), T0 + 1_000_000 - 200_000);

    const dead = await readCommitted(kafka.bootstrap, config.deadLetter, P);
    const reasons = dead.map((r) =>
      `${header(r, deadLetterHeaders.code)}:${header(r, deadLetterHeaders.job)}`
    ).sort();
    assertEquals(reasons, [`future-timestamp:${stage.name}`, `invalid-json:${stage.name}`]);
    const futureLetter = dead.find((r) =>
      header(r, deadLetterHeaders.code) === "future-timestamp"
    )!;
    assert(header(futureLetter, deadLetterHeaders.reason).includes("maxFutureMs 300000"));
    assertEquals(header(futureLetter, deadLetterHeaders.topic), config.readings);
    assertEquals(header(futureLetter, deadLetterHeaders.offset), "0");
  } finally {
    stop.abort();
    await Promise.allSettled(runs);
    await Deno.remove(stateDir, { recursive: true });
  }
});
