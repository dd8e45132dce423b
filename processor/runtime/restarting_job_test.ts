import { assert, assertEquals, assertRejects } from "@std/assert";
import { KafkaError } from "@iot/kafka";
import { isRestartable, RestartingJob, type RunnableJob } from "./restarting_job.ts";
import { JobFailedError, RestartableError } from "./runner_options.ts";
import type { JobStatus } from "./status.ts";

const fenced = () =>
  new JobFailedError("Job j failed: Static consumer fenced", {
    cause: new KafkaError("Static consumer fenced by other consumer", { code: -150, fatal: true }),
  });

/** Runners whose run() outcomes are scripted: an error to throw, or undefined to return. */
function scripted(outcomes: (Error | undefined)[]) {
  const built: number[] = [];
  const make = (): RunnableJob => {
    const n = built.length;
    built.push(n);
    return {
      name: "j",
      status: () => Promise.resolve({ job: "j", run: n } as unknown as JobStatus),
      run: () => {
        const outcome = outcomes[n];
        return outcome ? Promise.reject(outcome) : Promise.resolve();
      },
    };
  };
  return { make, built };
}

Deno.test("isRestartable looks through the causes for a fatal KafkaError or a RestartableError", () => {
  assert(isRestartable(fenced()));
  // As a consumer's close() reports it after the fencing: the code, not the flag.
  const closed = new KafkaError("close: Fatal consumer error", { code: 82 });
  assert(isRestartable(new JobFailedError("Job j failed: close", { cause: closed })));
  assert(!isRestartable(new JobFailedError("restore failed")));
  assert(!isRestartable(new KafkaError("timed out", { code: -185 })));
  const seek = new RestartableError("seek timed out", {
    cause: new KafkaError("t", { code: -185 }),
  });
  assert(isRestartable(new JobFailedError("Job j failed: seek", { cause: seek })));
  assert(!isRestartable("text"));
});

Deno.test("RestartingJob: a fatal client error builds the job again; the new one's status is served", async () => {
  const { make, built } = scripted([fenced(), fenced(), undefined]);
  const logs: string[] = [];
  const job = new RestartingJob(make, {
    signal: new AbortController().signal,
    log: (m) => logs.push(m),
    backoffMs: 1,
  });
  await job.run();
  assertEquals(built.length, 3);
  assertEquals(job.restarts, 2);
  assertEquals(((await job.status()) as unknown as { run: number }).run, 2);
  assertEquals(logs.length, 2);
  assert(logs[0].startsWith("j: restarting in 1 ms after a fatal Kafka client error (1 of 5"));
  assert(logs[1].startsWith("j: restarting in 2 ms"), logs[1]);
});

Deno.test("RestartingJob: other failures, and fatal ones that keep coming, end the job", async () => {
  const other = new JobFailedError("Job j failed: checkpoint store is corrupt");
  const first = scripted([other]);
  const signal = new AbortController().signal;
  await assertRejects(
    () => new RestartingJob(first.make, { signal, log: () => {}, backoffMs: 1 }).run(),
    JobFailedError,
    "corrupt",
  );
  assertEquals(first.built.length, 1);
  const always = scripted(Array.from({ length: 10 }, fenced));
  const job = new RestartingJob(always.make, {
    signal,
    log: () => {},
    backoffMs: 1,
    maxRestarts: 3,
  });
  await assertRejects(() => job.run(), JobFailedError, "fenced");
  assertEquals(always.built.length, 4, "the first run and three restarts");
});

Deno.test("RestartingJob: a run that lasted stableMs resets the count", async () => {
  const { make, built } = scripted([fenced(), fenced(), fenced(), undefined]);
  let clock = 0;
  const job = new RestartingJob(make, {
    signal: new AbortController().signal,
    log: () => {},
    backoffMs: 1,
    maxRestarts: 1,
    stableMs: 100,
    // Each call advances 150 ms: every run lasts 150 ms, so each failure follows a stable run.
    now: () => (clock += 150),
  });
  await job.run();
  assertEquals(built.length, 4);
});

Deno.test("RestartingJob: stopping during the backoff ends run() without a restart", async () => {
  const { make, built } = scripted([fenced()]);
  const stop = new AbortController();
  const job = new RestartingJob(make, {
    signal: stop.signal,
    log: () => stop.abort(),
    backoffMs: 60_000,
  });
  await job.run();
  assertEquals(built.length, 1);
});
