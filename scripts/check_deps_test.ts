import { assertEquals } from "@std/assert";
import {
  checkGraph,
  type GraphDependency,
  type GraphModule,
  listRepo,
  type ModuleGraph,
  readGraph,
} from "./check_deps.ts";

const ROOT = "file:///repo/";

/** `[specifier as written, resolved repo path or external URL]`, one import per line. */
type Import = [specifier: string, to: string];

/** A module at repo path `path` whose imports are on lines 1, 2, ... (`type:` = import type). */
function mod(path: string, ...imports: Import[]): GraphModule {
  const dependencies = imports.map(([specifier, to], line): GraphDependency => {
    const typeOnly = specifier.startsWith("type:");
    const resolved = {
      specifier: /^[a-z]+:/.test(to) ? to : ROOT + to,
      span: { start: { line, character: 7 } },
    };
    return typeOnly
      ? { specifier: specifier.slice(5), type: resolved }
      : { specifier, code: resolved };
  });
  return { specifier: ROOT + path, dependencies };
}

const check = (...modules: GraphModule[]) =>
  checkGraph({ modules }, { root: ROOT }).map((v) => `${v.path}:${v.line}: ${v.message}`);

Deno.test("checkGraph() accepts a clean workspace", () => {
  assertEquals(
    check(
      mod("kafka/mod.ts", ["./producer.ts", "kafka/producer.ts"], ["zod", "npm:zod@4.6.7"]),
      mod("kafka/producer_test.ts", ["@iot/testing", "testing/mod.ts"], [
        "@std/assert",
        "testing/std_assert.ts",
      ]),
      mod("events/mod.ts", ["node:util", "node:util"]),
      mod("service/mod.ts", ["./http_server.ts", "service/http_server.ts"]),
      mod("broker/main.ts", ["@iot/service", "service/mod.ts"]),
      mod("producer/main.ts", ["@iot/kafka", "kafka/mod.ts"], ["@iot/service", "service/mod.ts"]),
      mod("processor/core/window.ts", ["type:@iot/events", "events/mod.ts"]),
      mod("processor/core/window_test.ts", [
        "./core_test_util.ts",
        "processor/core/core_test_util.ts",
      ]),
      mod("scripts/bench/kafka.ts", ["@iot/testing", "testing/mod.ts"], [
        "@iot/broker/testing",
        "broker/start_broker_test_util.ts",
      ]),
      mod("testing/mod.ts", ["./kafka.ts", "testing/kafka.ts"]),
      mod("api/routes/devices.ts", ["../app.ts", "api/app.ts"]),
      mod("scripts/lib.ts", ["./bench/kafka.ts", "scripts/bench/kafka.ts"]),
    ),
    [],
  );
});

Deno.test("checkGraph() flags relative imports that leave their member", () => {
  assertEquals(
    check(
      mod("producer/main.ts", ["@iot/events", "events/mod.ts"], [
        "../kafka/mod.ts",
        "kafka/mod.ts",
      ]),
      mod("api/a/b.ts", ["../../scripts/x.ts", "scripts/x.ts"]),
    ),
    [
      'api/a/b.ts:1: relative import "../../scripts/x.ts" leaves member api',
      'producer/main.ts:2: relative import "../kafka/mod.ts" leaves member producer; ' +
      'import "@iot/kafka" instead',
    ],
  );
});

Deno.test("checkGraph() flags scripts reaching into a member by relative path", () => {
  assertEquals(
    check(
      mod("scripts/bench/x.ts", ["../../testing/kafka_runtime.ts", "testing/kafka_runtime.ts"]),
      mod("scripts/y.ts", ["@iot/testing", "testing/mod.ts"]),
    ),
    [
      'scripts/bench/x.ts:1: relative import "../../testing/kafka_runtime.ts" reaches into ' +
      'member testing; import "@iot/testing"',
    ],
  );
});

