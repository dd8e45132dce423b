/**
 * What the end-to-end tests of the launcher and of `scripts/stack.sh` wait for through the API:
 * a window aggregate (equal to one recomputed here from the raw readings the API serves), an
 * overheating alert with the processor's shutdown command, and the vehicle maxima a pressure
 * spike set. The runs they check use {@linkcode anomalyEnv}.
 *
 * @module
 */
import { assertAlmostEquals, assertEquals } from "@std/assert";
import { waitFor } from "@iot/testing";
import { apiGet } from "./e2e_test_util.ts";

type Page<T> = { items: T[]; nextCursor: string | null };
type Stats = { avg: number; min: number; max: number };
/** A window aggregate as the API serves it. */
export type Aggregate = {
  deviceId: string;
  windowStart: string;
  windowEnd: string;
  count: number;
  temperature: Stats;
  humidity: Stats;
};
type Reading = { deviceId: string; ts: string; temperature: number; humidity: number };
type Alert = { deviceId: string; type: string; raisedAt: string | null; value: number };
type Command = { command: string; reason: string; status: string };
/** A vehicle's maximum as the API serves it. */
export type VehicleMax = { vehicleId: string; pressureMax: number; ts: string };

/** The device that overheats. */
export const hot = "climate-0001";
/** The vehicles whose tyres spike. */
export const vehicles = ["vehicle-0001", "vehicle-0002"];

/**
 * Short windows (5 s aggregates, 1 s out-of-orderness, 5 s / 1 s overheating, 1 s checkpoints)
 * and every device between 35 and 37 °C, so the overheating one passes 40 °C in about 30 s.
 */
export const shortWindowsEnv: Record<string, string> = {
  PROCESSOR_WINDOW_MS: "5000",
  PROCESSOR_MAX_OUT_OF_ORDERNESS_MS: "1000",
  PROCESSOR_CHECKPOINT_INTERVAL_MS: "1000",
  PROCESSOR_OVERHEAT_WINDOW_MS: "5000",
  PROCESSOR_OVERHEAT_SLIDE_MS: "1000",
  PRODUCER_TEMP_MIN: "35",
  PRODUCER_TEMP_MAX: "37",
};

/** The anomalies as the producer's own variables (the launcher's flags do the same). */
export const anomalyEnv: Record<string, string> = {
  PRODUCER_OVERHEAT: hot,
  // +250 kPa for 30 s from the start: maxima no later reading reaches.
  PRODUCER_PRESSURE_SPIKE: vehicles.join(","),
};

/** Every item of a paged API listing, or null while the API does not answer. */
export async function all<T>(port: number, path: string): Promise<T[] | null> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const query: string = cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : "";
    const page: Page<T> | null = await apiGet<Page<T>>(port, `${path}${sep}limit=1000${query}`);
    if (!page) return null;
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** Vehicle id to its maximum pressure. */
export const maxima = (items: VehicleMax[]): Record<string, number> =>
  Object.fromEntries(items.map((v) => [v.vehicleId, v.pressureMax]));

/** The reference: an aggregate recomputed from the readings of its window (plain batch math). */
function aggregateOf(readings: Reading[]) {
  const stats = (xs: number[]) => ({
    avg: xs.reduce((a, b) => a + b, 0) / xs.length,
    min: Math.min(...xs),
    max: Math.max(...xs),
  });
  return {
    temperature: stats(readings.map((r) => r.temperature)),
    humidity: stats(readings.map((r) => r.humidity)),
  };
}

async function matchesReadings(api: number, a: Aggregate): Promise<boolean> {
  const range = `from=${a.windowStart}&to=${a.windowEnd}`;
  const readings = await all<Reading>(api, `/devices/${a.deviceId}/readings?${range}`);
  if (!readings || readings.length !== a.count) return false; // the readings sink may lag
  const expected = aggregateOf(readings);
  for (const field of ["temperature", "humidity"] as const) {
    for (const stat of ["avg", "min", "max"] as const) {
      assertAlmostEquals(a[field][stat], expected[field][stat], 1e-6, `${field}.${stat}`);
    }
  }
  return true;
}

/**
 * The last `n` service lines worth showing when a wait fails: without the API's access log, which
 * the tests' own polling (4 requests a second) would otherwise fill the tail with.
 */
export function lastLines(lines: readonly string[], n = 60): string {
  return lines.filter((l) => !l.includes(`"msg":"request"`)).slice(-n).join("\n");
}

/** Waits for `what`; a timeout fails with `context()` (the services' last lines). */
export async function until(
  what: string,
  ok: () => Promise<boolean>,
  context: () => string,
  timeoutMs = 120_000,
): Promise<void> {
  await waitFor(ok, { timeoutMs, intervalMs: 250, message: what }).catch((e) => {
    throw new Error(`${e.message}\n${context()}`);
  });
}

/** What {@linkcode awaitResults} saw. */
export interface Results {
  /** The aggregates served when the first one appeared. */
  aggregates: Aggregate[];
  /** When the first aggregate appeared (`performance.now()`). */
  firstAggregateAt: number;
  /** The vehicle maxima after the spike. */
  maxima: Record<string, number>;
}

/**
 * Waits, through the API on `api`, for an aggregate equal to its readings, an overheating alert
 * for {@linkcode hot} with its shutdown command (and no alert for another device), and both
 * vehicles' maxima once their spike is over (`t0`: when the run started).
 */
export async function awaitResults(
  api: number,
  t0: number,
  context: () => string,
): Promise<Results> {
  let aggregates: Aggregate[] = [];
  await until("a window aggregate", async () => {
    aggregates = await all<Aggregate>(api, "/aggregates") ?? [];
    return aggregates.length > 0;
  }, context);
  const firstAggregateAt = performance.now();
  const sample = aggregates.find((a) => a.deviceId !== hot) ?? aggregates[0];
  await until("an aggregate to equal its readings", () => matchesReadings(api, sample), context);

  await until(`an overheating alert for ${hot} and its shutdown command`, async () => {
    const alerts = await all<Alert>(api, `/alerts?deviceId=${hot}`) ?? [];
    const commands = await all<Command>(api, `/devices/${hot}/commands`) ?? [];
    // Raised, and maybe cleared already: the shutdown device stops reporting.
    return alerts.some((a) => a.type === "overheating" && a.raisedAt !== null) &&
      commands.some((c) => c.command === "shutdown" && c.reason.includes("overheat"));
  }, context);
  const alerts = await all<Alert>(api, "/alerts") ?? [];
  assertEquals(alerts.filter((a) => a.deviceId !== hot), [], "only the hot device alerts");

  let found: Record<string, number> = {};
  await until("both vehicles' maxima after their spike", async () => {
    found = maxima(await all<VehicleMax>(api, "/vehicles") ?? []);
    // Spike readings are stamped within 30 s of the producer's start (event time = now).
    return vehicles.every((v) => v in found) && performance.now() - t0 > 45_000;
  }, context);
  return { aggregates, firstAggregateAt, maxima: found };
}
