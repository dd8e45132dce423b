/**
 * Scale-out and failure scenarios on a real three-broker Kafka cluster (replication factor 3,
 * `min.insync.replicas=2`): processor instances (`main.ts` child processes, each with its own
 * `--instance-id` and state dir) join, leave, are killed with SIGKILL, and a broker is killed
 * and restarted, while input keeps arriving. Each time the read_committed outputs must equal the
 * reference computed in one batch over the input that was acknowledged: window aggregates, late
 * readings, dead letters, overheating alerts and vehicle maxima; no duplicates, nothing missing.
 * Shutdown commands are stamped in wall-clock time: only their presence per raised alert is
 * checked.
 *
 * One cluster serves the whole file (its JVMs take tens of seconds to start on a loaded machine).
 * `IOT_CLUSTER_STEPS=broker` runs only the steps whose name holds one of the comma-separated
 * words. A failed scenario keeps every instance's and broker's whole log in a temp dir (printed);
 * `IOT_CLUSTER_LOG_DIR=DIR` keeps them in DIR for passing scenarios too.
 */
import { assert, assertEquals } from "@std/assert";
import { delay, type RealKafkaCluster, startKafkaCluster, waitFor } from "@iot/testing";
import { forwardedCount, type Input } from "./jobs/climate_test_util.ts";
import { alertsWithoutShutdown, generateHot } from "./jobs/overheating_test_util.ts";
import {
  type ClusterScenario,
  compare,
  type Comparison,
  createScenarioTopics,
  feed,
  groupCoordinator,
  Instance,
  saveLogs,
  scenario,
  scenarioDone,
  vehicleReadings,
} from "./cluster_test_util.ts";

const onlySteps = (Deno.env.get("IOT_CLUSTER_STEPS") ?? "").split(",").filter((w) => w !== "");
const keepLogsIn = Deno.env.get("IOT_CLUSTER_LOG_DIR");

/** The running scenario: its instances and the input acknowledged so far. */
class Run {
  readonly all: Instance[] = [];
  readonly live = new Set<Instance>();
  readonly climate: Input[] = [];
  readonly vehicles: Input[] = [];
  chunks = 0;
  #feeding = true;
  readonly feeder: Promise<void>;

  constructor(
    readonly cluster: RealKafkaCluster,
    readonly s: ClusterScenario,
    readonly dir: string,
  ) {
    // Input keeps arriving whatever the instances do (pacing, not synchronisation).
    this.feeder = (async () => {
      for (let i = 0; this.#feeding && i < 100; i++) {
        const climate = generateHot(100 + i, 40, i * 40);
        const vehicles = vehicleReadings(500 + i, 60, i * 60);
        await feed(cluster.bootstrap, s.readings, climate);
        await feed(cluster.bootstrap, s.vehicles, vehicles);
        this.climate.push(...climate);
        this.vehicles.push(...vehicles);
        this.chunks++;
        await delay(300);
      }
    })();
  }

  start(id: string): Instance {
    const instance = new Instance(
      this.cluster.bootstrap,
      this.s,
      id,
      `${this.dir}/${this.s.groupPrefix}-${id}`,
    );
    this.all.push(instance);
    this.live.add(instance);
    return instance;
  }

  async stop(instance: Instance, signal: Deno.Signal): Promise<Deno.CommandStatus> {
    this.live.delete(instance);
    return await instance.stop(signal);
  }

  /** Throws when a live instance exited by itself: no wait can succeed then. */
  assertAlive(): void {
    for (const instance of this.live) {
      if (instance.exited !== null) {
        throw new Error(`instance ${instance.id} exited (code ${instance.exited.code})`);
      }
    }
  }

  /** Waits until every live instance consumed records and committed a checkpoint of each job. */
  async allWorking(): Promise<void> {
    await waitFor(async () => {
      this.assertAlive();
      for (const instance of this.live) {
        const jobs = await instance.status();
        if (jobs === null || jobs.some((j) => j.recordsIn === 0 || j.checkpoints === 0)) {
          return false;
        }
      }
      return true;
    }, { timeoutMs: 90_000, intervalMs: 250, message: "every instance to do work" });
  }

