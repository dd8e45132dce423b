import { assertEquals, assertRejects, assertStringIncludes, assertThrows } from "@std/assert";
import { bindOrExplain, handleHttp, PortInUseError, serveHttp } from "./http_server.ts";

Deno.test("handleHttp: /healthz, /metrics, JSON routes, 404 and 405", async () => {
  let healthy = true;
  const routes = {
    healthy: () => healthy,
    metrics: () => "m 1\n",
    routes: { "/status": () => Response.json({ jobs: [] }) },
  };
  const get = (path: string) => handleHttp(new Request(`http://x${path}`), routes);
  const ok = await get("/healthz");
  assertEquals([ok.status, await ok.json()], [200, { status: "ok" }]);
  healthy = false;
  const down = await get("/healthz");
  assertEquals([down.status, await down.json()], [503, { status: "unavailable" }]);
  const metrics = await get("/metrics");
  assertStringIncludes(metrics.headers.get("content-type")!, "version=0.0.4");
  assertEquals(await metrics.text(), "m 1\n");
  assertEquals(await (await get("/status")).json(), { jobs: [] });
  const missing = await get("/nope");
  assertEquals(missing.status, 404);
  await missing.body?.cancel();
  const post = await handleHttp(new Request("http://x/healthz", { method: "POST" }), routes);
  assertEquals(post.status, 405);
  await post.body?.cancel();
  const bare = await handleHttp(new Request("http://x/metrics"), {});
  assertEquals(bare.status, 404);
  await bare.body?.cancel();
});

Deno.test("handleHttp: the fallback answers other paths and methods", async () => {
  const routes = {
    fallback: (request: Request) => Response.json({ method: request.method }, { status: 201 }),
  };
  const post = await handleHttp(new Request("http://x/subjects/a", { method: "POST" }), routes);
  assertEquals([post.status, await post.json()], [201, { method: "POST" }]);
  const get = await handleHttp(new Request("http://x/subjects"), routes);
  assertEquals(await get.json(), { method: "GET" });
  const health = await handleHttp(new Request("http://x/healthz"), routes);
  assertEquals(await health.json(), { status: "ok" });
});

Deno.test("serveHttp: binds 127.0.0.1, serves /healthz; a taken port is one clear line", async () => {
  await using server = serveHttp({ port: 0, what: "status port", flag: "--status-port" });
  const response = await fetch(`http://127.0.0.1:${server.port}/healthz`);
  assertEquals(await response.json(), { status: "ok" });
  const error = assertThrows(
    () => serveHttp({ port: server.port, what: "status port", flag: "--status-port" }),
    PortInUseError,
  );
  assertEquals(
    error.message,
    `status port ${server.port} is in use; pass --status-port 0 for a free one`,
  );
  await assertRejects(
    () =>
      bindOrExplain("Kafka port", server.port, "--port", () => {
        Deno.listen({ hostname: "127.0.0.1", port: server.port }).close();
      }),
    PortInUseError,
    `Kafka port ${server.port} is in use; pass --port 0 for a free one`,
  );
});

Deno.test("serveHttp: stops when its signal aborts", async () => {
  const stop = new AbortController();
  const server = serveHttp({
    port: 0,
    what: "admin port",
    flag: "--admin-port",
    signal: stop.signal,
  });
  stop.abort();
  await server.finished;
  await server.close();
});
