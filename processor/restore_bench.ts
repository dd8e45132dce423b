/**
 * Restore of one task with many keys (`deno task bench:checkpoint`, its restore half): a
 * `device-aggregates` task is fed one reading per device (one open window per key), checkpointed
 * as a base to local disk and to a changelog topic, then rebuilt by a fresh task from each, the
 * way the runtime does on assignment (`Task.restore`). Prints the times and checks that the
 * rebuilt state equals the original (the same snapshot).
 *
 * @module
 */
import { type ConsumerRecord, Producer } from "@iot/kafka";
import { deviceAggregatesJob } from "./jobs/device_aggregates.ts";
import { changelogPlace, changelogTopic } from "./runtime/changelog.ts";
import { readChangelog } from "./runtime/changelog_reader.ts";
import { kafkaClients } from "./runtime/kafka_clients.ts";
import { Task } from "./runtime/task.ts";
import { TaskStore } from "./state/task_store.ts";

/** Writing and restoring a base checkpoint of one data file format. */
export interface FormatFigures {
  /** Bytes of the local base checkpoint. */
  checkpointBytes: number;
  /** Writing the base checkpoint (capture + files), ms. */
  writeMs: number;
  /** Restore from the local checkpoint (open the store, read, decode, apply), ms. */
  localMs: number;
}

/** Figures of one restore measurement. */
export interface RestoreFigures {
  /** The same task written and restored in the old JSON format (version 1), the baseline. */
  json: FormatFigures;
  /** Keys in the task's state. */
  keys: number;
  /** Bytes of the local base checkpoint. */
  checkpointBytes: number;
  /** Writing the base checkpoint (capture + files), ms. */
  writeMs: number;
  /** Restore from the local checkpoint (open the store, read, decode, apply), ms. */
  localMs: number;
  /** Restore from the changelog (read the partition, fold, apply, write a local base), ms. */
  changelogMs: number | null;
  /** Of `changelogMs`: reading and folding the changelog partition, ms. */
  changelogReadMs: number | null;
  /** Whether both restored states equal the original. */
  equal: boolean;
}

const encoder = new TextEncoder();
const INPUT = "bench-readings";

function job(output: string) {
  return deviceAggregatesJob({
    input: INPUT,
    output,
    late: `${output}-late`,
    deadLetter: `${output}-dlq`,
    windowMs: 60_000,
    maxOutOfOrdernessMs: 30_000,
    allowedLatenessMs: 0,
    partitions: 1,
  }, "restore-bench");
}

/** A task of the bench's job, and a way to see its whole state (full operator snapshots). */
async function task(
  dir: string,
  topic: string | null,
  format: "binary" | "json" = "binary",
): Promise<Task & { state(): string }> {
  const place = topic === null ? null : changelogPlace(topic, [INPUT], INPUT, 0);
  const logic = job("out").createTask(INPUT, 0);
  const t = new Task({
    topic: INPUT,
    partition: 0,
    job: "restore-bench",
    deadLetterTopic: "dlq",
    logic,
    store: await TaskStore.open(dir, { sync: false, format }),
    changelog: place,
  });
  const state = () =>
    JSON.stringify(
      Object.fromEntries(Object.entries(logic.operators).map(([n, op]) => [n, op.snapshot()])),
    );
  return Object.assign(t, { state });
}

/**
 * Measures restore of a task holding `keys` devices' windows, from local disk and, with
 * `bootstrap`, from a changelog topic there.
 */
export async function measureRestore(keys: number, bootstrap?: string): Promise<RestoreFigures> {
  const dir = await Deno.makeTempDir({ prefix: "restore-bench-" });
  const topic = bootstrap === undefined ? null : changelogTopic(`restore-${Date.now()}`, "bench");
  try {
    const original = await task(`${dir}/a`, topic);
    const json = await task(`${dir}/j`, null, "json");
    await json.restore(null);
    await original.restore(null);
    const t0 = Date.now() - 3_600_000;
    for (let i = 0; i < keys; i++) {
      const deviceId = `device-${i}`;
      const value = `{"deviceId":"${deviceId}","ts":"${new Date(t0 + (i % 1000)).toISOString()}",` +
        `"temperature":${20 + (i % 100) / 10},"humidity":${40 + (i % 200) / 10}}`;
      const record: ConsumerRecord = {
        topic: INPUT,
        partition: 0,
        offset: i,
        key: encoder.encode(deviceId),
        value: encoder.encode(value),
        timestamp: t0,
        timestampType: "create",
        headers: [],
      };
      original.process(record);
      json.process(record);
    }
    original.takeOutputs();
    json.takeOutputs();
    let started = performance.now();
    const jsonManifest = await json.writeCheckpoint(json.captureCheckpoint());
    const jsonWriteMs = performance.now() - started;
    await json.committed(jsonManifest);
    await json.close();
    started = performance.now();
    const input = original.captureCheckpoint();
    const manifest = await original.writeCheckpoint(input);
    await original.committed(manifest);
    const writeMs = performance.now() - started;
    const expected = original.state();

    // Local: what the runtime does on assignment with a matching checkpoint on disk; the old
    // format first, then the new one (page cache warm for both: each was just written).
    const restoreLocal = async (dir: string) => {
      const started = performance.now();
      const local = await task(dir, null);
      await local.restore(keys);
      const ms = performance.now() - started;
      const equal = local.state() === expected;
      await local.close();
      return { ms, equal };
    };
    const fromJson = await restoreLocal(`${dir}/j`);
    const fromBinary = await restoreLocal(`${dir}/a`);
    const localMs = fromBinary.ms;
    let equal = fromJson.equal && fromBinary.equal;

    let changelogMs: number | null = null, changelogReadMs: number | null = null;
    if (bootstrap !== undefined && topic !== null) {
      const clients = kafkaClients({ bootstrap });
      {
        await using admin = clients.admin();
        await admin.createTopics([{
          name: topic,
          partitions: 1,
          config: { "cleanup.policy": "compact" },
        }]);
      }
      {
        await using producer = new Producer({
          config: { "bootstrap.servers": bootstrap, "linger.ms": 20, "transactional.id": topic },
        });
        await producer.initTransactions();
        producer.beginTransaction();
        await producer.sendAll(original.changelogRecords(input));
        await producer.commitTransaction();
      }
      const place = changelogPlace(topic, [INPUT], INPUT, 0);
      started = performance.now();
      const fromChangelog = await task(`${dir}/b`, topic);
      await fromChangelog.restore(keys, async () => {
        const read = performance.now();
        const state = await readChangelog(place, {
          clients,
          groupId: `${topic}-r`,
          timeoutMs: 300_000,
        });
        changelogReadMs = performance.now() - read;
        return state;
      });
      changelogMs = performance.now() - started;
      equal &&= fromChangelog.state() === expected;
      await fromChangelog.close();
    }
    await original.close();
    return {
      json: { checkpointBytes: jsonManifest.bytes, writeMs: jsonWriteMs, localMs: fromJson.ms },
      keys,
      checkpointBytes: manifest.bytes,
      writeMs,
      localMs,
      changelogMs,
      changelogReadMs,
      equal,
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const keys = Number(Deno.args[0] ?? 1_000_000);
  console.log(JSON.stringify(await measureRestore(keys, Deno.args[1])));
}
