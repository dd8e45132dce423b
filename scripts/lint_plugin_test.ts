import { assertEquals } from "@std/assert";
import plugin, { KNOWN_VIOLATIONS, repoPath } from "./lint_plugin.ts";

/** `line:rule` per diagnostic of the plugin on `source` as if it were the file at `path`. */
function lint(path: string, ...lines: string[]): string[] {
  const source = lines.join("\n");
  return Deno.lint.runPlugin(plugin, path, source).map((d) => {
    const line = source.slice(0, d.range[0]).split("\n").length;
    return `${line}:${d.id.replace(/^iot\//, "")}`;
  });
}

Deno.test("env-exit-only-in-main: libraries neither read the environment nor exit", () => {
  const code = [
    'const a = Deno.env.get("X");',
    "Deno.exit(1);",
    'const b = Deno["env"];',
    "const { env, exit: bye } = Deno;",
    "globalThis.Deno.exit(2);",
    "const c = process.env.HOME;",
  ];
  const rule = "env-exit-only-in-main";
  assertEquals(lint("kafka/native/config.ts", ...code), [
    `1:${rule}`,
    `2:${rule}`,
    `3:${rule}`,
    `4:${rule}`,
    `4:${rule}`,
    `5:${rule}`,
    `6:process-${rule}`,
  ]);
  for (const path of ["broker/main.ts", "scripts/bench/kafka.ts", "testing/kafka.ts"]) {
    assertEquals(lint(path, ...code), [], path);
  }
  for (const path of ["kafka/admin_test.ts", "broker/protocol/testdata/capture.ts"]) {
    assertEquals(lint(path, ...code), [], path);
  }
});

Deno.test("the rules ignore look-alikes in comments, strings, templates and other objects", () => {
  assertEquals(
    lint(
      "events/mod.ts",
      '// Deno.env.get("X") and Deno.exit(1) in a comment',
      '/* Deno.dlopen("x") */ const s = "Deno.listen({ port: 0 })";',
      "const t = `Deno.serve(() => new Response())`;",
      "const o = { Deno: 1, env: 2 }; o.Deno; config.env.get;",
      "type L = Deno.Listener; const isDeno = typeof Deno !== 'undefined';",
    ),
    [],
  );
});

Deno.test("dlopen-only-in-kafka-native: FFI symbols load only in kafka/native/", () => {
  const code = ['const lib = Deno.dlopen("librdkafka.so.1", {});'];
  assertEquals(lint("kafka/client.ts", ...code), ["1:dlopen-only-in-kafka-native"]);
  assertEquals(lint("broker/main.ts", ...code), ["1:dlopen-only-in-kafka-native"]);
  assertEquals(lint("kafka/native/library.ts", ...code), []);
  assertEquals(lint("kafka/native/library_test.ts", ...code), []);
});

Deno.test("listen-only-in-servers: sockets are opened by server modules and tests", () => {
  const code = [
    "const l = Deno.listen({ port: 0 });",
    "const s = Deno.serve(() => new Response());",
    "Deno.listenTls({ port: 0, cert: '', key: '' });",
    'Deno.listenDatagram({ port: 0, transport: "udp" });',
    "const c = await Deno.connect({ port: 9092 }); // a client is fine",
  ];
  const rule = "listen-only-in-servers";
  assertEquals(lint("processor/runtime/loop.ts", ...code), [
    `1:${rule}`,
    `2:${rule}`,
    `3:${rule}`,
    `4:${rule}`,
  ]);
  for (
    const path of [
      "broker/server/broker.ts",
      "service/http_server.ts",
      "processor/runtime/status_server.ts",
      "testing/net.ts",
      "broker/server/raw_client_test_util.ts",
      "kafka/consumer_integration_test.ts",
    ]
  ) {
    assertEquals(lint(path, ...code), [], path);
  }
});

Deno.test("no-deno-in-processor-core: the core gets clock and config passed in", () => {
  const code = [
    "const now = Deno.now;",
    "let l: Deno.Listener | undefined;",
    "const d = Deno;",
    "const t = Date.now(); // the runtime passes now() in; Date is not Deno",
  ];
  assertEquals(lint("processor/core/window.ts", ...code), [
    "1:no-deno-in-processor-core",
    "2:no-deno-in-processor-core",
    "3:no-deno-in-processor-core",
  ]);
  assertEquals(lint("processor/core/window_test.ts", ...code), []);
  assertEquals(lint("processor/runtime/loop.ts", code[0], code[1]), []);
});

Deno.test("no-deno-alias: outside tests Deno is used as Deno.<api> only", () => {
  const code = ["const d = Deno;", "run(Deno);", "const { ...rest } = Deno;"];
  assertEquals(lint("broker/storage/file_log.ts", ...code), [
    "1:no-deno-alias",
    "2:no-deno-alias",
    "3:no-deno-alias",
  ]);
  assertEquals(lint("broker/storage/file_log_test.ts", ...code), []);
});

Deno.test("repoPath() makes deno lint's absolute file names repo-relative", () => {
  const root = decodeURIComponent(new URL("..", import.meta.url).pathname);
  assertEquals(repoPath(`${root}kafka/native/library.ts`), "kafka/native/library.ts");
  assertEquals(repoPath("kafka/mod.ts"), "kafka/mod.ts");
});

Deno.test("every known violation is still there (delete fixed ones from KNOWN_VIOLATIONS)", async () => {
  const root = new URL("..", import.meta.url);
  for (const entry of KNOWN_VIOLATIONS) {
    const [rule, path, api] = entry.split(" ");
    const source = await Deno.readTextFile(new URL(path, root));
    // Linted under another name with the same role, so the entry does not skip it.
    const twin = path.replace(/\.ts$/, "_known.ts");
    const found = Deno.lint.runPlugin(plugin, twin, source)
      .filter((d) => d.id === `iot/${rule}` && d.message.startsWith(`${api} `));
    assertEquals(found.length > 0, true, `${entry} is fixed: remove it from KNOWN_VIOLATIONS`);
    const skipped = Deno.lint.runPlugin(plugin, path, source)
      .filter((d) => d.id === `iot/${rule}` && d.message.startsWith(`${api} `));
    assertEquals(skipped, [], `${entry} is known, so deno lint passes until its owner fixes it`);
  }
});