Deno.test("checkGraph() keeps kafka and service leaves, broker on service only", () => {
  assertEquals(
    check(
      mod("kafka/mod.ts", ["@iot/events", "events/mod.ts"]),
      mod("service/mod.ts", ["type:@iot/kafka", "kafka/mod.ts"]),
      mod("broker/server.ts", ["@iot/kafka/codec", "kafka/codec.ts"], [
        "@iot/service",
        "service/mod.ts",
      ]),
      mod("broker/server_bench.ts", ["@iot/testing", "testing/mod.ts"]),
      mod("service/http_server_test.ts", ["@std/assert", "testing/std_assert.ts"]),
    ),
    [
      "broker/server.ts:1: broker must not import @iot/kafka/codec (member kafka) (only " +
      "@iot/service)",
      "kafka/mod.ts:1: kafka must not import @iot/events (member events)",
      "service/mod.ts:1: service must not import @iot/kafka (member kafka)",
    ],
  );
});

Deno.test("checkGraph() lets only broker, apps and dev import @iot/service", () => {
  assertEquals(
    check(
      mod("events/mod.ts", ["@iot/service", "service/mod.ts"]),
      mod("sinks/main.ts", ["@iot/service", "service/mod.ts"]),
      mod("api/main.ts", ["@iot/service", "service/mod.ts"]),
      mod("dev/options.ts", ["@iot/service", "service/mod.ts"]),
    ),
    [
      "events/mod.ts:1: only broker, apps and dev may import @iot/service " +
      "(events imports @iot/service)",
    ],
  );
});

Deno.test("checkGraph() allows test code (testing/, @std/assert) only in tests and scripts", () => {
  assertEquals(
    check(
      mod("sinks/writer.ts", ["@iot/testing", "testing/mod.ts"]),
      mod("events/codec.ts", ["@std/assert", "testing/std_assert.ts"]),
      mod("sinks/writer_test.ts", ["@iot/testing", "testing/mod.ts"]),
      mod("sinks/writer_test_util.ts", ["@std/assert", "testing/std_assert.ts"]),
      mod("scripts/seed.ts", ["@iot/testing", "testing/mod.ts"]),
    ),
    [
      "events/codec.ts:1: @std/assert (test code) may only be imported from test code and scripts/",
      "sinks/writer.ts:1: @iot/testing (test code) may only be imported from test code and " +
      "scripts/",
    ],
  );
});

Deno.test("checkGraph() keeps product code from importing test helpers", () => {
  assertEquals(
    check(
      mod("processor/runtime/loop.ts", [
        "./loop_test_util.ts",
        "processor/runtime/loop_test_util.ts",
      ]),
      mod("processor/mod.ts", [
        "./jobs/climate_test_util.ts",
        "processor/jobs/climate_test_util.ts",
      ]),
      mod("processor/runtime/loop_test.ts", [
        "./loop_test_util.ts",
        "processor/runtime/loop_test_util.ts",
      ]),
      mod("processor/jobs/x_integration_test.ts", [
        "./climate_test_util.ts",
        "processor/jobs/climate_test_util.ts",
      ]),
      mod("broker/fixture.ts", ["./testdata/capture.ts", "broker/testdata/capture.ts"]),
    ),
    [
      "broker/fixture.ts:1: product code must not import test code (broker/testdata/capture.ts)",
      "processor/mod.ts:1: product code must not import test code " +
      "(processor/jobs/climate_test_util.ts)",
      "processor/runtime/loop.ts:1: product code must not import test code " +
      "(processor/runtime/loop_test_util.ts)",
    ],
  );
});

Deno.test("checkGraph() keeps apps from importing each other", () => {
  assertEquals(
    check(
      mod("api/main.ts", ["@iot/processor", "processor/mod.ts"]),
      mod("sinks/main_test.ts", ["@iot/producer", "producer/mod.ts"]),
      mod("producer/main.ts", ["@iot/events", "events/mod.ts"]),
    ),
    [
      "api/main.ts:1: app api must not import app processor",
      "sinks/main_test.ts:1: app sinks must not import app producer",
    ],
  );
});

