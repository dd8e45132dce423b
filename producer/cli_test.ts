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
  assertEquals(config.rate, "max");
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
  assertEquals([config.rate, config.durationMs, config.commands], ["realtime", 300_000, false]);
  assertEquals([config.fleet.realism.late, config.fleet.realism.clockSkew], [0.01, 2000]);
  assertEquals(parseCli(input(["--rate", "2500"])).rate, 2500);
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
  assertEquals([config.partitions, config.rate, config.bootstrap], [3, 50, "k:1"]);
  assertEquals([config.commands, config.topics.alerts], [false, "a.alerts"]);
  assertEquals(config.fleet.devices.map((g) => [g.type, g.count]), [["vehicle", 2]]);
  const message = assertThrows(
    () => parseCli(input([], { env: { PRODUCER_DEVICES: "x" } })),
    UsageError,
  ).message;
  assertEquals(message, 'PRODUCER_DEVICES: expected a number, got "x"');
});
