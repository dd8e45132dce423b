/**
 * Restore of one task with many keys (`deno task bench:checkpoint`, its restore half): a
 * `device-aggregates` task is fed one reading per device (one open window per key), checkpointed
 * as a base to local disk and to a changelog topic, then rebuilt by a fresh task from each, the
 * way the runtime does on assignment (`Task.restore`); local restores run in a process of their
 * own, as after a restart, alternating: lazily (the default: a key's state is built on first
 * use) and eagerly (every key built at restore, the baseline). So that the lazy restore's
 * deferred cost is not hidden, each local restore then processes one reading for every key (all
 * keys touched, none fires; the records are built outside the timing) and times that too. Prints
 * the times and checks that each rebuilt state equals the original, and the touched states each
 * other (the same snapshot digest).
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

/** A local restore's figures. */
export interface LocalFigures {
  /** Restore from the local checkpoint (open the store, read, decode, apply or index), ms. */
  localMs: number;
  /** After the restore: one reading for every key (all keys touched, none fires), ms. */
  touchMs: number;
}

/** Figures of one restore measurement (the top-level local ones are the lazy restore's). */
export interface RestoreFigures extends LocalFigures {
  /** The same file restored eagerly (every key built at restore): the lazy one's baseline. */
  eager: LocalFigures;
  /** Keys in the task's state. */
  keys: number;
  /** Bytes of the local base checkpoint. */
  checkpointBytes: number;
  /** Writing the base checkpoint (capture + file), ms. */
  writeMs: number;
  /** Restore from the changelog (read the partition, fold, apply, write a local base), ms. */
  changelogMs: number | null;
  /** Of `changelogMs`: reading and folding the changelog partition, ms. */
  changelogReadMs: number | null;
  /** Whether every restored state equals the original, and the touched states each other. */
  equal: boolean;
  /**
   * The floor of any restore that rebuilds a `Map` of live state: inserting `keys` small objects
   * (one per key) into a `Map`, in a fresh process like the local restores, ms.
   */
  mapFloorMs: number;
}

