import { assert, assertEquals, assertMatch } from "@std/assert";
import { createApp } from "./app.ts";
import { tokenMatches } from "./auth.ts";
import { RecordingPublisher } from "./commands.ts";
import { deviceStatus } from "./context.ts";
import { instantParam } from "./schemas.ts";
import { SqliteStore } from "./sqlite_store.ts";
import { decodeCursor, encodeCursor } from "./store.ts";

function withApp(
  config: Parameters<typeof createApp>[0]["config"],
  run: (app: ReturnType<typeof createApp>, lines: string[]) => Promise<void>,
) {
  return async () => {
    using store = new SqliteStore({ path: ":memory:" });
    const lines: string[] = [];
    const log = (msg: string, fields?: Record<string, unknown>) =>
      lines.push(JSON.stringify({ msg, ...fields }));
    const logger = { debug: log, info: log, warn: log, error: log };
    await run(createApp({ store, commands: new RecordingPublisher(), config, logger }), lines);
  };
}

Deno.test(
  "no token configured: mutating routes refuse with a clear 403, reads work",
  withApp({}, async (app) => {
    const post = await app.request("/alerts/a1/ack", { method: "POST", body: "{}" });
    assertEquals(post.status, 403);
    assertEquals(post.headers.get("content-type"), "application/problem+json");
    assertMatch((await post.json()).detail, /no token configured/);
    const get = await app.request("/devices");
    assertEquals(get.status, 200);
    await get.body?.cancel();
  }),
);

Deno.test(
  "bodies over the limit are a 413 problem",
  withApp({ tokens: ["t"], bodyLimitBytes: 64 }, async (app) => {
    const response = await app.request("/alerts/a1/ack", {
      method: "POST",
      headers: { authorization: "Bearer t", "content-type": "application/json" },
      body: JSON.stringify({ by: "x".repeat(200) }),
    });
    assertEquals(response.status, 413);
    assertEquals(response.headers.get("content-type"), "application/problem+json");
    await response.body?.cancel();
  }),
);

Deno.test(
  "CORS is off unless origins are configured",
  withApp({}, async (app) => {
    const response = await app.request("/devices", { headers: { origin: "https://evil.test" } });
    assertEquals(response.headers.get("access-control-allow-origin"), null);
    await response.body?.cancel();
  }),
);

Deno.test(
  "CORS answers configured origins only",
  withApp({ corsOrigins: ["https://ops.test"] }, async (app) => {
    const ok = await app.request("/devices", { headers: { origin: "https://ops.test" } });
    assertEquals(ok.headers.get("access-control-allow-origin"), "https://ops.test");
    await ok.body?.cancel();
    const other = await app.request("/devices", { headers: { origin: "https://evil.test" } });
    assertEquals(other.headers.get("access-control-allow-origin"), null);
    await other.body?.cancel();
  }),
);

Deno.test(
  "request logs carry a request id and never the token",
  withApp({ tokens: ["s3cret-token"] }, async (app, lines) => {
    const response = await app.request("/alerts/zzz/ack?x=1", {
      method: "POST",
      headers: { authorization: "Bearer s3cret-token", "content-type": "application/json" },
      body: "{}",
    });
    assertEquals(response.status, 404);
    assert(response.headers.get("x-request-id"));
    await response.body?.cancel();
    const line = JSON.parse(lines.find((l) => l.includes('"request"'))!);
    assertEquals(line.requestId, response.headers.get("x-request-id"));
    assertEquals(line.route, "/alerts/:alertId/ack");
    assert(!lines.join("\n").includes("s3cret-token"));
  }),
);

