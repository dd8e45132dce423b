/**
 * The checkpoint protocol under crashes: a job instance dies at each step boundary of a
 * checkpoint (the Kafka call fails before or after it took effect, the instance stops without
 * ending its transaction), a new instance starts on the same state directory (or, with the
 * changelog, on an empty one: another machine) and the same cluster, and the job's committed
 * output must equal that of a run without the crash: nothing lost, nothing twice.
 */
import { assertEquals, assertInstanceOf } from "@std/assert";
import {
  FakeKafka,
  FakeProducer,
  type FakeStep,
  readAll,
  type StepPhase,
} from "@iot/kafka/testing";
import { waitFor } from "@iot/testing";
import { countingJob, fakeRunnerAt } from "./fake_kafka_test_util.ts";
import { JobFailedError } from "./job_runner.ts";

const PARTITIONS = 2;
const PER_PHASE = 24;
const GROUP = "processor-count";
const job = countingJob(PARTITIONS);

interface Crash {
  readonly step: FakeStep;
  readonly phase: StepPhase;
  /** Whether the crashed checkpoint's transaction committed. */
  readonly committed: boolean;
}

/** Every boundary between two steps of a checkpoint's transaction. */
const crashes: readonly Crash[] = [
  { step: "beginTransaction", phase: "before", committed: false },
  { step: "send", phase: "before", committed: false },
  { step: "send", phase: "after", committed: false },
  // sendOffsets starts once the outputs are sent and the pending manifests written.
  { step: "sendOffsetsToTransaction", phase: "before", committed: false },
  { step: "sendOffsetsToTransaction", phase: "after", committed: false },
  { step: "commitTransaction", phase: "before", committed: false },
  // The commit landed; the instance dies before marking its checkpoints committed.
  { step: "commitTransaction", phase: "after", committed: true },
];

/** Appends one phase's input in an upstream transaction (so the input has commit markers). */
async function produceInput(kafka: FakeKafka, phase: number): Promise<void> {
  const upstream = new FakeProducer(kafka, { transactionalId: "upstream" });
  await upstream.initTransactions();
  upstream.beginTransaction();
  await upstream.sendAll(Array.from({ length: PER_PHASE }, (_, i) => ({
    topic: "in",
    partition: i % PARTITIONS,
    key: `d${(i * 7 + phase) % 5}`,
    value: `${phase}-${i}`,
  })));
  await upstream.commitTransaction();
  upstream.crash();
}

/**
 * Runs an instance until it consumed all input, arms `crash`, and stops it (its final
 * checkpoint then crashes). Returns the instance's restore counters.
 */
async function runInstance(
  kafka: FakeKafka,
  stateDir: string,
  changelog: boolean,
  crash?: Crash,
): Promise<{ local: number; changelog: number; empty: number }> {
  const { runner, stop } = fakeRunnerAt(kafka, job, stateDir, {
    changelog,
    checkpointIntervalMs: 3_600_000, // only the final checkpoint, deterministically
    store: { sync: false, maxChain: 2 },
  });
  let ended: { error: unknown } | null = null;
  const running = runner.run().then(
    () => void (ended = { error: new Error("the instance stopped before consuming its input") }),
    (error) => {
      ended = { error };
      throw error;
    },
  );
  running.catch(() => {}); // awaited below; fails the wait at once meanwhile
  let restores = { local: 0, changelog: 0, empty: 0 };
  try {
    await waitFor(async () => {
      if (ended !== null) throw ended.error;
      const status = await runner.status();
      restores = { ...status.restores };
      return status.tasks.length === PARTITIONS && status.tasks.every((t) => t.lag === 0);
    }, { intervalMs: 5, message: "the instance to consume its input" });
  } finally {
    if (crash) kafka.failNext(crash.step, crash.phase);
    stop.abort();
  }
  if (crash === undefined) await running;
  else {
    const error = await running.then(() => null, (e) => e);
    assertInstanceOf(error, JobFailedError, `the crash at ${crash.phase} ${crash.step}`);
  }
  return restores;
}

function committedOffsets(kafka: FakeKafka): Array<number | undefined> {
  return Array.from(
    { length: PARTITIONS },
    (_, p) => kafka.committedOffset(GROUP, "in", p),
  );
}

const outputs = (kafka: FakeKafka) => readAll(kafka, "out").map((r) => `${r.partition}:${r.value}`);

/**
 * Three instances over four phases of input: two clean checkpoints (a base, then a delta), a
 * third instance crashing as `crash` says, and a fourth restarting. Returns the committed output.
 */
async function scenario(changelog: boolean, crash?: Crash): Promise<string[]> {
  const kafka = new FakeKafka();
  for (const t of job.topics) kafka.createTopic(t.name, t.partitions);
  const dir = await Deno.makeTempDir({ prefix: "checkpoint-crash-" });
  try {
    for (const phase of [0, 1]) {
      await produceInput(kafka, phase);
      await runInstance(kafka, `${dir}/a`, changelog);
    }
    const before = committedOffsets(kafka);
    await produceInput(kafka, 2);
    await runInstance(kafka, `${dir}/a`, changelog, crash);
    const after = committedOffsets(kafka);
    if (crash !== undefined) {
      // The group's offsets moved exactly when the transaction committed, to after the last
      // record (the upstream commit marker behind it is never consumed).
      const ends = Array.from({ length: PARTITIONS }, (_, p) => kafka.log("in", p).high - 1);
      assertEquals(after, crash.committed ? ends : before, "committed offsets after the crash");
    }
    await produceInput(kafka, 3);
    // With a changelog, restart on another machine (no local state); without, on the same one.
    const restartDir = changelog ? `${dir}/b` : `${dir}/a`;
    const restores = await runInstance(kafka, restartDir, changelog);
    assertEquals(restores, {
      local: changelog ? 0 : PARTITIONS,
      changelog: changelog ? PARTITIONS : 0,
      empty: 0,
    }, "where the restarted tasks' state came from");
    return outputs(kafka);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

for (const changelog of [false, true]) {
  const where = changelog ? "from the changelog on another machine" : "from local checkpoints";
  Deno.test(`checkpoint crashes, restored ${where}: output equals a run without crash`, async (t) => {
    const expected = await scenario(changelog);
    assertEquals(expected.length, 4 * PER_PHASE);
    for (const crash of crashes) {
      await t.step(`crash ${crash.phase} ${crash.step}`, async () => {
        assertEquals(await scenario(changelog, crash), expected);
      });
    }
  });
}
