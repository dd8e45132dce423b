import { assertEquals, assertThrows } from "@std/assert";
import { buildJobs, loadConfig } from "./main.ts";

const base = ["--bootstrap", "127.0.0.1:9092", "--state-dir", "/tmp/processor"];

Deno.test("loadConfig: flags override defaults; jobs build with renamed topics", () => {
  const config = loadConfig([
    ...base,
    "--jobs=device-aggregates,vehicle-max",
    "--window-ms",
    "5000",
    "--exactly-once",
    "false",
    "--topic",
    "sensorReadings=staging.readings",
  ]);
  assertEquals(config.windowMs, 5000);
  assertEquals(config.exactlyOnce, false);
  assertEquals(config.checkpointIntervalMs, 10_000);
  assertEquals(config.changelog, true);
  assertEquals(config.maxPendingOutputs, 200_000);
  const jobs = buildJobs(config);
  assertEquals(jobs.map((j) => j.name), ["device-aggregates", "vehicle-max"]);
  assertEquals(jobs[0].inputs, ["staging.readings"]);
  assertEquals(jobs[1].inputs, ["vehicle-pressure", "processor-vehicle-max-repartition"]);
});

Deno.test("loadConfig: a bad value is one clear error naming the setting", () => {
  const error = (args: string[]) => assertThrows(() => loadConfig(args), Error).message;
  assertEquals(error(["--bootstrap", "x"]).startsWith("stateDir:"), true);
  assertEquals(error([...base, "--window-ms", "-1"]).startsWith("windowMs:"), true);
  assertEquals(error([...base, "--jobs", "nope"]).startsWith("jobs.0:"), true);
  assertEquals(error([...base, "--bogus", "1"]).includes("bogus"), true);
  assertEquals(error([...base, "--window-ms"]), "--window-ms needs a value");
  assertEquals(
    error([...base, "--max-pending-outputs", "10", "--resume-pending-outputs", "10"]),
    "resumePendingOutputs: must be below maxPendingOutputs (10)",
  );
});