Deno.test(
  "/docs serves Swagger UI from the app itself",
  withApp({}, async (app) => {
    const page = await (await app.request("/docs")).text();
    assertMatch(page, /\/docs\/swagger-ui-bundle\.js/);
    assert(!/https?:\/\//.test(page), "no external URL in the docs page");
    const js = await app.request("/docs/swagger-ui-bundle.js");
    assertEquals(js.status, 200);
    assert((await js.text()).length > 100_000);
  }),
);

Deno.test("tokenMatches compares whole tokens", async () => {
  assert(await tokenMatches("abc", ["x", "abc"]));
  assert(!(await tokenMatches("ab", ["abc"])));
  assert(!(await tokenMatches("abcd", ["abc"])));
  assert(!(await tokenMatches("abc", [])));
});

Deno.test("instants are ISO-8601 with a zone or epoch ms", () => {
  assertEquals(instantParam.parse("2026-01-01T00:00:00Z"), Date.parse("2026-01-01T00:00:00Z"));
  assertEquals(instantParam.parse("2026-01-01T01:00:00+01:00"), Date.parse("2026-01-01T00:00Z"));
  assertEquals(instantParam.parse("1767225600000"), 1767225600000);
  for (const bad of ["2026-01-01T00:00:00", "yesterday", "", "1e3", "99999999999999999"]) {
    assert(!instantParam.safeParse(bad).success, bad);
  }
});

Deno.test("device status: shut down by command, else active or silent by last reading", () => {
  const facts = (ts: string | null, cmd: "shutdown" | "restart" | null) => ({
    deviceId: "d",
    lastReading: ts ? { deviceId: "d", ts, temperature: 1, humidity: 1 } : null,
    lastSucceededCommand: cmd,
    activeAlerts: 0,
  });
  const now = Date.parse("2026-01-01T00:01:00Z");
  assertEquals(deviceStatus(facts("2026-01-01T00:00:00.000Z", null), now, 60_000), "active");
  assertEquals(deviceStatus(facts("2026-01-01T00:00:00.000Z", null), now, 59_999), "silent");
  assertEquals(deviceStatus(facts(null, null), now, 60_000), "silent");
  assertEquals(
    deviceStatus(facts("2026-01-01T00:01:00.000Z", "shutdown"), now, 60_000),
    "shut down",
  );
  assertEquals(deviceStatus(facts("2026-01-01T00:01:00.000Z", "restart"), now, 60_000), "active");
});

Deno.test("cursors round-trip and reject what the API did not issue", () => {
  const c = encodeCursor(["2026-01-01T00:00:00.000Z", "d|1"]);
  assertEquals(decodeCursor(c, 2), ["2026-01-01T00:00:00.000Z", "d|1"]);
  for (const bad of ["", "!!", encodeCursor(["a"]), btoa("{}")]) {
    let threw = false;
    try {
      decodeCursor(bad, 2);
    } catch (e) {
      threw = e instanceof TypeError;
    }
    assert(threw, bad);
  }
});

Deno.test(
  "a known path with another method is a 405 with Allow; an unknown path a 404",
  withApp({}, async (app) => {
    const put = await app.request("/devices", { method: "PUT" });
    assertEquals(put.status, 405);
    assertEquals(put.headers.get("allow"), "GET, HEAD");
    await put.body?.cancel();
    const del = await app.request("/devices/x/commands", { method: "DELETE" });
    assertEquals(del.headers.get("allow"), "GET, HEAD, POST");
    await del.body?.cancel();
    const none = await app.request("/nope", { method: "PUT" });
    assertEquals(none.status, 404);
    assertEquals(none.headers.get("content-type"), "application/problem+json");
    await none.body?.cancel();
  }),
);

Deno.test("aborting the app's signal ends open live streams", async () => {
  using store = new SqliteStore({ path: ":memory:" });
  const closing = new AbortController();
  const app = createApp({ store, signal: closing.signal, config: { pollIntervalMs: 10 } });
  const response = await app.request("/streams/alerts");
  const reader = response.body!.getReader();
  await reader.read(); // the "ready" event
  closing.abort();
  let done = false;
  while (!done) done = (await reader.read()).done;
  assert(done);
});
