import { assertEquals, assertThrows } from "@std/assert";
import { parseDevArgs } from "./options.ts";
import { assignPorts, type PlanInput, planLaunch } from "./plan.ts";
import { services } from "./services.ts";

function input(args: string[], existing: string[]): PlanInput {
  const options = parseDevArgs(args);
  if (options === "help") throw new Error("help");
  return {
    options: { ...options, dataDir: "/d" },
    entries: services,
    root: "/repo",
    deno: "deno",
    exists: (path) => existing.includes(path),
    freePorts: (n) => Array.from({ length: n }, (_, i) => 40_000 + i),
    tokenFile: "/d/api-token",
  };
}
const today = ["broker/main.ts", "producer/main.ts", "processor/main.ts"].map((m) => `/repo/${m}`);

Deno.test("planLaunch: today's members run, sinks and api wait for their main.ts", () => {
  const plan = planLaunch(input([], today));
  assertEquals(plan.services.map((s) => s.name), ["broker", "producer", "processor"]);
  assertEquals(plan.skipped.map((s) => s.reason), [
    "sinks/main.ts does not exist yet",
    "api/main.ts does not exist yet",
  ]);
  assertEquals(plan.ctx.bootstrap, "127.0.0.1:9092");
  assertEquals(plan.portsToCheck, [
    { name: "broker.kafka", port: 9092 },
    { name: "broker.admin", port: 9093 },
    { name: "processor.status", port: 9094 },
  ]);
  // The broker runs with its small young generation (broker/v8_flags.ts).
  assertEquals(plan.services[0].args.slice(0, 4), [
    "run",
    "--allow-all",
    "--v8-flags=--max-semi-space-size=1",
    "/repo/broker/main.ts",
  ]);
  const processor = plan.services[2];
  assertEquals(processor.dependsOn, ["broker"]);
  assertEquals(processor.readyPort, 9094);
  assertEquals(processor.args.slice(0, 3), ["run", "--allow-all", "/repo/processor/main.ts"]);
  assertEquals(processor.args.slice(3), [
    "--bootstrap",
    "127.0.0.1:9092",
    "--state-dir",
    "/d/processor",
    "--status-port",
    "9094",
  ]);
});

Deno.test("planLaunch: with every main.ts, the API gets its port, store and token file", () => {
  const all = [...today, "/repo/sinks/main.ts", "/repo/api/main.ts"];
  const plan = planLaunch(input(["--port-base", "0", "--mongo", "mongodb://m:27017/"], all));
  const api = plan.services.find((s) => s.name === "api")!;
  assertEquals(api.env, { API_TOKEN_FILE: "/d/api-token" });
  // The API reads MongoDB only together with Cassandra; with MongoDB alone it reads the
  // embedded store, which the sinks write as well.
  assertEquals(api.args.slice(3), [
    "--bootstrap",
    "127.0.0.1:40000",
    "--sqlite",
    "/d/store/iot.db",
    "--token-file",
    "/d/api-token",
    "--port",
    "40004",
    "--service",
    "processor=http://127.0.0.1:40002/status",
    "--service",
    "sinks=http://127.0.0.1:40003/status",
  ]);
  const sinks = plan.services.find((s) => s.name === "sinks")!;
  assertEquals(sinks.args.includes("--mongo-url"), true);
});

Deno.test("planLaunch: --kafka skips the shim and drops the dependency on it", () => {
  const plan = planLaunch(input(["--kafka", "k:9092"], today));
  assertEquals(plan.services.map((s) => s.name), ["producer", "processor"]);
  assertEquals(plan.services.map((s) => s.dependsOn), [[], []]);
  assertEquals(plan.ctx.bootstrap, "k:9092");
  assertEquals(plan.services[0].args.slice(3, 5), ["--bootstrap", "k:9092"]);
  assertEquals(plan.skipped[0], { name: "broker", reason: "not needed in this run" });
});

Deno.test("planLaunch: a missing required main.ts is an error", () => {
  assertThrows(() => planLaunch(input([], today.slice(1))), TypeError, "broker/main.ts is missing");
});

Deno.test("assignPorts: fixed offsets from the base, or free ports", () => {
  assertEquals(assignPorts(["a", "b"], 100, () => []), { a: 100, b: 101 });
  assertEquals(assignPorts(["a", "b"], 0, () => [7, 9]), { a: 7, b: 9 });
});

Deno.test("planLaunch: --overheat and --pressure-spike go to the producer, repeated", () => {
  const args = [
    "--overheat",
    "climate-0001@5s",
    "--overheat=climate-0002",
    "--pressure-spike",
    "x",
  ];
  const producer = planLaunch(input(args, today)).services[1];
  assertEquals(producer.args.slice(-6), [
    "--overheat",
    "climate-0001@5s",
    "--overheat",
    "climate-0002",
    "--pressure-spike",
    "x",
  ]);
});

Deno.test("planLaunch: a compiled launcher runs the sibling executables", () => {
  const plan = planLaunch({
    ...input([], ["/bin/iot-broker", "/bin/iot-producer", "/bin/iot-processor"]),
    compiledDir: "/bin",
  });
  assertEquals(plan.services.map((s) => s.command), [
    "/bin/iot-broker",
    "/bin/iot-producer",
    "/bin/iot-processor",
  ]);
  assertEquals(plan.services[0].args.slice(0, 2), ["--port", "9092"]);
  assertEquals(plan.skipped[0].reason, "/bin/iot-sinks does not exist yet");
});

Deno.test("planLaunch: --kafka-properties reaches every service that talks to Kafka", () => {
  const all = [...today, "/repo/sinks/main.ts", "/repo/api/main.ts"];
  const args = ["--kafka", "k:9093", "--kafka-properties", "/etc/iot/kafka.properties"];
  const plan = planLaunch(input(args, all));
  assertEquals(plan.ctx.kafkaProperties, "/etc/iot/kafka.properties");
  for (const s of plan.services) {
    const i = s.args.indexOf("--kafka-properties");
    assertEquals(s.args.slice(i - 2, i + 2), [
      "--bootstrap",
      "k:9093",
      "--kafka-properties",
      "/etc/iot/kafka.properties",
    ], s.name);
  }
  assertEquals(plan.services.map((s) => s.name), ["producer", "processor", "sinks", "api"]);
  // Without the flag no service gets one.
  const plain = planLaunch(input(["--kafka", "k:9093"], all));
  assertEquals(plain.services.some((s) => s.args.includes("--kafka-properties")), false);
});