Deno.test("checkGraph() keeps processor/core free of Kafka and the service layer", () => {
  assertEquals(
    check(
      mod(
        "processor/core/window.ts",
        ["@iot/events", "events/mod.ts"],
        ["type:@iot/kafka", "kafka/mod.ts"],
        ["@iot/service", "service/mod.ts"],
      ),
      mod("processor/core/window_test.ts", ["@iot/kafka", "kafka/mod.ts"]),
      mod("processor/runtime/loop.ts", ["@iot/kafka", "kafka/mod.ts"]),
    ),
    [
      "processor/core/window.ts:2: processor/core must not import @iot/kafka (the runtime loop " +
      "does I/O)",
      "processor/core/window.ts:3: processor/core must not import @iot/service (the runtime loop " +
      "does I/O)",
      "processor/core/window_test.ts:1: processor/core must not import @iot/kafka (the runtime " +
      "loop does I/O)",
    ],
  );
});

Deno.test("checkGraph() reports imports that do not resolve, not external ones left unloaded", () => {
  const unresolved: GraphModule = {
    specifier: `${ROOT}events/mod.ts`,
    dependencies: [{
      specifier: "@iot/nope",
      code: {
        error: 'Import "@iot/nope" not a dependency',
        span: { start: { line: 4, character: 0 } },
      },
    }],
  };
  const graph: ModuleGraph = {
    modules: [
      mod("kafka/mod.ts", ["./gone.ts", "kafka/gone.ts"], [
        "npm:kafkajs@2.2.4",
        "npm:kafkajs@2.2.4",
      ]),
      {
        specifier: `${ROOT}kafka/gone.ts`,
        error: 'Module not found "file:///repo/kafka/gone.ts".',
      },
      { specifier: "npm:kafkajs@2.2.4", error: "npm specifiers were requested; but --no-npm" },
      unresolved,
    ],
  };
  assertEquals(checkGraph(graph, { root: ROOT }).map((v) => `${v.path}:${v.line}: ${v.message}`), [
    'events/mod.ts:5: cannot resolve "@iot/nope": Import "@iot/nope" not a dependency',
    'kafka/mod.ts:1: cannot resolve "./gone.ts": Module not found "file:///repo/kafka/gone.ts".',
  ]);
});

Deno.test("readGraph() gets the graph from deno info in the shape checkGraph reads", async () => {
  const root = await Deno.makeTempDir({ prefix: "check_deps_" });
  try {
    const write = async (path: string, text: string) => {
      await Deno.mkdir(`${root}/${path.slice(0, path.lastIndexOf("/"))}`, { recursive: true });
      await Deno.writeTextFile(`${root}/${path}`, text);
    };
    await write("./deno.json", '{ "workspace": ["./kafka", "./events"] }');
    await write("kafka/deno.json", '{ "name": "@iot/kafka", "exports": "./mod.ts" }');
    await write("events/deno.json", '{ "name": "@iot/events", "exports": "./mod.ts" }');
    await write("events/mod.ts", "export type Reading = { v: number };\n");
    await write(
      "kafka/mod.ts",
      '// import "@iot/events"; in a comment is no import\n' +
        'import type { Reading } from "@iot/events";\nimport "./gone.ts";\n' +
        "export type R = Reading;\n",
    );
    const { files, members } = await listRepo(root);
    assertEquals([files, members], [["events/mod.ts", "kafka/mod.ts"], ["events", "kafka"]]);
    const graph = await readGraph(root, files);
    const violations = checkGraph(graph, { root: new URL(`file://${root}/`).href });
    assertEquals(violations.map((v) => `${v.path}:${v.line}: ${v.message.replace(root, "ROOT")}`), [
      "kafka/mod.ts:2: kafka must not import @iot/events (member events)",
      'kafka/mod.ts:3: cannot resolve "./gone.ts": Module not found "file://ROOT/kafka/gone.ts".',
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