  /** One line per job of each live instance: what it took in, sent out and committed. */
  async progress(): Promise<string> {
    const lines = [];
    for (const instance of this.live) {
      for (const j of await instance.status() ?? []) {
        const tasks = j.tasks.map((t) => `${t.topic}[${t.partition}]@${t.offset} lag ${t.lag}`);
        lines.push(
          `${instance.id} ${j.job}: in ${j.recordsIn}, out ${j.recordsOut}, ` +
            `${j.checkpoints} checkpoints, ${j.rebalances} rebalances, tasks ${tasks.join(" ")}`,
        );
      }
    }
    return lines.join("\n");
  }

  /** Waits until `n` more chunks were acknowledged. */
  async chunksMore(n: number): Promise<void> {
    const target = this.chunks + n;
    await waitFor(() => this.chunks >= target, { timeoutMs: 60_000, message: `${n} chunks` });
  }

  /** Stops the input, waits for the live instances to commit it all, and checks the outputs. */
  async finish(): Promise<void> {
    this.#feeding = false;
    await this.feeder;
    const forwarded = { climate: forwardedCount(this.climate), vehicles: this.vehicles.length };
    const live = [...this.live];
    await waitFor(() => {
      this.assertAlive();
      return scenarioDone(this.cluster.bootstrap, this.s, live, forwarded);
    }, {
      timeoutMs: 120_000,
      intervalMs: 500,
      message: "the instances to commit all input",
    }).catch(async (e) => {
      throw new Error(`${e.message}; where the jobs are:\n${await this.progress()}`, { cause: e });
    });
    // The last transaction may still be on its way when the input counts say done: read the
    // outputs until they equal the references (duplicates or losses never go away).
    const matches = (c: Comparison) =>
      JSON.stringify(c.got) === JSON.stringify(c.expected) &&
      JSON.stringify(c.alerts.alerts) === JSON.stringify(c.expectedAlerts) &&
      [...c.expectedMax].every(([v, max]) => c.maxima.get(v)?.at(-1) === max);
    let c = await compare(this.cluster.bootstrap, this.s, this.climate, this.vehicles);
    await waitFor(async () => {
      c = await compare(this.cluster.bootstrap, this.s, this.climate, this.vehicles);
      return matches(c);
    }, { timeoutMs: 30_000, intervalMs: 1_000, message: "outputs equal to the reference" })
      .catch(() => {});
    assert(c.expected.aggregates.length > 50, `only ${c.expected.aggregates.length} windows`);
    assertEquals(c.got.aggregates, c.expected.aggregates);
    assertEquals(c.got.late, c.expected.late);
    assertEquals(c.got.deadLetters, c.expected.deadLetters);
    assert(c.expectedAlerts.length >= 4, `only ${c.expectedAlerts.length} alerts`);
    assertEquals(c.alerts.alerts, c.expectedAlerts);
    assertEquals(alertsWithoutShutdown(c.alerts.alerts, c.alerts.commands), []);
    const commandIds = c.alerts.commands.map((command) => command.commandId);
    assertEquals(commandIds.length, new Set(commandIds).size, "a shutdown command twice");
    assertEquals([...c.maxima.keys()].sort(), [...c.expectedMax.keys()].sort());
    for (const [vehicle, seq] of c.maxima) {
      assert(seq.every((m, i) => i === 0 || m > seq[i - 1]), `${vehicle}: ${seq} not rising`);
      assertEquals(seq.at(-1), c.expectedMax.get(vehicle), vehicle);
    }
    for (const instance of live) {
      assertEquals((await this.stop(instance, "SIGTERM")).code, 0, instance.log);
    }
  }