/** How a local restore is done. */
type Mode = "lazy" | "eager";

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
  eagerRestore = false,
): Promise<Task & { state(): string }> {
  const place = topic === null ? null : changelogPlace(topic, [INPUT], INPUT, 0);
  const logic = job("out").createTask(INPUT, 0);
  const t = new Task({
    topic: INPUT,
    partition: 0,
    job: "restore-bench",
    deadLetterTopic: "dlq",
    logic,
    store: await TaskStore.open(dir, { sync: false }),
    changelog: place,
    eagerRestore,
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
export async function measureRestore(
  keys: number,
  bootstrap?: string,
  keep?: string,
): Promise<RestoreFigures> {
  // `keep`: the checkpoint stays in `${keep}/a`, e.g. to profile a restore.
  const dir = keep ?? await Deno.makeTempDir({ prefix: "restore-bench-" });
  const topic = bootstrap === undefined ? null : changelogTopic(`restore-${Date.now()}`, "bench");
  try {
    const original = await task(`${dir}/a`, topic);
    await original.restore(null);
    const t0 = Date.now() - 3_600_000;
    feed(original, keys, t0, 0);
    let started = performance.now();
    const input = original.captureCheckpoint();
    const manifest = await original.writeCheckpoint(input);
    await original.committed(manifest);
    const writeMs = performance.now() - started;
    const expected = await digest(original.state());

    // Local: what the runtime does on assignment after a restart with a matching checkpoint on
    // disk, each in a fresh process (as after a restart), alternating.
    const locals = { lazy: [], eager: [] } as Record<Mode, Local[]>;
    const floor: number[] = [];
    for (let round = 0; round < 2; round++) {
      for (
        const mode of round % 2 === 0 ? ["lazy", "eager"] as const : ["eager", "lazy"] as const
      ) {
        locals[mode].push(await restoreInProcess(`${dir}/a`, keys, mode, t0));
      }
      floor.push((await restoreInProcess("--floor", keys, "eager", t0)).ms);
    }
    const all = [...locals.lazy, ...locals.eager];
    let equal = all.every((r) => r.digest === expected && r.touched === all[0].touched);
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
      equal &&= await digest(fromChangelog.state()) === expected;
      await fromChangelog.close();
    }
    await original.close();
    const figures = (rs: Local[]): LocalFigures => ({
      localMs: mean(rs.map((r) => r.ms)),
      touchMs: mean(rs.map((r) => r.touchMs)),
    });
    return {
      ...figures(locals.lazy),
      eager: figures(locals.eager),
      keys,
      checkpointBytes: manifest.bytes,
      writeMs,
      mapFloorMs: mean(floor),
      changelogMs,
      changelogReadMs,
      equal,
    };
  } finally {
    if (keep === undefined) await Deno.remove(dir, { recursive: true });
  }
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

async function digest(text: string): Promise<string> {
  const hash = await crypto.subtle.digest("SHA-256", encoder.encode(text));
  return Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * One reading for each of `keys` devices, at `t0` plus at most 999 ms (one window each); returns
 * the time spent in `Task.process` only (records are built in chunks outside it), ms.
 */
function feed(t: Task, keys: number, t0: number, firstOffset: number): number {
  const CHUNK = 10_000;
  let ms = 0;
  for (let from = 0; from < keys; from += CHUNK) {
    const records: ConsumerRecord[] = [];
    for (let i = from; i < Math.min(keys, from + CHUNK); i++) {
      const deviceId = `device-${i}`;
      const value = `{"deviceId":"${deviceId}","ts":"${new Date(t0 + (i % 1000)).toISOString()}",` +
        `"temperature":${20 + (i % 100) / 10},"humidity":${40 + (i % 200) / 10}}`;
      records.push({
        topic: INPUT,
        partition: 0,
        offset: firstOffset + i,
        key: encoder.encode(deviceId),
        value: encoder.encode(value),
        timestamp: t0,
        timestampType: "create",
        headers: [],
      });
    }
    const started = performance.now();
    for (const record of records) t.process(record);
    ms += performance.now() - started;
  }
  t.takeOutputs();
  return ms;
}

/** What a local restore in a process of its own measured. */
interface Local {
  /** Restore, ms. */
  ms: number;
  /** One reading for every key after it, ms. */
  touchMs: number;
  /** Digest of the restored state. */
  digest: string;
  /** Digest of the state after the touch. */
  touched: string;
}

/** Restores the checkpoint in `dir` in a process of its own, then touches every key. */
async function restoreInProcess(dir: string, keys: number, mode: Mode, t0: number): Promise<Local> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      import.meta.filename!,
      "--local",
      dir,
      String(keys),
      mode,
      String(t0),
    ],
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`restore of ${dir} failed (exit ${out.code})`);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

if (import.meta.main) {
  if (Deno.args[1] === "--floor") {
    const keys = Number(Deno.args[2]);
    const started = performance.now();
    const map = new Map<string, { timer: number; panes: number[] }>();
    for (let i = 0; i < keys; i++) map.set(`device-${i}`, { timer: i, panes: [i] });
    const ms = performance.now() - started;
    console.log(JSON.stringify({ ms, touchMs: 0, digest: String(map.size), touched: "" }));
  } else if (Deno.args[0] === "--local") {
    const [, dir, keys, mode, t0] = Deno.args;
    const started = performance.now();
    const local = await task(dir, null, mode !== "lazy");
    await local.restore(Number(keys));
    const ms = performance.now() - started;
    const digested = await digest(local.state());
    const touchMs = feed(local, Number(keys), Number(t0), local.nextOffset!);
    const touched = await digest(local.state());
    console.log(JSON.stringify({ ms, touchMs, digest: digested, touched } satisfies Local));
    await local.close();
  } else {
    // <keys> [bootstrap|-] [keep-dir]
    const [keys, bootstrap, keep] = Deno.args;
    const figures = await measureRestore(
      Number(keys ?? 1_000_000),
      bootstrap === "-" ? undefined : bootstrap,
      keep,
    );
    console.log(JSON.stringify(figures));
  }
}
