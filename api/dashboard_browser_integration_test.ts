/**
 * The dashboard in a real browser: headless Chromium from Debian (`/usr/bin/chromium`, installed
 * by scripts/setup.sh) driven by playwright-core (no browser download), against the app served on
 * a free port over an embedded store that the test fills and updates like the sinks would.
 */
import { assert, assertEquals } from "@std/assert";
import { waitFor } from "@iot/testing";
import { chromium } from "playwright-core";
import { createApp } from "./app.ts";
import { RecordingPublisher } from "./commands.ts";
import { serveApi } from "./server.ts";
import { SqliteStore } from "./sqlite_store.ts";
import { SqliteFiller } from "./store_fill_test_util.ts";

const TOKEN = "browser-test-token";
const CHROMIUM = Deno.env.get("IOT_CHROMIUM") ?? "/usr/bin/chromium";

Deno.test("dashboard: live readings, ack an alert, shut a device down", async () => {
  const dir = await Deno.makeTempDir({ prefix: "api-browser-" });
  const fill = new SqliteFiller(`${dir}/iot.db`);
  const store = new SqliteStore({ path: `${dir}/iot.db` });
  const publisher = new RecordingPublisher();
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  let offset = 0;
  const readings = (deviceId: string, partition: number, ts: number, temperature: number) =>
    [{ deviceId, ts: iso(ts), temperature, humidity: 45 }, {
      partition,
      offset: offset++,
    }] as const;
  await fill.readings([
    ...[0, 1, 2, 3].map((i) => readings("d1", 0, now - 40_000 + i * 10_000, 20 + i)),
    ...[0, 1, 2].map((i) => readings("d2", 1, now - 30_000 + i * 10_000, 22 + i)),
    readings("d3", 1, now - 5_000, 19),
  ]);
  await fill.aggregates([0, 1, 2].map((i) => ({
    deviceId: "d1",
    windowStart: iso(now - (3 - i) * 60_000),
    windowEnd: iso(now - (2 - i) * 60_000),
    count: 6,
    temperature: { avg: 21 + i, min: 20 + i, max: 22 + i },
    humidity: { avg: 45, min: 44, max: 46 },
  })));
  await fill.alerts([{
    alertId: "a1",
    deviceId: "d2",
    state: "active",
    type: "temperature-high",
    severity: "critical",
    value: 31.5,
    threshold: 30,
    windowStart: iso(now - 120_000),
    windowEnd: iso(now - 60_000),
    ts: iso(now - 60_000),
  }]);
  await fill.vehicleMaxima([[
    { vehicleId: "v1", sensorId: "s1", pressureMax: 34.2, temperature: 30, ts: iso(now) },
    { partition: 0, offset: 0 },
  ]]);
  const app = createApp({
    store,
    commands: publisher,
    config: { tokens: [TOKEN], pollIntervalMs: 100 },
  });
  const server = await serveApi({ fetch: app.fetch, port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on(
      "console",
      (m) => m.type() === "error" && errors.push(`${m.text()} ${m.location().url}`),
    );
    await page.goto(`http://127.0.0.1:${server.port}/?token=${TOKEN}`);
    // The token left the address bar, as in Jupyter.
    assertEquals(new URL(page.url()).search, "");
    await page.locator("#devices tr[data-device=d1]").click();
    await page.locator("#detail-status", { hasText: "active" }).waitFor();
    await page.locator("#live-reading[data-live=on]").waitFor();

    // Live readings: a reading the sinks write now shows up without a reload.
    await fill.readings([readings("d1", 0, Date.now(), 42.5)]);
    await page.locator("#live-reading", { hasText: "42.5" }).waitFor({ timeout: 10_000 });

    // Acknowledge the alert.
    await page.goto(`http://127.0.0.1:${server.port}/#alerts`);
    await page.locator("#alert-table tr[data-alert=a1] button.ack").click();
    await page.locator("#alert-table tr[data-alert=a1]", { hasText: "acked by dashboard" })
      .waitFor();
    assertEquals((await store.alert("a1"))?.ackedBy, "dashboard");

    // Shut d2 down: the command is produced; once the device reports success its status changes.
    await page.goto(`http://127.0.0.1:${server.port}/#fleet`);
    await page.locator("#devices tr[data-device=d2]").click();
    await page.locator("#detail-status", { hasText: "active" }).waitFor();
    await page.locator("#cmd-shutdown").click();
    await waitFor(() => publisher.published.length === 1, { message: "shutdown produced" });
    const cmd = publisher.published[0];
    assertEquals([cmd.deviceId, cmd.command], ["d2", "shutdown"]);
    await page.locator("#commands td.cmd-status", { hasText: "pending" }).waitFor();
    await fill.commandStatus([
      { commandId: cmd.commandId, deviceId: "d2", status: "succeeded", ts: iso(Date.now()) },
    ]);
    await page.locator("#detail-status", { hasText: "shut down" }).waitFor({ timeout: 10_000 });
    await page.locator("#commands td.cmd-status", { hasText: "succeeded" }).waitFor();
    await page.locator("#devices tr[data-device=d2]", { hasText: "shut down" }).waitFor();

    const shot = `${Deno.env.get("TMPDIR") ?? "/tmp"}/iot-api-dashboard.png`;
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`dashboard screenshot: ${shot}`);
    assert(errors.length === 0, `page errors: ${errors.join("; ")}`);
  } finally {
    await browser.close();
    await server.shutdown();
    store.close();
    await fill[Symbol.asyncDispose]();
    await Deno.remove(dir, { recursive: true });
  }
});
