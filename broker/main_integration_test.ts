/**
 * The CLI: bad flags exit 2 with one line, `--help` works, the ready line carries the ports, and
 * SIGTERM stops the broker gracefully.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";

const main = new URL("./main.ts", import.meta.url).pathname;

async function runMain(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", main, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("bad flags and env values exit 2 with a one-line error", async () => {
  for (
    const [args, env] of [
      [["--port", "abc"], {}],
      [["--fsync", "sometimes"], {}],
      [["--no-such-flag"], {}],
      [[], { BROKER_PARTITIONS: "0" }],
    ] as [string[], Record<string, string>][]
  ) {
    const r = await runMain(args, env);
    assertEquals(r.code, 2, `${args} ${JSON.stringify(env)}`);
    assertEquals(r.stderr.trim().split("\n").length, 1);
    assertStringIncludes(r.stderr, "broker:");
  }
  const help = await runMain(["--help"]);
  assertEquals(help.code, 0);
  assertStringIncludes(help.stdout, "--fsync");
});

Deno.test("prints a ready line with the bound ports and stops on SIGTERM", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "broker-main-" });
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", main, "--port", "0", "--admin-port", "0", "--data-dir", dataDir],
      env: { BROKER_LOG_LEVEL: "info" },
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("broker ready")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    const ready = JSON.parse(text.split("\n").find((l) => l.includes("broker ready"))!);
    assert(ready.port > 0 && ready.adminPort > 0);
    const health = await fetch(`http://127.0.0.1:${ready.adminPort}/health`);
    assertEquals(await health.json(), { status: "ok" });
    const metrics = await (await fetch(`http://127.0.0.1:${ready.adminPort}/metrics`)).text();
    assertStringIncludes(metrics, "broker_connections_open 0");
    child.kill("SIGTERM");
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    assertEquals((await child.status).code, 0);
    assertStringIncludes(text, "broker stopped");
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
