import { assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { FleetError } from "./core/fleet.ts";
import {
  type CliInput,
  defaultSeededStart,
  parseCli,
  producerCli,
  splitFlags,
  usage,
  UsageError,
} from "./cli.ts";

function input(args: string[], extra: Partial<CliInput> = {}): CliInput {
  return {
    args,
    readFile: () => {
      throw new Error("no such file");
    },
    now: () => Date.parse("2026-03-04T05:06:07.890Z"),
    randomSeed: () => "random",
    ...extra,
  };
}

Deno.test("parseCli: the done-criterion flags", () => {
  const config = parseCli(input([
    "--devices",
    "50",
    "--count=100000",
    "--seed",
    "42",
    "--bootstrap",
    "127.0.0.1:9092",
  ]));
  assertEquals(config.bootstrap, "127.0.0.1:9092");
  assertEquals(config.count, 100_000);
  assertEquals(config.seed, "42");
  assertEquals(config.startMs, Date.parse(defaultSeededStart));
  // Bounded and seeded: simulated from the fixed start, as fast as possible (reproducible).
  assertEquals(config.pacing, { mode: "max", capAtWallClock: true });
  assertEquals(config.fleet.devices.length, 1);
  assertEquals(config.fleet.devices[0].count, 50);
  assertEquals(config.topics.sensorReadings, "sensor-readings");
  assertEquals(config.commands, true);
});

Deno.test("parseCli: defaults, env bootstrap, start now, topics, rates, realism", () => {
  const config = parseCli(input([
    "--vehicles",
    "3",
    "--rate",
    "realtime",
    "--topic",
    "sensorReadings=a.readings",
    "--topic",
    "vehiclePressure=a.pressure",
    "--duration",
    "5m",
    "--late",
    "0.01",
    "--clock-skew",
    "2s",
    "--no-commands",
  ], { bootstrapEnv: "kafka:9092" }));
  assertEquals(config.bootstrap, "kafka:9092");
  assertEquals(config.seed, "random");
  assertEquals(config.startMs, Date.parse("2026-03-04T05:06:07.000Z"));
  assertEquals(config.fleet.devices.map((g) => [g.type, g.count]), [["vehicle", 3]]);
  assertEquals([config.topics.sensorReadings, config.topics.vehiclePressure], [
    "a.readings",
    "a.pressure",
  ]);
  assertEquals([config.pacing, config.durationMs, config.commands], [
    { mode: "realtime" },
    300_000,
    false,
  ]);
  assertEquals([config.fleet.realism.late, config.fleet.realism.clockSkew], [0.01, 2000]);
  assertEquals(parseCli(input(["--rate", "2500"])).pacing, { mode: "realtime", rate: 2500 });
  assertEquals(parseCli(input([])).fleet.devices[0].count, 10);
});

Deno.test("parseCli: bad flags are one-line UsageErrors", () => {
  const message = (args: string[]) => assertThrows(() => parseCli(input(args)), UsageError).message;
  assertEquals(message(["--nope"]), "unknown flag --nope (see --help)");
  assertEquals(message(["--devices"]), "--devices needs a value");
  assertEquals(message(["--devices", "x"]), '--devices: expected a number, got "x"');
  assertEquals(message(["--devices", "-1"]).startsWith("--devices:"), true);
  assertEquals(
    message(["--rate", "fast"]),
    '--rate: expected msgs/s > 0, "max" or "realtime", got "fast"',
  );
  assertEquals(
    message(["--temp-min", "30", "--temp-max", "20"]),
    "--temp-max: must be above --temp-min",
  );
  assertEquals(message(["--humidity-max", "120"]).startsWith("--humidity-max:"), true);
  assertEquals(message(["--start", "yesterday"]).startsWith("--start:"), true);
  assertEquals(message(["--topic", "nope=x"]).startsWith("--topic: expected ID=NAME"), true);
  assertEquals(message(["--count", "1", "--count", "2"]), "--count given twice");
  assertEquals(message(["stray"]), 'unexpected argument "stray"');
  assertEquals(message(["--fleet", "f.json", "--devices", "2"]).startsWith("--fleet cannot"), true);
  assertEquals(message(["--fleet", "missing.json"]).startsWith("--fleet: cannot read"), true);
});

Deno.test("parseCli: a fleet file is validated; flags add realism to it", () => {
  const files: Record<string, string> = {
    "good.json": JSON.stringify({ devices: [{ type: "vehicle", count: 2 }] }),
    "bad.json": JSON.stringify({ devices: [{ type: "vehicle", sensorsPerVehicle: 0 }] }),
  };
  const readFile = (path: string) => files[path];
  const config = parseCli(input(["--fleet", "good.json", "--duplicates", "0.1"], { readFile }));
  assertEquals(config.fleet.devices[0].count, 2);
  assertEquals(config.fleet.realism.duplicates, 0.1);
  const error = assertThrows(
    () => parseCli(input(["--fleet", "bad.json"], { readFile })),
    FleetError,
  );
  assertEquals(error.path, "devices.0.sensorsPerVehicle");
});

Deno.test("splitFlags collects repeated --topic values", () => {
  assertEquals([...splitFlags(["--topic", "a=b", "--topic=c=d", "--help"])], [
    ["topic", ["a=b", "c=d"]],
    ["help", ["true"]],
  ]);
});

Deno.test("usage lists every flag of the option table with its environment variable", () => {
  for (const [key, option] of Object.entries(producerCli.options)) {
    const flag = option.flag ?? key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    assertStringIncludes(usage, `--${flag}`);
  }
  assertStringIncludes(usage, "[PRODUCER_PARTITIONS, default 6]");
  assertStringIncludes(usage, "[KAFKA_BOOTSTRAP_SERVERS, default 127.0.0.1:9092]");
  assertStringIncludes(usage, "[PRODUCER_MAX_OUT_OF_ORDER, default 5000 ms]");
});

Deno.test("parseCli: PRODUCER_* variables and a --config file, below flags", () => {
  const env = { PRODUCER_PARTITIONS: "3", PRODUCER_RATE: "100", KAFKA_BOOTSTRAP_SERVERS: "k:1" };
  const readFile = (path: string) => {
    if (path !== "p.json") throw new Error("no such file");
    return JSON.stringify({ vehicles: 2, noCommands: true, topics: { alerts: "a.alerts" } });
  };
  const config = parseCli(input(["--config", "p.json", "--rate", "50"], { env, readFile }));
  assertEquals([config.partitions, config.pacing, config.bootstrap], [
    3,
    { mode: "realtime", rate: 50 },
    "k:1",
  ]);
  assertEquals([config.commands, config.topics.alerts], [false, "a.alerts"]);
  assertEquals(config.fleet.devices.map((g) => [g.type, g.count]), [["vehicle", 2]]);
  const message = assertThrows(
    () => parseCli(input([], { env: { PRODUCER_DEVICES: "x" } })),
    UsageError,
  ).message;
  assertEquals(message, 'PRODUCER_DEVICES: expected a number, got "x"');
});
Deno.test("parseCli: pacing mode from the flags; real time unless simulated time is asked", () => {
  const now = Date.parse("2026-03-04T05:06:07.890Z");
  const wall = Date.parse("2026-03-04T05:06:07.000Z");
  const seeded = Date.parse(defaultSeededStart);
  const t = Date.parse("2025-06-01T00:00:00.000Z");
  const plan = (...args: string[]) => {
    const config = parseCli(input(args, { now: () => now }));
    return [config.pacing, config.startMs];
  };
  // The seeds' meaning: `--rate 10 --devices 50` is 10 msgs/s in real time.
  assertEquals(plan("--rate", "10", "--devices", "50"), [{ mode: "realtime", rate: 10 }, wall]);
  assertEquals(plan("--rate", "10", "--seed", "42", "--count", "9"), [
    { mode: "realtime", rate: 10 },
    wall,
  ]);
  assertEquals(plan(), [{ mode: "realtime" }, wall]);
  assertEquals(plan("--seed", "42"), [{ mode: "realtime" }, wall]);
  assertEquals(plan("--seed", "42", "--count", "9"), [
    { mode: "max", capAtWallClock: true },
    seeded,
  ]);
  assertEquals(plan("--count", "9"), [{ mode: "max", capAtWallClock: true }, wall]);
  assertEquals(plan("--rate", "max"), [{ mode: "max", capAtWallClock: true }, wall]);
  assertEquals(plan("--rate", "max", "--start", "2025-06-01T00:00:00Z"), [
    { mode: "max", capAtWallClock: false },
    t,
  ]);
  assertEquals(plan("--start", "2025-06-01T00:00:00Z"), [
    { mode: "max", capAtWallClock: false },
    t,
  ]);
  assertEquals(plan("--start", "2025-06-01T00:00:00Z", "--rate", "10"), [
    { mode: "rate", rate: 10 },
    t,
  ]);
  assertEquals(plan("--start", "now", "--rate", "realtime"), [
    { mode: "speedup", speedup: 1 },
    wall,
  ]);
  assertEquals(plan("--speedup", "60", "--seed", "1"), [{ mode: "speedup", speedup: 60 }, seeded]);
  assertEquals(plan("--speedup", "60", "--start", "2025-06-01T00:00:00Z"), [
    { mode: "speedup", speedup: 60 },
    t,
  ]);
  const message = (args: string[]) => assertThrows(() => parseCli(input(args)), UsageError).message;
  assertEquals(message(["--speedup", "0"]).startsWith("--speedup:"), true);
  assertEquals(message(["--speedup", "2", "--rate", "max"]).startsWith("--speedup:"), true);
});

Deno.test("parseCli: --rate N in real time scales the sampling periods to N msgs/s", () => {
  const config = parseCli(input(["--rate", "10", "--devices", "50"]));
  const group = config.fleet.devices[0];
  // 50 devices each reporting once a second at their own periods; 10 msgs/s is every 5 s.
  assertEquals(group.type === "climate" && [group.temperature.period, group.humidity.period], [
    5000,
    10_000,
  ]);
  const simulated = parseCli(input(["--rate", "10", "--devices", "50", "--start", "now"]));
  const same = simulated.fleet.devices[0];
  assertEquals(same.type === "climate" && same.temperature.period, 1000);
});

Deno.test("parseCli: --overheat and --pressure-spike add anomalies; unknown ids are one line", () => {
  const config = parseCli(input([
    "--devices",
    "50",
    "--vehicles",
    "3",
    "--overheat",
    "climate-0007@30s",
    "--overheat",
    "climate-0001",
    "--pressure-spike",
    "vehicle-0002-tire-3@2m",
  ]));
  assertEquals(config.fleet.anomalies.map((a) => [a.kind, a.target, a.at]), [
    ["overheat", "climate-0007", 30_000],
    ["overheat", "climate-0001", 0],
    ["spike", "vehicle-0002-tire-3", 120_000],
  ]);
  const message = (args: string[]) => assertThrows(() => parseCli(input(args)), UsageError).message;
  assertEquals(
    message(["--devices", "50", "--overheat", "climate-51"]),
    '--overheat: no device "climate-51" in the fleet; ids are climate-0001..climate-0050',
  );
  assertEquals(
    message(["--devices", "2", "--vehicles", "3", "--pressure-spike", "climate-0001"]),
    '--pressure-spike: no vehicle or tyre sensor "climate-0001" in the fleet; ids are ' +
      "vehicle-0001..vehicle-0003 (sensors vehicle-NNNN-tire-1..4)",
  );
  const env = { PRODUCER_OVERHEAT: "climate-0002@1m,climate-0003" };
  assertEquals(
    parseCli(input(["--devices", "5"], { env })).fleet.anomalies.map((a) => [a.target, a.at]),
    [["climate-0002", 60_000], ["climate-0003", 0]],
  );
  assertEquals(
    assertThrows(() => parseCli(input([], { env: { PRODUCER_OVERHEAT: "x" } })), UsageError)
      .message,
    'PRODUCER_OVERHEAT: no device "x" in the fleet; ids are climate-0001..climate-0010',
  );
  assertEquals(
    message(["--overheat", "climate-0001@soon"]),
    '--overheat: expected ID[@AFTER] (e.g. climate-0007@30s), got "climate-0001@soon"',
  );
});
