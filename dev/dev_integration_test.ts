/**
 * End to end: `dev/main.ts` as a child on free ports and a temp data dir, with a short window
 * (5 s, 1 s out-of-orderness, 1 s checkpoints) so it stays bounded. Waits for a window aggregate
 * on `sensor-aggregates` (read_committed), stops it with SIGINT, checks every child exited,
 * restarts on the same data dir and checks the processor resumed: no (device, window) aggregate
 * twice across both runs.
 */
import { assert, assertEquals } from "@std/assert";
import { Consumer, type ConsumerRecord } from "@iot/kafka";
import { uniqueName, waitFor } from "@iot/testing";

const main = new URL("./main.ts", import.meta.url).pathname;
const decoder = new TextDecoder();

interface Launcher {
  lines: string[];
  pids: Map<string, number>;
  status: Promise<Deno.CommandStatus>;
  child: Deno.ChildProcess;
}

function launch(dataDir: string, portBase: number): Launcher {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", main, "--port-base", String(portBase), "--data-dir", dataDir],
    env: {
      NO_COLOR: "1",
      PROCESSOR_WINDOW_MS: "5000",
      PROCESSOR_MAX_OUT_OF_ORDERNESS_MS: "1000",
      PROCESSOR_CHECKPOINT_INTERVAL_MS: "1000",
    },
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

/** Five consecutive free ports (broker Kafka/admin, processor, sinks, api), same for both runs. */
function portBase(): number {
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

type Aggregate = { deviceId: string; windowStart: string };

/** Reads `sensor-aggregates` from the start (read_committed) until `enough` or the timeout. */
async function readAggregates(
  bootstrap: string,
  enough: (all: Aggregate[]) => boolean,
  timeoutMs: number,
): Promise<{ all: Aggregate[]; firstAt: number | null }> {
  await using consumer = new Consumer({
    config: {
      "bootstrap.servers": bootstrap,
      "group.id": uniqueName("dev-e2e"),
      "auto.offset.reset": "earliest",
      "enable.auto.commit": false,
      "isolation.level": "read_committed",
    },
  });
  consumer.subscribe(["sensor-aggregates"]);
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), timeoutMs);
  const all: Aggregate[] = [];
  let firstAt: number | null = null;
  try {
    for await (const batch of consumer.batches({ signal: stop.signal })) {
      firstAt ??= performance.now();
      all.push(...batch.map((r: ConsumerRecord) => JSON.parse(decoder.decode(r.value!))));
      if (enough(all)) break;
    }
  } finally {
    clearTimeout(timer);
  }
  return { all, firstAt };
}

async function stopAndCheck(run: Launcher): Promise<void> {
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

Deno.test({
  name: "deno task dev: first aggregate, graceful stop, and a restart that resumes",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const dataDir = await Deno.makeTempDir({ prefix: "dev-e2e-" });
    try {
      const base = portBase();
      const bootstrap = `127.0.0.1:${base}`;
      const t0 = performance.now();
      const first = launch(dataDir, base);
      await waitFor(() => first.lines.some((l) => l.includes("all services started")), {
        timeoutMs: 60_000,
        message: "the launcher to start every service",
      }).catch((e) => {
        throw new Error(`${e.message}\n${first.lines.join("\n")}`);
      });
      // Two closed windows per device would be slow to wait for; a few aggregates will do.
      const run1 = await readAggregates(bootstrap, (all) => all.length >= 5, 90_000);
      assert(
        run1.all.length >= 5,
        `aggregates in run 1: ${run1.all.length}\n${first.lines.join("\n")}`,
      );
      console.log(`first aggregate ${((run1.firstAt! - t0) / 1000).toFixed(1)} s after start`);
      await stopAndCheck(first);

      const second = launch(dataDir, base);
      const lastStart = run1.all.map((a) => a.windowStart).sort().at(-1)!;
      // Everything from the start, until a window newer than any of run 1 proves run 2 works.
      const run2 = await readAggregates(
        bootstrap,
        (all) => all.some((a) => a.windowStart > lastStart),
        90_000,
      );
      await stopAndCheck(second);
      assert(run2.all.some((a) => a.windowStart > lastStart), second.lines.join("\n"));
      const keys = run2.all.map((a) => `${a.deviceId}@${a.windowStart}`);
      const duplicates = keys.filter((k, i) => keys.indexOf(k) !== i);
      assertEquals(duplicates, [], "an aggregate was emitted twice: the state did not resume");
      assert(run2.all.length > run1.all.length, "run 2 reads run 1's aggregates from the log");
    } finally {
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});