  async dispose(failed: boolean): Promise<void> {
    this.#feeding = false;
    await this.feeder.catch(() => {});
    for (const instance of this.live) await this.stop(instance, "SIGKILL");
    if (failed || keepLogsIn !== undefined) {
      const dir = keepLogsIn ?? await Deno.makeTempDir({ prefix: "processor-cluster-logs-" });
      await saveLogs(dir, this.s.groupPrefix, this.all, this.cluster.nodes);
      console.error(`instance and broker logs of ${this.s.groupPrefix} kept in ${dir}`);
    }
    if (failed) {
      for (const i of this.all) {
        const exit = i.exited === null ? "running" : `exit ${i.exited.code}`;
        console.error(`--- instance ${i.id} (${exit}): warnings and errors ---`);
        console.error(i.notable().join("\n"));
        console.error(`--- instance ${i.id}: tail ---\n${i.log.slice(-3000)}`);
      }
    }
  }
}

async function scenarioRun(
  cluster: RealKafkaCluster,
  name: string,
  dir: string,
  script: (run: Run) => Promise<void>,
): Promise<Run> {
  const s = scenario(name);
  await createScenarioTopics(cluster.bootstrap, s);
  const run = new Run(cluster, s, dir);
  let failed = true;
  try {
    await script(run);
    await run.finish();
    failed = false;
    return run;
  } finally {
    await run.dispose(failed);
  }
}

/** A step of the scenario test, ignored when `IOT_CLUSTER_STEPS` names others. */
function step(t: Deno.TestContext, name: string, fn: () => Promise<void>): Promise<boolean> {
  const ignore = onlySteps.length > 0 && !onlySteps.some((w) => name.includes(w));
  return t.step({ name, ignore, fn });
}

Deno.test("cluster: processor instances scale out, die and survive a broker crash", async (t) => {
  // A node's JVM restart took over 120 s (the default bound) at load average 44 on 2 cores.
  await using cluster = await startKafkaCluster({ startTimeoutMs: 180_000 });
  const dir = await Deno.makeTempDir({ prefix: "processor-cluster-" });
  try {
    await step(t, "scale out 1 → 3 → 2: outputs equal the reference, all do work", async () => {
      const run = await scenarioRun(cluster, "scale", dir, async (run) => {
        run.start("a");
        await run.allWorking();
        const b = run.start("b");
        run.start("c");
        await run.allWorking();
        await run.chunksMore(2);
        assertEquals((await run.stop(b, "SIGTERM")).code, 0, b.log);
        await run.chunksMore(3);
      });
      for (const i of run.all) assert(i.assigned(run.s.readings), `${i.id} got no partition`);
    });

    await step(
      t,
      "SIGKILL one of three instances: its state moves through the changelog",
      async () => {
        const run = await scenarioRun(cluster, "kill", dir, async (run) => {
          run.start("a");
          run.start("b");
          const c = run.start("c");
          await run.allWorking();
          await run.chunksMore(1);
          assertEquals((await run.stop(c, "SIGKILL")).signal, "SIGKILL");
          await run.chunksMore(4);
        });
        const restored = run.all.some((i) => i.log.includes("from the changelog:"));
        assert(restored, "no instance restored the killed one's state from the changelog");
      },
    );

    await step(t, "SIGKILL a broker mid-run and restart it: nothing lost or doubled", async () => {
      const run = await scenarioRun(cluster, "broker", dir, async (run) => {
        run.start("a");
        run.start("b");
        await run.allWorking();
        // The broker coordinating overheating's group: the coordinator moves, and the static
        // members' sessions may time out and be fenced (FENCED_INSTANCE_ID, fatal to a
        // consumer), which the jobs must survive. A random broker often coordinates no group.
        const id = await groupCoordinator(cluster.bootstrap, `${run.s.groupPrefix}-overheating`);
        const broker = cluster.nodes[id - 1];
        await broker.kill();
        await run.chunksMore(4);
        await broker.start();
        await run.chunksMore(2);
      });
      const restarts = run.all.flatMap((i) =>
        [...i.log.matchAll(/"msg":"([\w-]+: restarting in \d+ ms)/g)].map((m) => `${i.id} ${m[1]}`)
      );
      console.log(`killed the coordinator; job restarts: ${restarts.join(", ") || "none"}`);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
