/**
 * End to end: `dev/main.ts` as a child on free ports and a temp data dir, with short windows so
 * it stays bounded (`shortWindowsEnv`) and `--overheat` / `--pressure-spike`. Through the API it
 * waits for a window aggregate (checked against the device's raw readings, recomputed here), an
 * overheating alert with the processor's shutdown command, and the maxima the spike set; SIGINT
 * stops every child; a restart on the same data dir resumes: no (device, window) aggregate twice
 * on `sensor-aggregates` and the same vehicle maxima, on the topic and through the API.
 */
import { assert, assertEquals } from "@std/assert";
import {
  type Aggregate,
  all,
  awaitResults,
  hot,
  lastLines,
  maxima,
  shortWindowsEnv,
  until,
  type VehicleMax,
  vehicles,
} from "./api_checks_test_util.ts";
import {
  launch,
  type Launcher,
  portBlock,
  readTopic,
  started,
  stopAndCheck,
  stopIfRunning,
} from "./e2e_test_util.ts";

type Job = { job: string; recordsIn: number; checkpoints: number };
type Service = { name: string; status: { jobs: Job[] } | null };

Deno.test({
  name: "deno task dev: aggregate, alert with shutdown, vehicle maxima; SIGINT; restart resumes",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const dataDir = await Deno.makeTempDir({ prefix: "dev-e2e-" });
    const launched: Launcher[] = [];
    try {
      const base = portBlock();
      const api = base + 4;
      const bootstrap = `127.0.0.1:${base}`;
      const args = ["--port-base", String(base), "--data-dir", dataDir];
      const t0 = performance.now();
      const spikes = vehicles.flatMap((v) => ["--pressure-spike", v]);
      const first = launch([...args, "--overheat", hot, ...spikes], shortWindowsEnv);
      launched.push(first);
      await started(first);
      const results = await awaitResults(api, t0, () => lastLines(first.lines));
      const seconds = (results.firstAggregateAt - t0) / 1000;
      console.log(`first aggregate ${seconds.toFixed(1)} s after start (5 s windows)`);
      // The topic is in offset order per vehicle: the last record of each is its maximum.
      assertEquals(maxima(await readTopic(bootstrap, "vehicle-pressure-max")), results.maxima);
      const run1 = await readTopic<Aggregate>(bootstrap, "sensor-aggregates");
      await stopAndCheck(first);

      const second = launch(args, shortWindowsEnv); // no anomalies: nothing raises the maxima
      launched.push(second);
      const context = () => lastLines(second.lines);
      await started(second);
      const lastStart = run1.map((a) => a.windowStart).sort().at(-1)!;
      await until("an aggregate of a window newer than run 1's", async () => {
        const newer = await all<Aggregate>(api, `/aggregates?from=${lastStart}`) ?? [];
        return newer.some((a) => a.windowStart > lastStart);
      }, context);
      // The processor's status through the API: vehicle-max read records of run 2, then two
      // checkpoints passed (its outputs for them are committed).
      const vehicleMax = async () => {
        const services = await all<Service>(api, "/pipeline/services") ?? [];
        const processor = services.find((s) => s.name === "processor")?.status;
        return processor?.jobs.find((j) => j.job === "vehicle-max");
      };
      let seen: Job | undefined;
      await until("vehicle-max to read records of run 2", async () => {
        seen = await vehicleMax();
        return (seen?.recordsIn ?? 0) > 0;
      }, context);
      await until(
        "vehicle-max to checkpoint them",
        async () => ((await vehicleMax())?.checkpoints ?? 0) >= seen!.checkpoints + 2,
        context,
      );
      const topicMaxima = maxima(await readTopic(bootstrap, "vehicle-pressure-max"));
      assertEquals(topicMaxima, results.maxima, "vehicle-max lost its state on restart");
      assertEquals(maxima(await all<VehicleMax>(api, "/vehicles") ?? []), results.maxima);
      const run2 = await readTopic<Aggregate>(bootstrap, "sensor-aggregates");
      await stopAndCheck(second);
      assert(run2.some((a) => a.windowStart > lastStart));
      const keys = run2.map((a) => `${a.deviceId}@${a.windowStart}`);
      const duplicates = keys.filter((k, i) => keys.indexOf(k) !== i);
      assertEquals(duplicates, [], "an aggregate was emitted twice: the state did not resume");
    } finally {
      // A failed assertion skipped stopAndCheck: no service may outlive the test.
      for (const run of launched) await stopIfRunning(run);
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});
