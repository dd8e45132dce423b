/**
 * API benchmark (`deno task bench:api`): `deno task api` over an embedded store pre-filled with
 * N readings (default 10M: 1,000 devices × 10,000), loaded by vegeta (Go module
 * `github.com/tsenart/vegeta/v12`, installed into the cache dir on first use) at a constant rate:
 * point queries (one device, its last readings, one vehicle's maximum) and a time-range query
 * (100 readings of one device). Reports requests/s, p50 and p99 per query.
 *
 * Peer: the same store calls without HTTP (`SqliteStore` in this process over `node:sqlite`,
 * same file, same arguments, closed loop), so the HTTP/driver ratio is visible. Rounds alternate
 * (driver, HTTP, driver, HTTP, …; `--rounds`, default 2) and the table gives each figure's median
 * over rounds, as the shared machine is noisy.
 *
 * Then N SSE clients (default 1,000) follow `/streams/alerts` while alerts are written to
 * the store: delivery latency (write to receipt) p50/p99 over every client and alert.
 *
 * Usage: `deno task bench:api [--readings N] [--rate R] [--seconds S] [--rounds N] [--sse-clients N]
 * [--api-entry FILE] [--json]` (`--api-entry`: another checkout's `api/main.ts`, to compare). The filled store
 * is kept in the cache dir and reused by later runs with the same N. Progress goes to stderr.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { SqliteStore } from "@iot/api";
import { type BenchQuery, driverRound, reportTable, type RoundFigures } from "./api_driver.ts";
import { sseBench } from "./api_sse.ts";
import { sqliteLayout as L } from "@iot/events";
import { SqliteWriter } from "@iot/sinks";
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
  sseClients: number;
  rounds: number;
  apiEntry: string;
  json: boolean;
}

const USAGE = "usage: deno task bench:api [--readings N] [--rate R] [--seconds S] [--rounds N] " +
  "[--sse-clients N] [--api-entry FILE] [--json]";

function parseFlags(args: readonly string[]): Flags | "help" {
  const flags: Flags = {
    readings: 10_000_000,
    rate: 2000,
    seconds: 10,
    sseClients: 1000,
    rounds: 2,
    apiEntry: "api/main.ts",
    json: false,
  };
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = args[i].split("=", 2);
    const value = () => Number((inline ?? args[++i] ?? "").replaceAll("_", ""));
    if (name === "--help" || name === "-h") return "help";
    if (name === "--json") flags.json = true;
    else if (name === "--readings") flags.readings = value();
    else if (name === "--rate") flags.rate = value();
    else if (name === "--seconds") flags.seconds = value();
    else if (name === "--sse-clients") flags.sseClients = value();
    else if (name === "--rounds") flags.rounds = value();
    else if (name === "--api-entry") flags.apiEntry = inline ?? args[++i];
    else throw new Error(`unknown flag ${name}\n${USAGE}`);
  }
  for (const key of ["readings", "rate", "seconds", "sseClients", "rounds"] as const) {
    if (!(flags[key] > 0)) throw new Error(`--${key} must be a positive number\n${USAGE}`);
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

/**
 * CPU seconds (user + system) the process has used, from `/proc` (Linux): the server's cost per
 * request, which the noisy shared machine does not inflate the way it inflates latency.
 */
