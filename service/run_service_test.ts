import { assertEquals, assertMatch } from "@std/assert";
import { defineCli, integerOption, PortInUseError, runService, UsageError } from "./mod.ts";

const cli = defineCli({
  name: "svc",
  usage: "svc [flags]",
  summary: "A test service.",
  prefix: "SVC",
  options: { port: integerOption({ doc: "port", default: 1, min: 0 }) },
});

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } };
}

const load = (args: readonly string[]) => {
  if (args.includes("--bad")) throw new UsageError("--bad: no such flag");
  return { port: 1 };
};

Deno.test("runService: --help, a bad option, a taken port, and run's exit code", async () => {
  const help = io();
  const never = () => Promise.reject(new Error("must not run"));
  assertEquals(await runService(["--help"], {}, { cli, load, run: never }, help.io), 0);
  assertMatch(help.out[0], /^Usage: svc \[flags\]/);

  const bad = io();
  assertEquals(await runService(["--bad"], {}, { cli, load, run: never }, bad.io), 2);
  assertEquals(bad.err, ["svc: --bad: no such flag (see --help)"]);

  const taken = io();
  const run = () => Promise.reject(new PortInUseError("status port", 7, "--status-port"));
  assertEquals(await runService([], {}, { cli, load, run }, taken.io), 2);
  assertEquals(taken.err, ["svc: status port 7 is in use; pass --status-port 0 for a free one"]);

  const ok = io();
  const logs = (_c: unknown, logger: { info(m: string): void }, signal: AbortSignal) => {
    logger.info("running");
    return Promise.resolve(signal.aborted ? 9 : 3);
  };
  assertEquals(await runService([], {}, { cli, load, run: logs }, ok.io), 3);
  assertEquals(JSON.parse(ok.err[0]).msg, "running");
});

Deno.test("runService: the data directory is locked while it runs", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const second = io();
    const service = {
      cli,
      load,
      lockDir: () => dir,
      run: () => runService([], {}, { ...service, run: () => Promise.resolve(0) }, second.io),
    };
    assertEquals(await runService([], {}, service, io().io), 2);
    assertMatch(second.err[0], /^svc: .*/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
