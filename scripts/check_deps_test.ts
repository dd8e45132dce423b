import { assertEquals } from "@std/assert";
import { checkImports, findImports, maskCode, type SourceFile } from "./check_deps.ts";

const file = (path: string, ...lines: string[]): SourceFile => ({ path, text: lines.join("\n") });
const messages = (files: SourceFile[]) =>
  checkImports(files).map((v) => `${v.path}:${v.line}: ${v.message}`);

Deno.test("findImports() finds static, re-export, side-effect and dynamic specifiers", () => {
  const text = [
    "import { a,",
    '  b } from "./a.ts";',
    "import type { T } from '@iot/events';",
    'import * as c from "./c.ts";',
    'import "./side.ts";',
    'export { d } from "./d.ts";',
    'export * from "./e.ts";',
    'export type { F } from "./f.ts";',
    'const g = await import("./g.ts");',
    "const h = await import(`./${name}.ts`); // not a literal: ignored",
  ].join("\n");
  assertEquals(findImports(text), [
    { specifier: "./a.ts", line: 2 },
    { specifier: "@iot/events", line: 3 },
    { specifier: "./c.ts", line: 4 },
    { specifier: "./side.ts", line: 5 },
    { specifier: "./d.ts", line: 6 },
    { specifier: "./e.ts", line: 7 },
    { specifier: "./f.ts", line: 8 },
    { specifier: "./g.ts", line: 9 },
  ]);
});

Deno.test("findImports() ignores look-alikes in comments, strings, templates and regexes", () => {
  const text = [
    '// import { x } from "@iot/kafka";',
    '/* import "@iot/kafka"; */',
    "const s = 'import \"@iot/kafka\"';",
    'const t = `import { y } from "@iot/kafka";`;',
    'const r = /"import(/;',
    'import { z } from "./real.ts";',
  ].join("\n");
  assertEquals(findImports(text), [{ specifier: "./real.ts", line: 6 }]);
});

Deno.test("maskCode() keeps length and line breaks", () => {
  const text = 'a // c\n"s" `t\nu` /* x\ny */ b';
  const masked = maskCode(text);
  assertEquals(masked.length, text.length);
  assertEquals(masked.split("\n").length, text.split("\n").length);
});

Deno.test("checkImports() accepts a clean workspace", () => {
  assertEquals(
    messages([
      file("kafka/mod.ts", 'export * from "./producer.ts";', 'import "./ffi/symbols.ts";'),
      file("kafka/producer_test.ts", 'import { startKafka } from "@iot/testing";'),
      file("events/mod.ts", 'import { z } from "zod";'),
      file("producer/main.ts", 'import { Producer } from "@iot/kafka";', 'import "@iot/events";'),
      file("processor/core/window.ts", 'import type { Reading } from "@iot/events";'),
      file("processor/core/window_test.ts", 'Deno.test("x", () => {});'),
      file("processor/runtime.ts", 'import "@iot/kafka";', "Deno.exit(0);"),
      file("scripts/bench/kafka.ts", 'import "@iot/testing";', 'import "./kafka_flags.ts";'),
      file("testing/mod.ts", 'export * from "./kafka.ts";'),
      file("api/routes/devices.ts", 'import "../app.ts";'),
    ]),
    [],
  );
});

Deno.test("checkImports() flags relative imports that leave their member", () => {
  assertEquals(
    messages([
      file("producer/main.ts", "", 'import { Producer } from "../kafka/mod.ts";'),
      file("api/a/b.ts", 'import "../../../outside.ts";'),
    ]),
    [
      'api/a/b.ts:1: relative import "../../../outside.ts" leaves member api',
      'producer/main.ts:2: relative import "../kafka/mod.ts" leaves member producer; ' +
      'import "@iot/kafka" instead',
    ],
  );
});

Deno.test("checkImports() flags scripts reaching into a member by relative path", () => {
  assertEquals(
    messages([
      file("scripts/bench/x.ts", 'import { javaArgs } from "../../testing/kafka_runtime.ts";'),
      file("scripts/y.ts", 'import { helper } from "./bench/x.ts";'),
    ]),
    [
      'scripts/bench/x.ts:1: relative import "../../testing/kafka_runtime.ts" reaches into ' +
      'member testing; import "@iot/testing"',
    ],
  );
});

Deno.test("checkImports() keeps kafka and broker free of other members", () => {
  assertEquals(
    messages([
      file("kafka/mod.ts", 'import "@iot/events";'),
      file("broker/server.ts", 'export { x } from "@iot/kafka/codec";'),
      file("broker/server_bench.ts", 'import "@iot/testing";'),
      file("broker/helpers.ts", 'import "@iot/testing";'),
    ]),
    [
      "broker/helpers.ts:1: broker must not import other members (@iot/testing)",
      "broker/helpers.ts:1: @iot/testing may only be imported from *_test.ts, bench files and " +
      "scripts/",
      "broker/server.ts:1: broker must not import other members (@iot/kafka)",
      "kafka/mod.ts:1: kafka must not import other members (@iot/events)",
    ],
  );
});

Deno.test("checkImports() allows @iot/testing only in tests, benches and scripts", () => {
  assertEquals(
    messages([
      file("sinks/writer.ts", 'const t = await import("@iot/testing");'),
      file("sinks/writer_test.ts", 'import "@iot/testing";'),
      file("scripts/seed.ts", 'import "@iot/testing";'),
    ]),
    ["sinks/writer.ts:1: @iot/testing may only be imported from *_test.ts, bench files and scripts/"],
  );
});

Deno.test("checkImports() keeps apps from importing each other", () => {
  assertEquals(
    messages([
      file("api/main.ts", 'import "@iot/processor";'),
      file("sinks/main_test.ts", 'import "@iot/producer";'),
      file("producer/main.ts", 'import "@iot/events";'),
    ]),
    [
      "api/main.ts:1: app api must not import app processor",
      "sinks/main_test.ts:1: app sinks must not import app producer",
    ],
  );
});

Deno.test("checkImports() keeps processor/core free of Kafka and Deno", () => {
  assertEquals(
    messages([
      file(
        "processor/core/window.ts",
        'import type { Producer } from "@iot/kafka";',
        "// Deno.now() in a comment is fine",
        "const t = Deno.env.get('X');",
      ),
      file("processor/core/window_test.ts", 'import "@iot/kafka";', "Deno.test('x', () => {});"),
    ]),
    [
      "processor/core/window.ts:1: processor/core must not import @iot/kafka (the runtime loop " +
      "does I/O)",
      "processor/core/window.ts:3: processor/core must not use Deno.* (pass it in)",
      "processor/core/window_test.ts:1: processor/core must not import @iot/kafka (the runtime " +
      "loop does I/O)",
    ],
  );
});
