/**
 * Helpers of the launcher's end-to-end tests: `dev/main.ts` as a child process with its output
 * collected, a block of free ports, JSON reads of the API, and a topic read to its end.
 *
 * @module
 */
import { assert, assertEquals } from "@std/assert";
import { Admin, Consumer, type ConsumerRecord, Offset } from "@iot/kafka";
import { waitFor } from "@iot/testing";

const main = new URL("./main.ts", import.meta.url).pathname;
const decoder = new TextDecoder();

/** A running launcher: its output lines, the children it started (name to pid), its status. */
export interface Launcher {
  /** Every line of its stdout and stderr so far. */
  lines: string[];
  /** The pid of each service, from its "started NAME (pid N)" line. */
  pids: Map<string, number>;
  /** Resolves when it exited and its output was read. */
  status: Promise<Deno.CommandStatus>;
  /** The process. */
  child: Deno.ChildProcess;
}

/** Starts `dev/main.ts` with `args`, the services reading `env` too. */
export function launch(args: string[], env: Record<string, string>): Launcher {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", main, ...args],
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const pids = new Map<string, number>();
  const read = async (stream: ReadableStream<Uint8Array>) => {
    let pending = "";
    for await (const chunk of stream) {
      const parts = (pending + decoder.decode(chunk, { stream: true })).split("\n");
      pending = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        const started = line.match(/^dev\s+\| started (\S+) \(pid (\d+)\)/);
        if (started) pids.set(started[1], Number(started[2]));
      }
    }
  };
  const output = Promise.all([read(child.stdout), read(child.stderr)]);
  const status = Promise.all([child.status, output]).then(([s]) => s);
  return { lines, pids, status, child };
}

/** Waits for the launcher's "all services started" line; fails with its output otherwise. */
export async function started(run: Launcher, timeoutMs = 60_000): Promise<void> {
  await waitFor(() => run.lines.some((l) => l.includes("all services started")), {
    timeoutMs,
    message: "the launcher to start every service",
  }).catch((e) => {
    throw new Error(`${e.message}\n${run.lines.join("\n")}`);
  });
}

/** Five consecutive free ports (broker Kafka/admin, processor, sinks, api), same for both runs. */
export function portBlock(): number {
  // Below the ephemeral range (32768+ here): there, clients' outgoing connections take ports a
  // listen probe cannot foresee, and five consecutive free ones are often not to be had.
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 10_000 + Math.floor(Math.random() * 20_000);
    const probes: Deno.Listener[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        probes.push(Deno.listen({ hostname: "127.0.0.1", port: base + i }));
      }
      return base;
    } catch {
      // One of the five is taken; try another base.
    } finally {
      for (const p of probes) p.close();
    }
  }
  throw new Error("no five consecutive free ports");
}

/** SIGINT; the launcher exits 0 after every service stopped cleanly, and no child is left. */
export async function stopAndCheck(run: Launcher): Promise<void> {
  run.child.kill("SIGINT");
  const status = await run.status;
  const output = run.lines.join("\n");
  assertEquals(status.code, 0, output);
  assert(
    /dev\s+\| stopped \(broker code 0, producer code \d+, processor code 0, sinks code 0, api code 0\)/
      .test(output),
    output,
  );
  for (const [name, pid] of run.pids) {
    // A child that still runs (or a zombie not reaped) keeps /proc/<pid>.
    const alive = await Deno.stat(`/proc/${pid}`).then(() => true, () => false);
    assert(!alive, `${name} (pid ${pid}) still runs after the launcher exited`);
  }
  assertEquals([...run.pids.keys()].sort(), ["api", "broker", "processor", "producer", "sinks"]);
}

/** GET `path` of the API as JSON; null while the API does not answer (still starting). */
export async function apiGet<T>(port: number, path: string): Promise<T | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    if (!response.ok) {
      await response.body?.cancel();
      return null;
    }
    return await response.json() as T;
  } catch {
    return null; // not listening yet
  }
}

/** Every record of `topic` (read_committed) up to its end at the time of the call, as JSON. */
export async function readTopic<T>(bootstrap: string, topic: string): Promise<T[]> {
  let partitions: number[];
  {
    await using admin = new Admin({ config: { "bootstrap.servers": bootstrap } });
    const [description] = await admin.describeTopics([topic], { timeoutMs: 10_000 });
    partitions = description.partitions.map((p) => p.partition);
  }
  await using consumer = new Consumer({
    config: {
      "bootstrap.servers": bootstrap,
      "group.id": "dev-e2e-reader", // never joined: partitions are assigned
      "enable.auto.commit": false,
      "isolation.level": "read_committed",
    },
  });
  const ends = await Promise.all(
    partitions.map(async (p) => (await consumer.watermarkOffsets(topic, p)).high),
  );
  consumer.assign(partitions.map((partition) => ({ topic, partition, offset: Offset.BEGINNING })));
  const records: T[] = [];
  const stop = new AbortController();
  // The position passes transaction markers too, so every partition ends exactly at its end.
  const atEnd = () =>
    consumer.position(partitions.map((partition) => ({ topic, partition, offset: 0 })))
      .every((tp, i) => (tp.offset ?? -1) >= ends[i] || ends[i] === 0);
  const check = setInterval(() => {
    if (atEnd()) stop.abort();
  }, 100);
  let timedOut = false;
  const timeout = setTimeout(() => {
    timedOut = true;
    stop.abort();
  }, 60_000);
  try {
    for await (const batch of consumer.batches({ signal: stop.signal })) {
      records.push(...batch.map((r: ConsumerRecord) => JSON.parse(decoder.decode(r.value!))));
    }
  } finally {
    clearInterval(check);
    clearTimeout(timeout);
  }
  if (timedOut) {
    throw new Error(`${topic} not read to its end [${ends}] within 60 s`);
  }
  return records;
}

/**
 * For a test's `finally`: stops a launcher that is still running (a failed assertion skipped
 * {@linkcode stopAndCheck}), SIGINT first, then SIGKILL to it and every service it started, so no
 * service outlives the test and loads the machine for the tests after it.
 */
export async function stopIfRunning(run: Launcher | undefined, graceMs = 30_000): Promise<void> {
  if (run === undefined) return;
  let exited = false;
  const status = run.status.then(() => (exited = true), () => (exited = true));
  try {
    run.child.kill("SIGINT");
  } catch {
    // Exited already.
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([status, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
  clearTimeout(timer);
  if (exited) return;
  for (const pid of [run.child.pid, ...run.pids.values()]) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch {
      // Gone meanwhile.
    }
  }
  await status;
}
