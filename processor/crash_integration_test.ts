/**
 * Crash test: `processor/main.ts` runs `device-aggregates` as a child process and is killed with
 * SIGKILL at random moments while input keeps arriving, then restarted; the read_committed
 * outputs must equal the reference exactly (no loss, no duplicates).
 */
import { assert, assertEquals } from "@std/assert";
import { delay, freePort, startKafka, uniqueName, waitFor } from "@iot/testing";
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

function spawn(args: string[]): { child: Deno.ChildProcess; log: Promise<string> } {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./main.ts", import.meta.url).pathname, ...args],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const log = new Response(child.stderr).text();
  return { child, log };
}

Deno.test({
  name: "crash: kill -9 at random points; read_committed outputs equal the reference exactly",
  // Children inherit nothing from the test; they are all awaited before the test ends.
  fn: async () => {
    await using kafka = await startKafka();
    const config = topicsFor("crash", uniqueName);
    await createTopics(kafka.bootstrap, config);
    const stateDir = await Deno.makeTempDir();
    const prefix = uniqueName("crash");
    const args = [
      ...["--bootstrap", kafka.bootstrap, "--state-dir", stateDir, "--jobs", "device-aggregates"],
      ...["--group-prefix", prefix, "--instance-id", "a", "--status-port", "0"],
      ...["--checkpoint-interval-ms", "150", "--fsync", "false", "--partitions", "3"],
      ...["--window-ms", String(config.windowMs)],
      ...["--max-out-of-orderness-ms", String(config.maxOutOfOrdernessMs)],
      ...["--allowed-lateness-ms", String(config.allowedLatenessMs)],
      ...[
        "--topic",
        `sensorReadings=${config.input}`,
        "--topic",
        `sensorAggregates=${config.output}`,
      ],
      ...["--topic", `lateReadings=${config.late}`, "--topic", `deadLetter=${config.deadLetter}`],
    ];
    const seed = Date.now() % 100_000;
    const rand = (() => {
      let s = seed;
      return () => (s = (s * 16807) % 2147483647) / 2147483647;
    })();
    const chunks = Array.from({ length: 16 }, (_, i) => generate(100 + i, 250, i * 250));
    const logs: string[] = [];
    let fed = 0;
    // Input keeps arriving while the processor is killed and restarted (pacing, not sync).
    const feeding = (async () => {
      for (const chunk of chunks) {
        await produce(kafka.bootstrap, config.input, chunk);
        fed++;
        await delay(500);
      }
    })();
    try {
      const kills = 5;
      for (let i = 0; i < kills; i++) {
        const { child, log } = spawn(args);
        // Killing at a random moment is the point of the test.
        const timer = setTimeout(() => child.kill("SIGKILL"), 1_200 + Math.floor(rand() * 2_000));
        const status = await child.status;
        clearTimeout(timer);
        logs.push(await log);
        assertEquals(status.signal, "SIGKILL", `run ${i} ended early:\n${logs.at(-1)}`);
      }
      await feeding;
      const interrupted = logs.filter((l) => l.includes(": assigned ")).length;
      assert(interrupted >= 2, `only ${interrupted} killed runs got as far as processing`);
      const port = freePort();
      const { child, log } = spawn([...args, "--status-port", String(port)]);
      try {
        // The final run owns every partition (seen on its status endpoint) and committed it all.
        await waitFor(async () => {
          const response = await fetch(`http://127.0.0.1:${port}/status`).catch(() => null);
          if (response === null) return false;
          const { jobs } = await response.json();
          if (jobs[0].tasks.length !== PARTITIONS) return false;
          return await caughtUp(
            kafka.bootstrap,
            `${prefix}-device-aggregates`,
            config.input,
            PARTITIONS,
          );
        }, { timeoutMs: 30_000, intervalMs: 200, message: "the processor to commit all input" });
        const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        assert(metrics.includes("processor_task_lag{"), metrics);
      } finally {
        child.kill("SIGTERM");
      }
      const status = await child.status;
      logs.push(await log);
      assertEquals(status.code, 0, `final run failed:\n${logs.at(-1)}`);
      assertEquals(fed, chunks.length);
      const expected = reference(chunks.flat());
      assert(expected.aggregates.length > 100 && expected.late.length > 20);
      const got = await actual(kafka.bootstrap, config);
      assertEquals(got.aggregates, expected.aggregates, `seed ${seed}`);
      assertEquals(got.late, expected.late, `seed ${seed}`);
      assertEquals(got.deadLetters, expected.deadLetters, `seed ${seed}`);
    } catch (e) {
      console.error(logs.join("\n----\n"));
      throw e;
    } finally {
      await Deno.remove(stateDir, { recursive: true });
    }
  },
});
