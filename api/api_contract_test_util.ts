/**
 * The API's contract: the same route tests, through `app.request()`, against every
 * {@linkcode ApiStore} backend. A backend gives a fixture (its store, and a filler that writes rows
 * the way its sinks do); {@linkcode apiContract} seeds it once and runs every case as a step.
 *
 * @module
 */
import { assert, assertEquals, assertExists, assertMatch } from "@std/assert";
import { waitFor } from "@iot/testing";
import { createApp } from "./app.ts";
import { RecordingPublisher } from "./commands.ts";
import type { ApiStore } from "./store.ts";
import type { StoreFiller } from "./store_fill_test_util.ts";
import { openSse } from "./sse_test_util.ts";

/** A store to test and the way to fill it. */
export interface ApiFixture extends AsyncDisposable {
  /** The backend under test. */
  readonly store: ApiStore;
  /** Writes rows like the sinks. */
  readonly fill: StoreFiller;
}

/** The test clock: every "now" of the suite. */
export const NOW = Date.parse("2026-01-01T01:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();
const at = (hhmmss: string) => `2026-01-01T${hhmmss}.000Z`;
/** The token the suite configures. */
export const TOKEN = "test-token-5f2c";
const auth = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

const agg = (deviceId: string, start: string, avg: number) => ({
  deviceId,
  windowStart: at(start),
  windowEnd: iso(Date.parse(at(start)) + 60_000),
  count: 12,
  temperature: { avg, min: avg - 1, max: avg + 1 },
  humidity: { avg: 40, min: 39, max: 41 },
});

const alert = (
  alertId: string,
  deviceId: string,
  state: "active" | "cleared",
  severity: "info" | "warning" | "critical",
  ts: string,
) => ({
  alertId,
  deviceId,
  state,
  severity,
  type: "temperature-high",
  value: 31,
  threshold: 30,
  windowStart: at("00:00:00"),
  windowEnd: at("00:01:00"),
  ts: at(ts),
});

/** Seeds the fixture: three devices, alerts, aggregates, a vehicle and dead letters. */
async function seed(fill: StoreFiller): Promise<void> {
  const reading = (deviceId: string, ts: string, temperature: number) => ({
    deviceId,
    ts: at(ts),
    temperature,
    humidity: 40,
  });
  await fill.readings([
    ...["00:59:40", "00:59:45", "00:59:50", "00:59:55", "01:00:00"].map((ts, i) =>
      [reading("d1", ts, 20 + i), { partition: 0, offset: i }] as const
    ),
    [reading("d2", "00:00:00", 18), { partition: 1, offset: 0 }],
    [reading("d3", "00:59:59", 25), { partition: 1, offset: 1 }],
  ]);
  await fill.aggregates([
    agg("d1", "00:58:00", 21),
    agg("d1", "00:59:00", 22),
    agg("d2", "00:58:00", 18),
  ]);
  await fill.alerts([
    alert("a1", "d1", "active", "critical", "00:59:00"),
    alert("a2", "d1", "active", "warning", "00:58:00"),
    alert("a2", "d1", "cleared", "warning", "00:59:30"),
    alert("a3", "d2", "active", "warning", "00:30:00"),
  ]);
  const tyre = (sensorId: string, ts: string, pressure: number, offset: number) =>
    [{ vehicleId: "v1", sensorId, ts: at(ts), pressure, temperature: 30 }, {
      partition: 0,
      offset,
    }] as const;
  await fill.vehicleReadings([
    tyre("s1", "00:00:00", 30, 0),
    tyre("s2", "00:00:01", 32, 1),
    tyre("s1", "00:00:02", 31, 2),
    tyre("s2", "00:00:03", 35, 3),
  ]);
  await fill.vehicleMaxima([
    [{ vehicleId: "v1", sensorId: "s2", pressureMax: 35, temperature: 30, ts: at("00:00:03") }, {
      partition: 0,
      offset: 3,
    }],
    [{ vehicleId: "v2", sensorId: "s1", pressureMax: 33, temperature: 29, ts: at("00:00:03") }, {
      partition: 1,
      offset: 0,
    }],
  ]);
  await fill.deadLetters([
    {
      partition: 0,
      offset: 0,
      timestamp: NOW - 2000,
      payload: "{oops",
      reason: "invalid JSON",
      code: "invalid-json",
      sourceTopic: "sensor-readings",
    },
    {
      partition: 0,
      offset: 1,
      timestamp: NOW - 1000,
      payload: '{"deviceId":1}',
      reason: "deviceId: expected string",
      code: "schema",
      sourceTopic: "sensor-readings",
    },
  ]);
}

async function body(response: Response): Promise<Record<string, unknown>> {
  return await response.json();
}

/** Registers the contract suite for a backend named `name`. */
export function apiContract(
  name: string,
  makeFixture: () => Promise<ApiFixture>,
  options: { ignore?: boolean } = {},
): void {
  Deno.test({ name: `api contract: ${name}`, ignore: options.ignore }, async (t) => {
    await using fx = await makeFixture();
    await seed(fx.fill);
    const publisher = new RecordingPublisher();
    const config = { tokens: [TOKEN], pollIntervalMs: 10, heartbeatMs: 50 };
    const app = createApp({ store: fx.store, commands: publisher, now: () => NOW, config });
    const get = async (path: string) => {
      const response = await app.request(path);
      return {
        status: response.status,
        type: response.headers.get("content-type"),
        json: await body(response),
      };
    };

    await t.step("devices: list with last reading, status, active alerts; paginated", async () => {
      const first = await get("/devices?limit=2");
      assertEquals(first.status, 200);
      const items = first.json.items as Record<string, unknown>[];
      assertEquals(items.map((d) => d.deviceId), ["d1", "d2"]);
      assertEquals(items.map((d) => d.status), ["active", "silent"]);
      assertEquals(items.map((d) => d.activeAlerts), [1, 1]);
      assertEquals((items[0].lastReading as { ts: string }).ts, at("01:00:00"));
      const next = await get(`/devices?limit=2&cursor=${first.json.nextCursor}`);
      assertEquals((next.json.items as { deviceId: string }[]).map((d) => d.deviceId), ["d3"]);
      assertEquals(next.json.nextCursor, null);
    });

    await t.step("devices: one device; unknown id is a 404 problem", async () => {
      assertEquals((await get("/devices/d2")).json.status, "silent");
      const missing = await get("/devices/nope");
      assertEquals(missing.status, 404);
      assertEquals(missing.type, "application/problem+json");
      assertMatch(String(missing.json.detail), /nope/);
    });

    await t.step(
      "readings: time range in ISO-8601 or epoch ms, from inclusive, to exclusive",
      async () => {
        const iso = await get(`/devices/d1/readings?from=${at("00:59:45")}&to=${at("00:59:55")}`);
        const ts = (iso.json.items as { ts: string }[]).map((r) => r.ts);
        assertEquals(ts, [at("00:59:45"), at("00:59:50")]);
        const ms = await get(
          `/devices/d1/readings?from=${Date.parse(at("00:59:45"))}&to=${
            Date.parse(at("00:59:55"))
          }`,
        );
        assertEquals(ms.json.items, iso.json.items);
        const p1 = await get("/devices/d1/readings?limit=3");
        const p2 = await get(`/devices/d1/readings?limit=3&cursor=${p1.json.nextCursor}`);
        const all = [...p1.json.items as { ts: string }[], ...p2.json.items as { ts: string }[]];
        assertEquals(all.length, 5);
        assertEquals(p2.json.nextCursor, null);
      },
    );

    await t.step("aggregates: per device and across devices for a window range", async () => {
      const device = await get("/devices/d1/aggregates");
      assertEquals((device.json.items as { windowStart: string }[]).map((a) => a.windowStart), [
        at("00:58:00"),
        at("00:59:00"),
      ]);
      const all = await get(`/aggregates?from=${at("00:58:00")}&to=${at("00:59:00")}`);
      const items = all.json.items as { deviceId: string; temperature: { avg: number } }[];
      assertEquals(items.map((a) => a.deviceId), ["d1", "d2"]);
      assertEquals(items[0].temperature.avg, 21);
      // A range that ended in the past holds closed windows: cacheable; an open one is not.
      const closed = await app.request(`/aggregates?to=${at("00:59:00")}`);
      assertEquals(closed.headers.get("cache-control"), "public, max-age=60");
      await closed.body?.cancel();
      const open = await app.request("/devices/d1/aggregates");
      assertEquals(open.headers.get("cache-control"), null);
      await open.body?.cancel();
    });

    await t.step("alerts: filters by state, severity, device and time; newest first", async () => {
      const ids = async (q: string) =>
        ((await get(`/alerts${q}`)).json.items as { alertId: string }[]).map((a) => a.alertId);
      assertEquals(await ids(""), ["a1", "a2", "a3"]);
      assertEquals(await ids("?state=active"), ["a1", "a3"]);
      assertEquals(await ids("?state=cleared"), ["a2"]);
      assertEquals(await ids("?severity=critical"), ["a1"]);
      assertEquals(await ids("?deviceId=d2"), ["a3"]);
      assertEquals(await ids(`?from=${at("00:45:00")}`), ["a1", "a2"]);
      const a2 = (await get("/alerts/a2")).json;
      assertEquals([a2.state, a2.raisedAt, a2.clearedAt], [
        "cleared",
        at("00:58:00"),
        at("00:59:30"),
      ]);
      assertEquals((await get("/alerts/zzz")).status, 404);
    });

    await t.step("vehicles: current maxima and one vehicle's history of new maxima", async () => {
      const list = await get("/vehicles");
      assertEquals(
        (list.json.items as { vehicleId: string; pressureMax: number }[]).map((
          v,
        ) => [v.vehicleId, v.pressureMax]),
        [["v1", 35], ["v2", 33]],
      );
      const v1 = await get("/vehicles/v1");
      assertEquals((v1.json.max as { pressureMax: number }).pressureMax, 35);
      const history = (v1.json.history as { items: { pressure: number }[] }).items;
      assertEquals(history.map((r) => r.pressure), [30, 32, 35]);
      assertEquals((await get("/vehicles/v9")).status, 404);
    });

    await t.step("pipeline: dead letters latest first with reasons", async () => {
      const dl = await get("/pipeline/dead-letters");
      const items = dl.json.items as { reason: string; payload: string; offset: number }[];
      assertEquals(items.map((d) => d.offset), [1, 0]);
      assertEquals(items[1].payload, "{oops");
      assertEquals(items[1].reason, "invalid JSON");
    });

    await t.step("bad input is a 400 problem naming the field, never a 500", async () => {
      for (
        const [path, field] of [
          ["/devices?limit=5000", "limit"],
          ["/devices?limit=abc", "limit"],
          ["/alerts?from=yesterday", "from"],
          ["/alerts?severity=huge", "severity"],
          ["/devices?cursor=not-a-cursor", "cursor"],
          ["/devices/d1/readings?to=2026-01-01T00:00:00", "to"],
        ]
      ) {
        const r = await get(path);
        assertEquals(r.status, 400, path);
        assertEquals(r.type, "application/problem+json", path);
        assertEquals((r.json.errors as { field: string }[])[0].field, field, path);
      }
    });

    await t.step("acks: token required, idempotent, 404 for unknown ids", async () => {
      const post = (path: string, headers: Record<string, string>, b = "{}") =>
        app.request(path, { method: "POST", headers, body: b });
      const none = await post("/alerts/a1/ack", { "content-type": "application/json" });
      assertEquals(none.status, 401);
      assertEquals(none.headers.get("www-authenticate"), 'Bearer realm="iot-api"');
      await none.body?.cancel();
      const wrong = await post("/alerts/a1/ack", { ...auth, authorization: "Bearer nope" });
      assertEquals(wrong.status, 401);
      await wrong.body?.cancel();
      const ok = await body(await post("/alerts/a1/ack", auth, '{"by":"ops"}'));
      assertEquals([ok.ackedAt, ok.ackedBy], [iso(NOW), "ops"]);
      const again = await body(await post("/alerts/a1/ack", auth, '{"by":"other"}'));
      assertEquals(again.ackedBy, "ops");
      const unknown = await post("/alerts/zzz/ack", auth);
      assertEquals(unknown.status, 404);
      await unknown.body?.cancel();
    });

    await t.step(
      "commands: produced, listed pending, then status from command-status",
      async () => {
        const response = await app.request("/devices/d3/commands", {
          method: "POST",
          headers: auth,
          body: JSON.stringify({ command: "shutdown", reason: "overheating" }),
        });
        assertEquals(response.status, 202);
        const sent = await body(response);
        assertEquals(publisher.published.map((c) => [c.deviceId, c.command]), [["d3", "shutdown"]]);
        assertEquals(publisher.published[0].commandId, sent.commandId);
        assertEquals(response.headers.get("location"), `/devices/d3/commands/${sent.commandId}`);
        assertEquals((await get(`/devices/d3/commands/${sent.commandId}`)).json.status, "pending");
        assertEquals((await get("/devices/d3")).json.status, "active");
        await fx.fill.commandStatus([
          {
            commandId: String(sent.commandId),
            deviceId: "d3",
            status: "delivered",
            ts: iso(NOW + 1),
          },
          {
            commandId: String(sent.commandId),
            deviceId: "d3",
            status: "succeeded",
            ts: iso(NOW + 2),
          },
        ]);
        const listed = (await get("/devices/d3/commands")).json.items as {
          status: string;
          history: unknown[];
        }[];
        assertEquals(listed.map((c) => [c.status, c.history.length]), [["succeeded", 2]]);
        assertEquals((await get("/devices/d3")).json.status, "shut down");
      },
    );

    await t.step("commands: a failed produce is a 503 and leaves no command behind", async () => {
      publisher.failWith = new Error("broker down");
      const response = await app.request("/devices/d1/commands", {
        method: "POST",
        headers: auth,
        body: '{"command":"restart"}',
      });
      publisher.failWith = undefined;
      assertEquals(response.status, 503);
      await response.body?.cancel();
      assertEquals((await get("/devices/d1/commands")).json.items, []);
    });

    await t.step("commands: bad bodies are 400s, an unknown device a 404", async () => {
      for (
        const b of ['{"command":"explode"}', "{not json", '{"command":"restart","ttlSeconds":0}']
      ) {
        const r = await app.request("/devices/d1/commands", {
          method: "POST",
          headers: auth,
          body: b,
        });
        assertEquals(r.status, 400, b);
        await r.body?.cancel();
      }
      const r = await app.request("/devices/nope/commands", {
        method: "POST",
        headers: auth,
        body: '{"command":"restart"}',
      });
      assertEquals(r.status, 404);
      await r.body?.cancel();
    });

    await t.step("streams: alerts arrive live and resume after Last-Event-ID", async () => {
      const first = await openSse(app, "/streams/alerts");
      try {
        await waitFor(() => first.events.some((e) => e.event === "ready"), { message: "ready" });
        await fx.fill.alerts([alert("a4", "d3", "active", "info", "01:00:01")]);
        await waitFor(() => first.events.some((e) => e.event === "alert"), { message: "alert a4" });
      } finally {
        await first.close();
      }
      const a4 = first.events.find((e) => e.event === "alert")!;
      assertEquals(JSON.parse(a4.data).alertId, "a4");
      assertExists(a4.id);
      await fx.fill.alerts([
        alert("a5", "d3", "active", "info", "01:00:02"),
        alert("a4", "d3", "cleared", "info", "01:00:03"),
      ]);
      const resumed = await openSse(app, "/streams/alerts", { "last-event-id": a4.id });
      try {
        await waitFor(() => resumed.events.filter((e) => e.event === "alert").length >= 2, {
          message: "two alerts",
        });
      } finally {
        await resumed.close();
      }
      const got = resumed.events.filter((e) => e.event === "alert").map((e) => JSON.parse(e.data));
      // Ordered by storage, which across Kafka partitions (the Mongo backend) is no one order.
      assertEquals(got.map((a) => [a.alertId, a.state]).sort(), [["a4", "cleared"], [
        "a5",
        "active",
      ]]);
      const bad = await app.request("/streams/alerts", { headers: { "last-event-id": "garbage" } });
      assertEquals(bad.status, 400);
      await bad.body?.cancel();
    });

    await t.step(
      "streams: a late alert or aggregate stored after a client's Last-Event-ID arrives on resume",
      async () => {
        const cases = [
          {
            path: "/streams/alerts",
            event: "alert",
            idOf: (v: Record<string, unknown>) => v.alertId,
            live: () => fx.fill.alerts([alert("a6", "d2", "active", "info", "01:00:30")]),
            // Raised earlier in event time than everything the client saw.
            late: () => fx.fill.alerts([alert("a7", "d2", "active", "info", "00:30:00")]),
            expect: ["a6", "a7"],
          },
          {
            path: "/streams/aggregates",
            event: "aggregate",
            idOf: (v: Record<string, unknown>) => `${v.deviceId}@${v.windowStart}`,
            live: () => fx.fill.aggregates([agg("d3", "01:00:00", 25)]),
            late: () => fx.fill.aggregates([agg("d3", "00:30:00", 24)]),
            expect: [`d3@${at("01:00:00")}`, `d3@${at("00:30:00")}`],
          },
        ];
        for (const c of cases) {
          const first = await openSse(app, c.path);
          try {
            await waitFor(() => first.events.some((e) => e.event === "ready"), {
              message: "ready",
            });
            await c.live();
            await waitFor(() => first.events.some((e) => e.event === c.event), {
              message: `live ${c.event}`,
            });
          } finally {
            await first.close();
          }
          const seen = first.events.filter((e) => e.event === c.event);
          assertEquals(seen.map((e) => c.idOf(JSON.parse(e.data))), [c.expect[0]], c.path);
          await c.late();
          const resumed = await openSse(app, c.path, { "last-event-id": seen.at(-1)!.id! });
          try {
            await waitFor(() => resumed.events.some((e) => e.event === c.event), {
              message: `late ${c.event} on resume`,
            });
          } finally {
            await resumed.close();
          }
          const got = resumed.events.filter((e) => e.event === c.event);
          assertEquals(got.map((e) => c.idOf(JSON.parse(e.data))), [c.expect[1]], c.path);
        }
      },
    );

    await t.step(
      "streams: a device's readings, including late ones, in arrival order",
      async () => {
        const s = await openSse(app, "/streams/devices/d1/readings");
        try {
          await waitFor(() => s.events.some((e) => e.event === "ready"), { message: "ready" });
          await fx.fill.readings([
            [{ deviceId: "d1", ts: at("01:00:05"), temperature: 30, humidity: 41 }, {
              partition: 0,
              offset: 5,
            }],
            [{ deviceId: "d1", ts: at("00:59:41"), temperature: 19, humidity: 41 }, {
              partition: 0,
              offset: 6,
            }],
          ]);
          await waitFor(() => s.events.filter((e) => e.event === "reading").length >= 2, {
            message: "readings",
          });
        } finally {
          await s.close();
        }
        const temps = s.events.filter((e) => e.event === "reading").map((e) =>
          JSON.parse(e.data).temperature
        );
        assertEquals(temps, [30, 19]);
      },
    );

    await t.step("openapi, healthz and per-route metrics", async () => {
      const doc = await get("/openapi.json");
      assertEquals(doc.json.openapi, "3.1.0");
      const paths = Object.keys(doc.json.paths as object);
      for (
        const p of [
          "/devices",
          "/devices/{deviceId}/commands",
          "/alerts/{alertId}/ack",
          "/vehicles/{vehicleId}",
          "/streams/alerts",
        ]
      ) {
        assert(paths.includes(p), `${p} in ${paths}`);
      }
      assertEquals((await get("/healthz")).json.status, "ok");
      const metrics = await (await app.request("/metrics")).text();
      assertMatch(
        metrics,
        /api_request_duration_seconds_bucket\{method="GET",route="\/devices\/:deviceId",le="0.005"\}/,
      );
      assertMatch(
        metrics,
        /api_requests_total\{method="GET",route="\/devices\/:deviceId",status="404"\} 1/,
      );
    });
  });
}
