import { assert, assertEquals, assertRejects } from "@std/assert";
import { startKafka } from "./mod.ts";
import { acceptsTcp, parseBootstrap } from "./net.ts";

async function kcat(args: string[], input?: string): Promise<string> {
  const child = new Deno.Command("kcat", {
    args,
    stdin: input === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (input !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(input));
    await writer.close();
  }
  const { code, stdout, stderr } = await child.output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  if (code !== 0) throw new Error(`kcat ${args.join(" ")} failed: ${decode(stderr)}`);
  return decode(stdout);
}

Deno.test("startKafka({ dedicated }) stops, restarts with its data, and disposes", async () => {
  const started = performance.now();
  const kafka = await startKafka({ dedicated: true });
  console.log(`dedicated broker ready in ${Math.round(performance.now() - started)} ms`);
  const { hostname, port } = parseBootstrap(kafka.bootstrap);
  assertEquals(hostname, "127.0.0.1");
  try {
    assert(await acceptsTcp(hostname, port), "broker accepts TCP");
    await kcat(["-P", "-b", kafka.bootstrap, "-t", "restart-check"], "before-restart\n");

    await kafka.stop();
    assertEquals(await acceptsTcp(hostname, port), false, "stopped broker refuses TCP");
    await kafka.stop(); // idempotent

    await kafka.start();
    assert(await acceptsTcp(hostname, port), "restarted broker accepts TCP on the same port");
    const records = await kcat(["-C", "-b", kafka.bootstrap, "-t", "restart-check", "-e", "-q"]);
    assertEquals(records.trim(), "before-restart", "records survive the restart");
  } finally {
    await kafka[Symbol.asyncDispose]();
  }
  assertEquals(await acceptsTcp(hostname, port), false, "disposed broker is gone");
  await assertRejects(() => kafka.start(), Error, "was disposed");
});

Deno.test("startKafka() aborts on signal and leaves nothing running", async () => {
  await assertRejects(
    () => startKafka({ dedicated: true, signal: AbortSignal.timeout(300) }),
  );
});
