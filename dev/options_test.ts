import { assert, assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { UsageError } from "@iot/service";
import { devUsage, parseDevArgs } from "./options.ts";

const message = (args: string[], env: Record<string, string> = {}) =>
  assertThrows(() => parseDevArgs(args, env), UsageError).message;

Deno.test("parseDevArgs: defaults", () => {
  assertEquals(parseDevArgs([]), {
    dataDir: "./data",
    portBase: 9092,
    devices: 10,
    vehicles: 2,
    rate: "realtime",
    overheat: [],
    pressureSpike: [],
    graceMs: 10_000,
  });
  assertEquals(parseDevArgs(["--help"]), "help");
});

Deno.test("parseDevArgs: every flag, and DEV_* variables under the flags", () => {
  const options = parseDevArgs([
    "--data-dir=/d",
    "--kafka",
    "a:1,b:2",
    "--kafka-properties",
    "f.properties",
    "--port-base",
    "0",
    "--devices",
    "3",
    "--vehicles=0",
    "--rate",
    "250",
    "--overheat",
    "climate-0001@5s",
    "--overheat=climate-0002",
    "--pressure-spike",
    "vehicle-0001",
    "--mongo",
    "mongodb://h:27017",
    "--cassandra",
    "c:9042",
    "--grace-ms",
    "500",
  ], { DEV_DEVICES: "7", DEV_GRACE_MS: "9" });
  assertEquals(options, {
    dataDir: "/d",
    kafka: "a:1,b:2",
    kafkaProperties: "f.properties",
    portBase: 0,
    devices: 3,
    vehicles: 0,
    rate: "250",
    overheat: ["climate-0001@5s", "climate-0002"],
    pressureSpike: ["vehicle-0001"],
    mongo: "mongodb://h:27017",
    cassandra: "c:9042",
    graceMs: 500,
  });
  const fromEnv = parseDevArgs([], { DEV_DEVICES: "7", DEV_OVERHEAT: "a,b" });
  assert(fromEnv !== "help");
  assertEquals([fromEnv.devices, fromEnv.overheat], [7, ["a", "b"]]);
});

Deno.test("parseDevArgs: bad input is one line naming the flag", () => {
  assertEquals(message(["--kafka", "nope"]), "--kafka: expected HOST:PORT[,HOST:PORT...]");
  assertEquals(message(["--devices=-1"]), "--devices: must be at least 0, got -1");
  assertEquals(message(["--devices", "many"]), '--devices: expected a number, got "many"');
  assertEquals(message(["--port-base", "65001"]), "--port-base: must be at most 65000, got 65001");
  assertEquals(message(["--grace-ms", "0"]), "--grace-ms: must be at least 1, got 0");
  assertEquals(message(["--rate", "fast"]), '--rate: expected "realtime" or msgs/s > 0');
  assertEquals(message(["--rate", "0"]), '--rate: expected "realtime" or msgs/s > 0');
  assertEquals(message(["--mongo", "http://x"]), "--mongo: expected a mongodb:// URL");
  assertEquals(message(["--cassandra", "c"]), "--cassandra: expected HOST:PORT[,HOST:PORT...]");
  assertEquals(message(["--bogus"]), "unknown flag --bogus (see --help)");
  assertEquals(message(["--data-dir"]), "--data-dir needs a value");
  assertEquals(message(["stray"]), 'unexpected argument "stray"');
  assertEquals(message([], { DEV_DEVICES: "x" }), 'DEV_DEVICES: expected a number, got "x"');
});

Deno.test("parseDevArgs: --kafka-properties needs --kafka", () => {
  assertEquals(
    message(["--kafka-properties", "/f"]),
    "--kafka-properties: needs --kafka (the broker shim takes no SASL/TLS)",
  );
  const options = parseDevArgs(["--kafka", "k:1", "--kafka-properties", "f.properties"]);
  assertEquals(options !== "help" && options.kafkaProperties, "f.properties");
});

Deno.test("devUsage: --help lists every flag with its variable and default, and the services' env", () => {
  const lines = devUsage.split("\n");
  assertEquals(lines[0], "Usage: deno task dev [flags]");
  for (
    const [flag, note] of [
      ["--data-dir DIR", "[DEV_DATA_DIR, default ./data]"],
      ["--port-base N", "[DEV_PORT_BASE, default 9092]"],
      ["--grace-ms N", "[DEV_GRACE_MS, default 10000]"],
      ["--kafka HOST:PORT", "[DEV_KAFKA]"],
      ["--kafka-properties FILE", "[DEV_KAFKA_PROPERTIES]"],
      ["--devices N", "[DEV_DEVICES, default 10]"],
      ["--vehicles N", "[DEV_VEHICLES, default 2]"],
      ["--rate R", "[DEV_RATE, default realtime]"],
      ["--overheat ID[@AFTER]", "[DEV_OVERHEAT, repeatable]"],
      ["--pressure-spike ID[@AFTER]", "[DEV_PRESSURE_SPIKE, repeatable]"],
      ["--mongo URL", "[DEV_MONGO]"],
      ["--cassandra HOST:PORT", "[DEV_CASSANDRA]"],
      ["--help, -h", "this text"],
    ]
  ) {
    assert(lines.some((l) => l.startsWith(`  ${flag} `)), `${flag} listed`);
    assertStringIncludes(devUsage, note);
  }
  assertStringIncludes(devUsage, "\nKafka:\n");
  assertStringIncludes(devUsage, "PROCESSOR_WINDOW_MS=5000");
  assert(!devUsage.includes("--config"), "the launcher takes no config file");
  for (const line of lines) assert(line.length <= 100, `too wide: ${line}`);
});
