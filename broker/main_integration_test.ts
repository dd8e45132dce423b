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
    const healthz = await fetch(`http://127.0.0.1:${ready.adminPort}/healthz`);
    assertEquals(await healthz.json(), { status: "ok" });
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

/** Starts `main.ts` and returns once it printed its ready line. */
async function startMain(args: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", main, ...args],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("broker ready")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`broker exited before it was ready: ${text}`);
    text += value;
  }
  const ready = JSON.parse(text.split("\n").find((l) => l.includes("broker ready"))!);
  return {
    ready,
    pid: child.pid,
    async [Symbol.asyncDispose]() {
      child.kill("SIGTERM");
      while (!(await reader.read()).done) { /* drain */ }
      await child.status;
    },
  };
}

Deno.test("a second broker on the same --data-dir, or on a taken port, exits 2 with one line", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "broker-main-" });
  const otherDir = await Deno.makeTempDir({ prefix: "broker-main-" });
  try {
    await using first = await startMain([
      ...["--port", "0", "--admin-port", "0", "--data-dir", dataDir],
    ]);
    const second = await runMain(["--port", "0", "--data-dir", dataDir]);
    assertEquals(second.code, 2);
    assertEquals(second.stdout, "");
    assertStringIncludes(second.stderr, `broker: ${dataDir} is in use by process ${first.pid} on `);
    assertEquals(second.stderr.trim().split("\n").length, 1);
    const kafka = await runMain(["--port", String(first.ready.port), "--data-dir", otherDir]);
    assertEquals([kafka.code, kafka.stderr], [
      2,
      `broker: Kafka port ${first.ready.port} is in use; pass --port 0 for a free one\n`,
    ]);
    const admin = await runMain([
      ...["--port", "0", "--admin-port", String(first.ready.adminPort), "--data-dir", otherDir],
    ]);
    assertEquals([admin.code, admin.stderr], [
      2,
      `broker: admin port ${first.ready.adminPort} is in use; pass --admin-port 0 for a free one\n`,
    ]);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
    await Deno.remove(otherDir, { recursive: true });
  }
  // The lock was released on SIGTERM: the directory is free again.
});

Deno.test("the data-dir lock is released on stop and a stale one (killed broker) is taken over", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "broker-main-" });
  try {
    {
      await using _first = await startMain(["--port", "0", "--data-dir", dataDir]);
    }
    assertEquals([...Deno.readDirSync(dataDir)].some((e) => e.name === ".lock"), false);
    const stale = {
      pid: 2 ** 22 + 1,
      hostname: Deno.hostname(),
      startedAt: "2026-01-01T00:00:00Z",
    };
    await Deno.writeTextFile(`${dataDir}/.lock`, JSON.stringify(stale));
    await using second = await startMain([
      "--port",
      "0",
      "--data-dir",
      dataDir,
      "--retention-ms",
      "-1",
    ]);
    assert(second.ready.port > 0);
    const owner = JSON.parse(await Deno.readTextFile(`${dataDir}/.lock`));
    assertEquals(owner.pid, second.pid);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
