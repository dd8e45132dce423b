/**
 * Starting before the broker: a job runner started while nothing listens on its bootstrap
 * address waits (logging `waiting for Kafka at …`) and proceeds once a broker starts there.
 */
import { assert, assertEquals } from "@std/assert";
import { startBroker } from "@iot/broker/testing";
import { freePort, waitFor } from "@iot/testing";
import { countingJob } from "./fake_kafka_test_util.ts";
import { JobRunner } from "./job_runner.ts";

Deno.test("JobRunner waits for a broker started after it, then runs", async () => {
  const port = freePort();
  const bootstrap = `127.0.0.1:${port}`;
  const dir = await Deno.makeTempDir();
  const lines: string[] = [];
  const stop = new AbortController();
  const runner = new JobRunner({
    job: countingJob(1),
    bootstrap,
    stateDir: dir,
    checkpointIntervalMs: 100,
    signal: stop.signal,
    log: (line) => lines.push(line),
  });
  const running = runner.run();
  try {
    await waitFor(() => lines.includes(`count: waiting for Kafka at ${bootstrap}…`));
    await using _broker = await startBroker({ port });
    await waitFor(() => lines.some((l) => l.startsWith("count: assigned")), {
      timeoutMs: 30_000,
      message: "the runner to join its group",
    });
    assert(lines.some((l) => l.startsWith(`count: Kafka at ${bootstrap} is up after`)));
    stop.abort();
    await running;
    assertEquals((await runner.status()).tasks, []);
  } finally {
    stop.abort();
    await running.catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});