function cpuSeconds(pid: number): number {
  try {
    const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
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

async function startApi(entry: string, path: string, port: number): Promise<Deno.ChildProcess> {
  // Run from the entry's checkout, so its workspace (deno.json) resolves the members.
  const file = resolve(entry);
  const child = new Deno.Command(Deno.execPath(), {
    cwd: dirname(dirname(file)),
    args: [
      "run",
      "-A",
      file,
      ...["--port", String(port), "--sqlite", path, "--poll-interval-ms", "25"],
    ],
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

async function attack(bin: string, targets: string[], f: Flags): Promise<RoundFigures> {
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
  if (json.success < 1) log(`${((1 - json.success) * 100).toFixed(2)}% of requests failed`);
  return {
    throughput: Math.round(json.throughput),
    p50Ms: json.latencies["50th"] / 1e6,
    p99Ms: json.latencies["99th"] / 1e6,
  };
}

const parsed = (() => {
  try {
    return parseFlags(Deno.args);
  } catch (e) {
    console.error(`bench:api: ${(e as Error).message}`);
    Deno.exit(2);
  }
})();
if (parsed === "help") {
  console.log(USAGE);
  Deno.exit(0);
}
const flags = parsed;
const dir = `${defaultCacheDir()}/bench-api`;
await Deno.mkdir(dir, { recursive: true });
const path = `${dir}/iot-${flags.readings}.db`;
try {
  await Deno.stat(path);
  log(`reusing ${path}`);
  // A file filled by an older schema gets the sinks' migrations (new columns and indexes).
  const writer = new SqliteWriter({ path });
  await writer.ensureSchema();
  await writer.close();
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
const SAMPLES = Array.from({ length: 500 }, (_, k) => k * 7919);
const iso = (ms: number) => new Date(ms).toISOString();
const page = { limit: 100 };
const rangeOf = (i: number) => START + ((i * 37) % Math.max(1, perDevice - 100)) * STEP_MS;
/** One query: a path and the store calls its route makes, per sample index. */
const query = (
  name: string,
  n: number,
  path: (i: number) => string,
  call: (i: number) => (store: SqliteStore) => Promise<unknown>,
): BenchQuery => ({
  name,
  paths: SAMPLES.map((k) => path(k % n)),
  calls: SAMPLES.map((k) => call(k % n)),
});
const queries: BenchQuery[] = [
  query(
    "GET /devices/{id}",
    DEVICES,
    (i) => `/devices/${device(i)}`,
    (i) => (s) => s.device(device(i)),
  ),
  query(
    "GET /devices/{id}/readings (last 10)",
    DEVICES,
    (i) => `/devices/${device(i)}/readings?from=${lastTs - 9 * STEP_MS}`,
    (i) => (s) => s.readings(device(i), { from: lastTs - 9 * STEP_MS }, page),
  ),
  query("GET /vehicles/{id}", VEHICLES, (i) => `/vehicles/${vehicle(i)}`, (i) => async (s) => {
    await s.vehicleMax(vehicle(i));
    await s.vehicleMaxHistory(vehicle(i), {}, page);
  }),
  query(
    "GET /devices/{id}/readings (100 in a range)",
    DEVICES,
    (i) =>
      `/devices/${device(i)}/readings?from=${iso(rangeOf(i))}&to=${
        iso(rangeOf(i) + 100 * STEP_MS)
      }`,
    (i) => (s) => s.readings(device(i), { from: rangeOf(i), to: rangeOf(i) + 100 * STEP_MS }, page),
  ),
];
const rows = queries.map((q) => ({
  query: q.name,
  http: [] as RoundFigures[],
  driver: [] as RoundFigures[],
}));
let sse: { clients: number; samples: number; p50Ms: number; p99Ms: number } | undefined;
const child = await startApi(flags.apiEntry, path, port);
try {
  const store = new SqliteStore({ path });
  try {
    for (let round = 0; round < flags.rounds; round++) {
      for (const [i, q] of queries.entries()) {
        log(`round ${round + 1}: ${q.name}: driver for ${flags.seconds} s`);
        rows[i].driver.push(await driverRound(store, q, flags.seconds));
        log(`round ${round + 1}: ${q.name}: HTTP at ${flags.rate}/s for ${flags.seconds} s`);
        const cpu = cpuSeconds(child.pid);
        const http = await attack(bin, q.paths.map((p) => base + p), flags);
        const used = cpuSeconds(child.pid) - cpu;
        rows[i].http.push({ ...http, cpuUs: (used * 1e6) / (http.throughput * flags.seconds) });
      }
    }
  } finally {
    store.close();
  }
  if (flags.sseClients > 0) sse = await sseBench(base, path, flags.sseClients);
} finally {
  child.kill("SIGTERM");
  await child.status;
}
if (flags.json) console.log(JSON.stringify({ rate: flags.rate, rows, sse }, null, 2));
else {
  console.log(
    `${flags.readings.toLocaleString()} readings, ${DEVICES} devices; vegeta constant rate; ` +
      `${flags.rounds} alternating rounds of ${flags.seconds} s (medians)`,
  );
  console.log(reportTable(flags.rate, rows));
}
if (sse && !flags.json) {
  console.log(
    `SSE: ${sse.clients} clients on /streams/alerts, ${sse.samples} deliveries: ` +
      `p50 ${sse.p50Ms.toFixed(1)} ms, p99 ${sse.p99Ms.toFixed(1)} ms (write to receipt)`,
  );
}
