import { assert, assertEquals, assertRejects } from "@std/assert";
import { readAll } from "@iot/kafka/testing";
import { waitFor } from "@iot/testing";
import {
  countingInput,
  countingJob,
  failingSeekClients,
  fakeClients,
  fakeRunner,
  fakeRunnerAt,
} from "./fake_kafka_test_util.ts";
import { JobFailedError, RestartableError } from "./runner_options.ts";
import { isRestartable } from "./restarting_job.ts";

Deno.test("Rebalancing: a seek that fails while rewinding ends the run as restartable", async () => {
  const { kafka, job, send } = countingInput();
  await send(0, 20);
  const { runner, dispose } = await fakeRunner(kafka, job, { clients: failingSeekClients(kafka) });
  try {
    const error = await assertRejects(() => runner.run(), JobFailedError);
    assert(error.cause instanceof RestartableError, String(error.cause));
    assert(isRestartable(error), "RestartingJob restarts it");
  } finally {
    await dispose();
  }
});

Deno.test("Rebalancing: tasks assigned again restore their local checkpoints and continue", async () => {
  const { kafka } = countingInput();
  const job = countingJob(2, "two-");
  for (const t of job.topics) kafka.createTopic(t.name, t.partitions);
  const upstream = fakeClients(kafka).output({ transactionalId: null });
  const send = (from: number, to: number) =>
    upstream.sendAll(
      Array.from({ length: to - from }, (_, i) => ({
        topic: "two-in",
        partition: (from + i) % 2,
        key: `k${(from + i) % 3}`,
        value: "x",
      })),
    );
  await send(0, 20);
  const lines: string[] = [];
  // Same machine, same state directory: the next owner restores the local checkpoints. (The
  // fake group hands partitions over without waiting for the revocation, so the owners take
  // turns rather than overlap.)
  const dir = await Deno.makeTempDir();
  try {
    const first = fakeRunnerAt(kafka, job, dir, {
      instanceId: "a",
      checkpointIntervalMs: 3_600_000, // only the revocation's checkpoint
      log: (l) => lines.push(l),
    });
    const runFirst = first.runner.run();
    await waitFor(async () => {
      const { tasks } = await first.runner.status();
      return tasks.length === 2 && tasks.every((t) => t.offset === 10);
    }, { intervalMs: 5 });
    // Stopping takes the final checkpoint, then leaves the group (revoking both partitions).
    first.stop.abort();
    await runFirst;
    const committed = (p: number) => kafka.committedOffset("processor-count", "two-in", p);
    assertEquals([committed(0), committed(1)], [10, 10]);
    const second = fakeRunnerAt(kafka, job, dir, { instanceId: "b" });
    const runSecond = second.runner.run();
    try {
      await send(20, 40);
      await waitFor(() => readAll(kafka, "two-out").length === 40, { intervalMs: 5 });
      const status = await second.runner.status();
      assertEquals(status.restores, { empty: 0, local: 2, changelog: 0 });
      assert(status.rebalances >= 1 && status.lastRebalanceMs !== null, JSON.stringify(status));
    } finally {
      second.stop.abort();
      await runSecond;
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert(lines.some((l) => l.startsWith("count: revoked")), lines.join("\n"));
  // Per partition, the counts continue across the hand-over: nothing lost or repeated.
  const outputs = readAll(kafka, "two-out").map((r) => new TextDecoder().decode(r.value!));
  assertEquals(outputs.sort(), twoPartitionReference(40).sort());
});

/** What `countingJob(2)` writes for inputs 0 … n-1 sent to partition i % 2 with key k(i % 3). */
function twoPartitionReference(n: number): string[] {
  const counts = new Map<string, number>();
  return Array.from({ length: n }, (_, i) => {
    const key = `k${i % 3}`, partition = i % 2;
    const count = (counts.get(`${partition}/${key}`) ?? 0) + 1;
    counts.set(`${partition}/${key}`, count);
    return `${key}=${count}@${Math.floor(i / 2)}`;
  });
}
