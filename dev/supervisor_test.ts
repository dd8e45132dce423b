import { assert, assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { waitFor } from "@iot/testing";
import { StartError, type SupervisedService, Supervisor } from "./supervisor.ts";
import { deferred, FakeSpawner, ManualTimer } from "./supervisor_test_util.ts";

const until = (condition: () => boolean, message: string) =>
  waitFor(condition, { intervalMs: 1, timeoutMs: 2_000, message });

function pipeline(brokerReady: Promise<void>): SupervisedService[] {
  const base = { command: "deno", args: [], env: {}, essential: false };
  return [
    { ...base, name: "broker", dependsOn: [], essential: true, ready: () => brokerReady },
    { ...base, name: "producer", dependsOn: ["broker"] },
    { ...base, name: "processor", dependsOn: ["broker"] },
  ];
}

function setup(services?: SupervisedService[]) {
  const spawner = new FakeSpawner();
  const timer = new ManualTimer();
  const reports: string[] = [];
  const output: string[] = [];
  const brokerReady = deferred();
  const supervisor = new Supervisor(services ?? pipeline(brokerReady.promise), {
    spawner,
    timer: timer.timer,
    graceMs: 5_000,
    keepLines: 2,
    output: (service, line) => output.push(`${service}: ${line}`),
    report: (message) => {
      if (!message.startsWith("started ")) reports.push(message);
    },
  });
  return { spawner, timer, reports, output, brokerReady, supervisor };
}

Deno.test("Supervisor starts dependents only once the broker is ready", async () => {
  const { spawner, brokerReady, supervisor, output } = setup();
  const started = supervisor.start();
  await until(() => spawner.children.has("broker"), "broker spawned");
  spawner.children.get("broker")!.print("broker ready");
  assertEquals(spawner.log, ["spawn broker"]);
  brokerReady.resolve();
  await started;
  assertEquals(spawner.log, ["spawn broker", "spawn producer", "spawn processor"]);
  assertEquals(output, ["broker: broker ready"]);
  await supervisor.stop();
});

Deno.test("Supervisor stops dependents first, then the broker", async () => {
  const { spawner, brokerReady, supervisor } = setup();
  brokerReady.resolve();
  await supervisor.start();
  await supervisor.stop();
  const kills = spawner.log.filter((l) => l.startsWith("kill") || l.startsWith("exit"));
  assertEquals(kills.slice(-2), ["kill broker SIGTERM", "exit broker"]);
  assertEquals(
    new Set(kills.slice(0, 4)),
    new Set([
      "kill producer SIGTERM",
      "exit producer",
      "kill processor SIGTERM",
      "exit processor",
    ]),
  );
  await supervisor.done();
});

Deno.test("Supervisor SIGKILLs a service that ignores SIGTERM after the grace period", async () => {
  const { spawner, brokerReady, supervisor, timer, reports } = setup();
  spawner.stubborn.add("processor");
  brokerReady.resolve();
  await supervisor.start();
  const stopping = supervisor.stop();
  await until(
    () => timer.pending > 0 && spawner.children.get("producer")!.signals.length > 0,
    "grace",
  );
  assertEquals(spawner.children.get("broker")!.signals, [], "broker waits for its dependents");
  assertEquals(spawner.children.get("processor")!.signals, ["SIGTERM"]);
  timer.fireAll();
  await stopping;
  assertEquals(spawner.children.get("processor")!.signals, ["SIGTERM", "SIGKILL"]);
  assertEquals(spawner.children.get("broker")!.signals, ["SIGTERM"]);
  assert(reports.includes("processor did not stop within 5000 ms: SIGKILL"), reports.join("\n"));
});

Deno.test("Supervisor reports a dead service with its last lines; the others go on", async () => {
  const { spawner, brokerReady, supervisor, reports } = setup();
  brokerReady.resolve();
  await supervisor.start();
  const processor = spawner.children.get("processor")!;
  for (const line of ["one", "two", "three"]) processor.print(line);
  processor.exit(1);
  await until(() => reports.length === 2, "two reports");
  assertEquals(reports[0], "processor exited with code 1; last lines:\n    two\n    three");
  assertStringIncludes(reports[1], "the others go on (broker, producer)");
  assertEquals(spawner.children.get("broker")!.signals, []);
  assertEquals(spawner.children.get("producer")!.signals, []);
  await supervisor.stop();
});

Deno.test("Supervisor stops everything when an essential service dies", async () => {
  const { spawner, brokerReady, supervisor, reports } = setup();
  brokerReady.resolve();
  await supervisor.start();
  spawner.children.get("broker")!.exit(1);
  await supervisor.done();
  assertEquals(reports[0], "broker exited with code 1; it printed nothing");
  assertEquals(reports[1], "broker is essential: stopping the others");
  assertEquals(spawner.children.get("producer")!.signals, ["SIGTERM"]);
  assertEquals(spawner.children.get("processor")!.signals, ["SIGTERM"]);
  assertEquals(supervisor.exits().get("broker"), { code: 1, signal: null });
});

Deno.test("Supervisor.start rejects when a service exits before it is ready", async () => {
  const { spawner, supervisor, reports } = setup();
  const started = supervisor.start();
  await until(() => spawner.children.has("broker"), "broker spawned");
  spawner.children.get("broker")!.print("broker: port 9092 is taken");
  spawner.children.get("broker")!.exit(2);
  await assertRejects(
    () => started,
    StartError,
    "broker exited before it was ready (exited with code 2)",
  );
  assertEquals(reports, ["broker exited with code 2; last lines:\n    broker: port 9092 is taken"]);
  assertEquals(spawner.log, ["spawn broker", "exit broker"], "nothing else was started");
  await supervisor.done();
});

Deno.test("Supervisor.start rejects with one line when a program cannot be started", async () => {
  const { spawner, brokerReady, supervisor } = setup();
  spawner.failing.add("producer");
  brokerReady.resolve();
  await assertRejects(() => supervisor.start(), StartError, "producer could not be started");
  assertEquals(spawner.children.get("broker")!.signals, ["SIGTERM"]);
  await supervisor.done();
});

Deno.test("Supervisor rejects a table whose dependencies are out of order", () => {
  const s = { command: "x", args: [], env: {}, essential: false };
  try {
    new Supervisor([{ ...s, name: "a", dependsOn: ["b"] }, { ...s, name: "b", dependsOn: [] }], {
      spawner: new FakeSpawner(),
      output: () => {},
      report: () => {},
    });
    throw new Error("accepted");
  } catch (e) {
    assert(e instanceof TypeError);
    assertStringIncludes(e.message, "a depends on b, not listed before it");
  }
});
