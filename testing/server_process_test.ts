import { assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { freePort } from "./net.ts";
import { launchServer, type ServerSpec, sharedLifecycle } from "./server_process.ts";

/** A real child process that accepts TCP at once and logs `READY` only after `delayMs`. */
function slowReadySpec(dir: string, port: number, delayMs: number): ServerSpec {
  const code = `const l = Deno.listen({ hostname: "127.0.0.1", port: ${port} });` +
    `setTimeout(() => console.log("READY"), ${delayMs});` +
    "for await (const conn of l) conn.close();";
  return {
    name: "slow",
    command: Deno.execPath(),
    args: ["eval", code],
    dir,
    port,
    startTimeoutMs: 10_000,
    stopTimeoutMs: 5_000,
  };
}

Deno.test("launchServer() with a readyLine waits for that line, not just the port", async () => {
  const dir = await Deno.makeTempDir({ prefix: "iot-server-process-" });
  const spec = { ...slowReadySpec(dir, freePort(), 300), readyLine: "READY" };
  await using _server = await launchServer(spec);
  assertStringIncludes(await Deno.readTextFile(`${dir}/server.log`), "READY");
});

Deno.test("launchServer() removes the dir when prepare fails, and starts nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "iot-server-process-" });
  const port = freePort();
  await assertRejects(
    () =>
      launchServer(slowReadySpec(dir, port, 0), {
        prepare: () => Promise.reject(new Error("config not written")),
      }),
    Error,
    "config not written",
  );
  await assertRejects(() => Deno.stat(dir), Deno.errors.NotFound);
});

Deno.test("sharedLifecycle() refuses stop/start with a hint and disposes as a no-op", async () => {
  const lifecycle = sharedLifecycle("the shared X (IOT_X)", "startX()", "node");
  await assertRejects(
    () => lifecycle.stop(),
    Error,
    "Cannot stop the shared X (IOT_X); pass { dedicated: true } to startX() to control a node's " +
      "lifecycle",
  );
  await assertRejects(() => lifecycle.start(), Error, "Cannot start the shared X");
  assertEquals(await lifecycle[Symbol.asyncDispose](), undefined);
});
