/**
 * `deno task fuzz:api` (also part of `deno task test`): schemathesis (from PyPI, pinned, in a venv under the cache dir) against the
 * API's `/openapi.json`, served on a free port over an embedded store seeded with a few devices,
 * alerts and vehicles. Every check runs except `positive_data_acceptance`: cursors are opaque, so
 * a schema-valid string that no page issued is rightly a 400. SSE routes are excluded (endless).
 * Fails unless schemathesis finds no issue. `IOT_FUZZ_EXAMPLES` sets `--max-examples` (default 50).
 */
import { assertEquals } from "@std/assert";
import { defaultCacheDir } from "@iot/testing";
import { createApp } from "./app.ts";
import { RecordingPublisher } from "./commands.ts";
import { serveApi } from "./server.ts";
import { SqliteStore } from "./sqlite_store.ts";
import { SqliteFiller } from "./store_fill_test_util.ts";

const SCHEMATHESIS = "schemathesis==4.32.5";
const TOKEN = crypto.randomUUID();

async function sh(cmd: string, args: string[], cwd?: string): Promise<number> {
  // schemathesis keeps a cache in its working directory: run it in the temp dir, not the repo.
  const child = new Deno.Command(cmd, { args, cwd, stdout: "inherit", stderr: "inherit" }).spawn();
  return (await child.status).code;
}

async function schemathesis(): Promise<string> {
  const venv = `${defaultCacheDir()}/schemathesis-venv`;
  const bin = `${venv}/bin/schemathesis`;
  try {
    await Deno.stat(bin);
  } catch {
    if (await sh("python3", ["-m", "venv", venv])) throw new Error("python3 -m venv failed");
    if (await sh(`${venv}/bin/pip`, ["install", "-q", SCHEMATHESIS])) {
      throw new Error(`pip install ${SCHEMATHESIS} failed`);
    }
  }
  return bin;
}

async function seed(path: string): Promise<void> {
  await using fill = new SqliteFiller(path);
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  await fill.readings(
    ["d-1", "d-2", "device 3"].flatMap((deviceId, d) =>
      [0, 1, 2].map((i) =>
        [{ deviceId, ts: iso(now - i * 10_000), temperature: 20 + i, humidity: 40 }, {
          partition: d,
          offset: i,
        }] as const
      )
    ),
  );
  await fill.alerts([{
    alertId: "a-1",
    deviceId: "d-1",
    state: "active",
    type: "temperature-high",
    severity: "warning",
    value: 31,
    threshold: 30,
    windowStart: iso(now - 120_000),
    windowEnd: iso(now - 60_000),
    ts: iso(now - 60_000),
  }]);
  await fill.vehicleMaxima([[
    { vehicleId: "v-1", sensorId: "s-1", pressureMax: 34, temperature: 30, ts: iso(now) },
    { partition: 0, offset: 0 },
  ]]);
}

Deno.test("schemathesis finds no 5xx and no response that violates /openapi.json", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fuzz-api-" });
  try {
    const bin = await schemathesis();
    await seed(`${dir}/iot.db`);
    using store = new SqliteStore({ path: `${dir}/iot.db` });
    const app = createApp({
      store,
      commands: new RecordingPublisher(),
      config: { tokens: [TOKEN] },
    });
    await using server = await serveApi({ fetch: app.fetch, port: 0 });
    const examples = Deno.env.get("IOT_FUZZ_EXAMPLES") ?? "50";
    const code = await sh(bin, [
      "run",
      `http://127.0.0.1:${server.port}/openapi.json`,
      "--checks",
      "all",
      "--exclude-checks",
      "positive_data_acceptance",
      "--exclude-path-regex",
      "^/streams",
      "--header",
      `Authorization: Bearer ${TOKEN}`,
      "--max-examples",
      examples,
      "--no-color",
    ], dir);
    assertEquals(code, 0, "schemathesis found issues (see its output above)");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
