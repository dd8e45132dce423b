/**
 * The launcher's one-line refusals, run as a process: a port taken, librdkafka missing, a bad
 * flag. Nothing is started and nothing is written to the data dir.
 */
import { assertEquals, assertMatch } from "@std/assert";
import { freePort } from "@iot/testing";

const main = new URL("./main.ts", import.meta.url).pathname;

async function run(args: string[], env: Record<string, string> = {}) {
  const dataDir = await Deno.makeTempDir({ prefix: "dev-main-" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", main, "--data-dir", `${dataDir}/data`, ...args],
      env: { NO_COLOR: "1", ...env },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const created = await Deno.stat(`${dataDir}/data`).then(() => true, () => false);
    const stderr = new TextDecoder().decode(out.stderr);
    return { code: out.code, stderr, stdout: new TextDecoder().decode(out.stdout), created };
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
}

Deno.test("dev: a taken port is one line naming it, exit 2", async () => {
  const port = freePort();
  using _taken = Deno.listen({ hostname: "127.0.0.1", port });
  const result = await run(["--port-base", String(port)]);
  assertEquals(result.code, 2, result.stderr);
  assertMatch(
    result.stderr,
    new RegExp(`^dev: port ${port} \\(broker\\.kafka\\) is taken: .*\\n$`),
  );
  assertEquals([result.stdout, result.created], ["", false]);
});

Deno.test("dev: librdkafka missing is one line, exit 3", async () => {
  const result = await run(["--port-base", "0"], {
    LIBRDKAFKA_PATH: "/nonexistent/librdkafka.so.1",
  });
  assertEquals(result.code, 3, result.stderr);
  assertMatch(result.stderr, /^dev: librdkafka 2\.x was not found .*\n$/);
  assertEquals(result.created, false);
});

Deno.test("dev: a bad flag is one line, exit 2", async () => {
  const result = await run(["--devices", "many"]);
  assertEquals(result.code, 2);
  assertEquals(
    result.stderr,
    'dev: --devices: expected a number, got "many" (see --help)\n',
  );
});
