/**
 * End to end: `dev/main.ts` as a child on free ports and a temp data dir, with short windows
 * (5 s aggregates, 1 s out-of-orderness, 5 s/1 s overheating, 1 s checkpoints) so it stays
 * bounded. Through the API it waits for a window aggregate (checked against the device's raw
 * readings, recomputed here), an overheating alert with the processor's shutdown command, and
 * the vehicle maxima a pressure spike set; SIGINT stops every child; a restart on the same data
 * dir resumes: no (device, window) aggregate twice on `sensor-aggregates` and the same maxima.
 */
import { assert, assertAlmostEquals, assertEquals } from "@std/assert";
import { waitFor } from "@iot/testing";
import {
  apiGet,
  launch,
  type Launcher,
  portBlock,
  readTopic,
  started,
  stopAndCheck,
} from "./e2e_test_util.ts";

type Page<T> = { items: T[]; nextCursor: string | null };
type Stats = { avg: number; min: number; max: number };
type Aggregate = {
  deviceId: string;
  windowStart: string;
  windowEnd: string;
  count: number;
  temperature: Stats;
  humidity: Stats;
};
type Reading = { deviceId: string; ts: string; temperature: number; humidity: number };
type Alert = { deviceId: string; type: string; state: string; value: number };
type Command = { command: string; reason: string; status: string };
type VehicleMax = { vehicleId: string; pressureMax: number; ts: string };
type Group = { groupId: string; partitions: { topic: string; committed: number }[] };

const hot = "climate-0001";
const vehicles = ["vehicle-0001", "vehicle-0002"];
/** Short windows; every device between 35 and 37 °C so the overheating one passes 40 in ~30 s. */
const env = {
  PROCESSOR_WINDOW_MS: "5000",
  PROCESSOR_MAX_OUT_OF_ORDERNESS_MS: "1000",
  PROCESSOR_CHECKPOINT_INTERVAL_MS: "1000",
  PROCESSOR_OVERHEAT_WINDOW_MS: "5000",
  PROCESSOR_OVERHEAT_SLIDE_MS: "1000",
  PRODUCER_TEMP_MIN: "35",
  PRODUCER_TEMP_MAX: "37",
};

/** Every item of a paged API listing. */
async function all<T>(port: number, path: string): Promise<T[] | null> {
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

/** The reference: an aggregate recomputed from the readings the API serves for its window. */
function aggregateOf(
  readings: Reading[],
): Omit<Aggregate, "deviceId" | "windowStart" | "windowEnd"> {
  const stats = (xs: number[]) => ({
    avg: xs.reduce((a, b) => a + b, 0) / xs.length,
    min: Math.min(...xs),
    max: Math.max(...xs),
  });
  return {
    count: readings.length,
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

/** Waits for `what` to hold through the API; fails with the launcher's output. */
async function until(run: Launcher, what: string, ok: () => Promise<boolean>, timeoutMs = 120_000) {
  await waitFor(ok, { timeoutMs, intervalMs: 250, message: what }).catch((e) => {
    throw new Error(`${e.message}\n${run.lines.slice(-60).join("\n")}`);
  });
}

const maxima = (items: VehicleMax[]) =>
  Object.fromEntries(items.map((v) => [v.vehicleId, v.pressureMax]));

Deno.test({
  name: "deno task dev: aggregate, alert with shutdown, vehicle maxima; SIGINT; restart resumes",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const dataDir = await Deno.makeTempDir({ prefix: "dev-e2e-" });
    try {
      const base = portBlock();
      const api = base + 4;
      const bootstrap = `127.0.0.1:${base}`;
      const args = ["--port-base", String(base), "--data-dir", dataDir];
      const t0 = performance.now();
      // The spike (+250 kPa, 30 s from the start) sets maxima no later reading reaches.
      const spikes = vehicles.flatMap((v) => ["--pressure-spike", v]);
      const first = launch([...args, "--overheat", hot, ...spikes], env);
      await started(first);

      let aggregates: Aggregate[] = [];
      await until(first, "a window aggregate", async () => {
        aggregates = await all<Aggregate>(api, "/aggregates") ?? [];
        return aggregates.length > 0;
      });
      console.log(`first aggregate ${((performance.now() - t0) / 1000).toFixed(1)} s after start`);
      const sample = aggregates.find((a) => a.deviceId !== hot)!;
      await until(
        first,
        "the sample aggregate to equal its readings",
        () => matchesReadings(api, sample),
        30_000,
      );

      await until(first, `an overheating alert for ${hot} and its shutdown command`, async () => {
        const alerts = await all<Alert>(api, `/alerts?deviceId=${hot}`) ?? [];
        const commands = await all<Command>(api, `/devices/${hot}/commands`) ?? [];
        return alerts.some((a) => a.type === "overheating" && a.state === "active") &&
          commands.some((c) => c.command === "shutdown" && c.reason.includes("overheat"));
      });
      const others = await all<Alert>(api, "/alerts") ?? [];
      assertEquals(others.filter((a) => a.deviceId !== hot), [], "only the hot device alerts");

      let run1Maxima: Record<string, number> = {};
      await until(first, "both vehicles' maxima after their spike", async () => {
        const items = await all<VehicleMax>(api, "/vehicles") ?? [];
        run1Maxima = maxima(items);
        // Spike readings are stamped within 30 s of the producer's start (event time = now).
        return vehicles.every((v) => v in run1Maxima) && performance.now() - t0 > 45_000;
      });
      // The topic is in offset order per vehicle: the last record of each is its maximum.
      assertEquals(maxima(await readTopic(bootstrap, "vehicle-pressure-max")), run1Maxima);
      const run1 = await readTopic<Aggregate>(bootstrap, "sensor-aggregates");
      await stopAndCheck(first);

      const second = launch(args, env); // no anomalies: nothing may raise the maxima now
      await started(second);
      const lastStart = run1.map((a) => a.windowStart).sort().at(-1)!;
      await until(second, "an aggregate of a window newer than run 1's", async () => {
        const newer = await all<Aggregate>(api, `/aggregates?from=${lastStart}`) ?? [];
        return newer.some((a) => a.windowStart > lastStart);
      });
      const committed = async () => {
        const groups = await all<Group>(api, "/pipeline/groups") ?? [];
        const g = groups.find((g) => g.groupId === "processor-vehicle-max");
        return (g?.partitions ?? []).filter((p) => p.topic === "vehicle-pressure")
          .reduce((sum, p) => sum + Math.max(p.committed, 0), 0);
      };
      const before = await committed();
      await until(
        second,
        "vehicle-max to commit readings of run 2",
        async () => await committed() > before,
      );
      const topicMaxima = maxima(await readTopic(bootstrap, "vehicle-pressure-max"));
      assertEquals(topicMaxima, run1Maxima, "vehicle-max lost its state on restart");
      assertEquals(maxima(await all<VehicleMax>(api, "/vehicles") ?? []), run1Maxima);
      const run2 = await readTopic<Aggregate>(bootstrap, "sensor-aggregates");
      await stopAndCheck(second);
      assert(run2.some((a) => a.windowStart > lastStart));
      const keys = run2.map((a) => `${a.deviceId}@${a.windowStart}`);
      const duplicates = keys.filter((k, i) => keys.indexOf(k) !== i);
      assertEquals(duplicates, [], "an aggregate was emitted twice: the state did not resume");
    } finally {
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});
