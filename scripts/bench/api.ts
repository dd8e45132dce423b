/**
 * API benchmark (`deno task bench:api`): `deno task api` over an embedded store pre-filled with
 * N readings (default 10M: 1,000 devices × 10,000), loaded by vegeta (Go module
 * `github.com/tsenart/vegeta/v12`, installed into the cache dir on first use) at a constant rate:
 * point queries (one device, its last readings, one vehicle's maximum) and a time-range query
 * (100 readings of one device). Reports requests/s, p50 and p99 per query.
 *
 * Usage: `deno task bench:api [--readings N] [--rate R] [--seconds S] [--json]`. The filled store
 * is kept in the cache dir and reused by later runs with the same N. Progress goes to stderr.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { sqliteLayout as L } from "@iot/events";
import { defaultCacheDir, freePort, waitFor } from "@iot/testing";

const DEVICES = 1000;
const VEHICLES = 1000;
const START = Date.parse("2026-01-01T00:00:00.000Z");
const STEP_MS = 1000;
const VEGETA = "github.com/tsenart/vegeta/v12@v12.12.0";

interface Flags {
  readings: number;
  rate: number;
  seconds: number;
  json: boolean;
}

function parseFlags(args: readonly string[]): Flags {
  const flags: Flags = { readings: 10_000_000, rate: 2000, seconds: 10, json: false };
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = args[i].split("=", 2);
    const value = () => Number((inline ?? args[++i] ?? "").replaceAll("_", ""));
    if (name === "--json") flags.json = true;
    else if (name === "--readings") flags.readings = value();
    else if (name === "--rate") flags.rate = value();
    else if (name === "--seconds") flags.seconds = value();
    else throw new Error(`unknown flag ${name}`);
  }
  return flags;
}

const log = (msg: string) => console.error(`bench:api: ${msg}`);
const device = (i: number) => `d-${String(i).padStart(4, "0")}`;
const vehicle = (i: number) => `v-${String(i).padStart(4, "0")}`;

/** Fills a store file with the sinks' schema: readings device by device, vehicle maxima. */
function fill(path: string, readings: number): void {
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;");
  db.exec(Deno.readTextFileSync(new URL("../../sinks/schema/sqlite.sql", import.meta.url)));
  const r = L.climateReadings;
  const insert = db.prepare(
    `INSERT INTO ${r.table} (${r.columns.join(", ")}) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const perDevice = Math.ceil(readings / DEVICES);
  const t0 = performance.now();
  for (let d = 0; d < DEVICES; d++) {
    db.exec("BEGIN");
    for (let i = 0; i < perDevice; i++) {
      const ts = new Date(START + i * STEP_MS).toISOString();
      insert.run(device(d), ts, 20 + (i % 100) / 10, 40 + (i % 50) / 5, d % 4, i);
    }
    db.exec("COMMIT");
    if (d % 100 === 99) log(`filled ${((d + 1) * perDevice).toLocaleString()} readings`);
  }
  const m = L.vehiclePressureMax;
  const max = db.prepare(
    `INSERT INTO ${m.table} (${m.columns.join(", ")}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  db.exec("BEGIN");
  for (let v = 0; v < VEHICLES; v++) {
    max.run(vehicle(v), "s1", 30 + v / 1000, 25, new Date(START).toISOString(), 0, v);
  }
  db.exec("COMMIT");
  // Fold the WAL into the file: a reader opening a multi-GB WAL first rebuilds its index.
  db.exec("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;");
  db.close();
  log(`filled in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

async function vegetaBin(): Promise<string> {
  const dir = `${defaultCacheDir()}/go-bin`;
  const bin = `${dir}/vegeta`;
  try {
    await Deno.stat(bin);
    return bin;
  } catch {
    log(`go install ${VEGETA}`);
    const out = await new Deno.Command("go", {
      args: ["install", VEGETA],
      env: { GOBIN: dir },
      stderr: "inherit",
    }).output();
    if (!out.success) throw new Error("go install vegeta failed");
    return bin;
  }
}

async function startApi(path: string, port: number): Promise<Deno.ChildProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "api/main.ts", "--port", String(port), "--sqlite", path],
    // Request logs would cost the server more than the queries: warnings only.
    env: { API_LOG_LEVEL: "warn" },
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  await waitFor(async () => {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
    await response?.body?.cancel();
    return response?.ok ?? false;
  }, { timeoutMs: 30_000, message: "the API to answer /healthz" });
  return child;
}

interface Result {
  query: string;
  rate: number;
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  success: number;
}

async function attack(bin: string, name: string, targets: string[], f: Flags): Promise<Result> {
  const file = await Deno.makeTempFile({ prefix: "vegeta-targets-" });
  await Deno.writeTextFile(file, targets.map((t) => `GET ${t}`).join("\n") + "\n");
  const attack = new Deno.Command(bin, {
    args: [
      "attack",
      `-rate=${f.rate}`,
      `-duration=${f.seconds}s`,
      `-targets=${file}`,
      "-keepalive",
    ],
    stdout: "piped",
  }).spawn();
  const report = new Deno.Command(bin, {
    args: ["report", "-type=json"],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  await attack.stdout.pipeTo(report.stdin);
  await attack.status;
  const json = JSON.parse(new TextDecoder().decode((await report.output()).stdout));
  await Deno.remove(file);
  return {
    query: name,
    rate: f.rate,
    throughput: Math.round(json.throughput),
    p50Ms: json.latencies["50th"] / 1e6,
    p99Ms: json.latencies["99th"] / 1e6,
    success: json.success,
  };
}

const flags = parseFlags(Deno.args);
const dir = `${defaultCacheDir()}/bench-api`;
await Deno.mkdir(dir, { recursive: true });
const path = `${dir}/iot-${flags.readings}.db`;
try {
  await Deno.stat(path);
  log(`reusing ${path}`);
} catch {
  log(`filling ${path} with ${flags.readings.toLocaleString()} readings`);
  fill(`${path}.tmp`, flags.readings);
  for (const ext of ["", "-wal", "-shm"]) {
    await Deno.rename(`${path}.tmp${ext}`, `${path}${ext}`).catch(() => {});
  }
}
const bin = await vegetaBin();
const port = freePort();
const base = `http://127.0.0.1:${port}`;
const perDevice = Math.ceil(flags.readings / DEVICES);
const lastTs = START + (perDevice - 1) * STEP_MS;
const pick = (n: number, f: (i: number) => string) =>
  Array.from({ length: 500 }, (_, k) => f((k * 7919) % n));
const iso = (ms: number) => new Date(ms).toISOString();
const queries: [string, string[]][] = [
  ["GET /devices/{id}", pick(DEVICES, (i) => `${base}/devices/${device(i)}`)],
  [
    "GET /devices/{id}/readings (last 10)",
    pick(DEVICES, (i) => `${base}/devices/${device(i)}/readings?from=${lastTs - 9 * STEP_MS}`),
  ],
  ["GET /vehicles/{id}", pick(VEHICLES, (i) => `${base}/vehicles/${vehicle(i)}`)],
  [
    "GET /devices/{id}/readings (100 in a range)",
    pick(DEVICES, (i) => {
      const from = START + ((i * 37) % Math.max(1, perDevice - 100)) * STEP_MS;
      return `${base}/devices/${device(i)}/readings?from=${iso(from)}&to=${
        iso(from + 100 * STEP_MS)
      }`;
    }),
  ],
];
const results: Result[] = [];
const child = await startApi(path, port);
try {
  for (const [name, targets] of queries) {
    log(`${name} at ${flags.rate}/s for ${flags.seconds} s`);
    results.push(await attack(bin, name, targets, flags));
  }
} finally {
  child.kill("SIGTERM");
  await child.status;
}
if (flags.json) console.log(JSON.stringify(results, null, 2));
else {
  console.log(
    `${flags.readings.toLocaleString()} readings, ${DEVICES} devices; vegeta constant rate`,
  );
  console.log("| query | target/s | achieved/s | p50 ms | p99 ms | success |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const r of results) {
    console.log(
      `| ${r.query} | ${r.rate} | ${r.throughput} | ${r.p50Ms.toFixed(2)} | ${
        r.p99Ms.toFixed(2)
      } | ${(r.success * 100).toFixed(1)}% |`,
    );
  }
}
