import { assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { flagOf, helpText, LOCK_FILE, lockDir } from "@iot/service";
import { buildJobs, loadConfig } from "./main.ts";
import { processorCli, processorDefaults } from "./options.ts";
import { changelogTopic } from "./runtime/changelog.ts";
import { resolveOptions } from "./runtime/runner_options.ts";

const base = ["--bootstrap", "127.0.0.1:9092", "--state-dir", "/tmp/processor"];

Deno.test("loadConfig: flags override defaults; jobs build with renamed topics", () => {
  const config = loadConfig([
    ...base,
    "--jobs=device-aggregates,vehicle-max",
    "--window-ms",
    "5000",
    "--processing-guarantee",
    "at-least-once",
    "--topic",
    "sensorReadings=staging.readings",
  ]);
  assertEquals(config.windowMs, 5000);
  assertEquals(config.processingGuarantee, "at-least-once");
  assertEquals(config.checkpointIntervalMs, 10_000);
  assertEquals(config.changelog, true);
  assertEquals(config.maxPendingOutputs, 200_000);
  const jobs = buildJobs(config);
  // device-aggregates reads the readings keyed by device, which readings-by-device writes.
  assertEquals(jobs.map((j) => j.name), ["readings-by-device", "device-aggregates", "vehicle-max"]);
  assertEquals(jobs[0].inputs, ["staging.readings"]);
  assertEquals(jobs[1].inputs, ["processor-sensor-readings-by-device"]);
  assertEquals(jobs[2].inputs, ["vehicle-pressure", "processor-vehicle-max-repartition"]);
});

Deno.test("loadConfig: a bad value is one clear error naming the setting", () => {
  const error = (args: string[]) => assertThrows(() => loadConfig(args), Error).message;
  // Errors name the flag as typed (issue 9.9), no longer the camelCase config key.
  assertEquals(error(["--bootstrap", "x"]).startsWith("--state-dir is required"), true);
  assertEquals(error([...base, "--window-ms", "-1"]).startsWith("--window-ms:"), true);
  assertEquals(
    error([...base, "--jobs", "nope"]),
    '--jobs: expected one of readings-by-device, device-aggregates, overheating, vehicle-max; got "nope"',
  );
  assertEquals(error([...base, "--bogus", "1"]).includes("bogus"), true);
  assertEquals(error([...base, "--window-ms"]), "--window-ms needs a value");
  assertEquals(
    error([...base, "--window-ms", "--jobs", "overheating"]),
    "--window-ms needs a value",
  );
  assertEquals(
    error([...base, "--max-pending-outputs", "10", "--resume-pending-outputs", "10"]),
    "--resume-pending-outputs: must be below --max-pending-outputs (10)",
  );
  assertEquals(
    error([...base, "--processingGuarantee", "at-least-once"]),
    "unknown flag --processingGuarantee (did you mean --processing-guarantee? see --help)",
  );
});

Deno.test("loadConfig: PROCESSOR_* variables and the --config file keep their names; flags win", () => {
  const files: Record<string, string> = {
    "p.json": JSON.stringify({
      bootstrap: "k:1",
      stateDir: "/s",
      windowMs: 7000,
      topics: { alerts: "a.alerts" },
      jobs: ["overheating"],
    }),
  };
  const env = { PROCESSOR_CONFIG: "p.json", PROCESSOR_WINDOW_MS: "8000", PROCESSOR_FSYNC: "false" };
  const config = loadConfig(["--window-ms", "9000"], env, (path) => files[path]);
  assertEquals([config.bootstrap, config.stateDir, config.windowMs], ["k:1", "/s", 9000]);
  assertEquals([config.fsync, config.jobs, config.topics], [false, ["overheating"], {
    alerts: "a.alerts",
  }]);
  assertEquals(loadConfig([], env, (path) => files[path]).windowMs, 8000);
  assertEquals(loadConfig(["--config", "p.json"], {}, (path) => files[path]).windowMs, 7000);
  assertEquals(
    assertThrows(() => loadConfig(base, { PROCESSOR_PARTITIONS: "0" }), Error).message,
    "PROCESSOR_PARTITIONS: must be at least 1, got 0",
  );
});

Deno.test("--help lists every flag of the table and the real changelog topic name", () => {
  const help = helpText(processorCli);
  for (const [key, option] of Object.entries(processorCli.options)) {
    assertStringIncludes(help, `--${flagOf(key, option)}`);
  }
  const group = `${processorDefaults.groupPrefix}-overheating`;
  assertStringIncludes(help, changelogTopic(group, "overheating"));
  assertStringIncludes(help, "<group>-<job>-changelog");
  assertStringIncludes(help, "[PROCESSOR_STATUS_PORT, default 9470]");
});

Deno.test("the job runner's defaults are the option table's", () => {
  const [job] = buildJobs(loadConfig(base));
  const resolved = resolveOptions({ job, bootstrap: "x", stateDir: "/s" });
  assertEquals(resolved.checkpointIntervalMs, processorDefaults.checkpointIntervalMs);
  assertEquals(resolved.maxPendingOutputs, processorDefaults.maxPendingOutputs);
  assertEquals(resolved.groupId, `${processorDefaults.groupPrefix}-${job.name}`);
  assertEquals(resolved.instanceId, processorDefaults.instanceId);
});

const main = new URL("./main.ts", import.meta.url).pathname;

async function runMain(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", main, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

Deno.test("main: --help, a locked --state-dir and a taken --status-port; each one line, exit 2", async () => {
  const stateDir = await Deno.makeTempDir({ prefix: "processor-main-" });
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const help = await runMain(["--help"]);
    assertEquals(help.code, 0);
    assertStringIncludes(help.stdout, "Usage: deno task processor");
    const args = ["--bootstrap", "127.0.0.1:1", "--state-dir", stateDir];
    {
      using _lock = lockDir(stateDir);
      const locked = await runMain([...args, "--status-port", "0"]);
      assertEquals(locked.code, 2);
      assertStringIncludes(
        locked.stderr,
        `processor: ${stateDir} is in use by process ${Deno.pid}`,
      );
      assertEquals(locked.stderr.trim().split("\n").length, 1);
    }
    // A lock left by a dead process is taken over (logged with a timestamp), then released.
    const dead = { pid: 2 ** 22 + 1, hostname: Deno.hostname(), startedAt: "2026-01-01T00:00:00Z" };
    await Deno.writeTextFile(`${stateDir}/${LOCK_FILE}`, JSON.stringify(dead));
    const port = listener.addr.port;
    const taken = await runMain([...args, "--status-port", String(port)]);
    assertEquals(taken.code, 2);
    const [warning, line, ...rest] = taken.stderr.trim().split("\n");
    assertEquals(rest, []);
    const logged = JSON.parse(warning);
    assertEquals([logged.level, logged.msg, logged.pid], [
      "warn",
      "took over a stale state-dir lock",
      dead.pid,
    ]);
    assertEquals(Number.isNaN(Date.parse(logged.ts)), false);
    assertEquals(
      line,
      `processor: status port ${port} is in use; pass --status-port 0 for a free one`,
    );
    assertEquals([...Deno.readDirSync(stateDir)].map((e) => e.name), []);
  } finally {
    listener.close();
    await Deno.remove(stateDir, { recursive: true });
  }
});
