import { assert, assertEquals, assertGreater } from "@std/assert";
import {
  decodeClimateReading,
  decodeCommandStatus,
  decodeVehiclePressureReading,
  type DeviceCommand,
  encodeEvent,
  resolveTopics,
  type Topics,
} from "@iot/events";
import { Consumer, type ConsumerRecord, Offset, Producer } from "@iot/kafka";
import { startKafka, uniqueName } from "@iot/testing";
import { type Fleet, fleetFromFlags, parseFleet } from "../core/fleet.ts";
import { type SimRecord, Simulation } from "../core/schedule.ts";
import { silentReporter } from "./output.ts";
import { type RunConfig, runProducer } from "./run.ts";

const text = new TextDecoder();
const startMs = Date.parse("2026-01-01T00:00:00.000Z");
const fleet = fleetFromFlags({
  devices: 20,
  vehicles: 2,
  sensorsPerVehicle: 4,
  tempMin: 15,
  tempMax: 30,
  humidityMin: 30,
  humidityMax: 70,
});

function freshTopics(tag: string): Topics {
  return resolveTopics({
    sensorReadings: uniqueName(`${tag}-readings`),
    vehiclePressure: uniqueName(`${tag}-pressure`),
    deviceCommands: uniqueName(`${tag}-commands`),
    commandStatus: uniqueName(`${tag}-status`),
  });
}

function config(bootstrap: string, topics: Topics, extra: Partial<RunConfig> = {}): RunConfig {
  return {
    bootstrap,
    fleet,
    seed: "42",
    startMs,
    count: 20_000,
    pacing: { mode: "max", capAtWallClock: false },
    topics,
    partitions: 3,
    commands: false,
    chunk: 3000,
    ...extra,
  };
}

/** Reads every partition of `topics` from the beginning until `done` holds. */
async function readUntil(
  bootstrap: string,
  topics: Record<string, number>,
  done: (records: ConsumerRecord[]) => boolean,
  timeoutMs = 20_000,
): Promise<ConsumerRecord[]> {
  await using consumer = new Consumer({
    config: { "bootstrap.servers": bootstrap, "group.id": uniqueName("producer-test") },
  });
  consumer.assign(
    Object.entries(topics).flatMap(([topic, n]) =>
      Array.from({ length: n }, (_, partition) => ({ topic, partition, offset: Offset.BEGINNING }))
    ),
  );
  const records: ConsumerRecord[] = [];
  if (done(records)) return records;
  for await (const batch of consumer.batches({ signal: AbortSignal.timeout(timeoutMs) })) {
    records.push(...batch);
    if (done(records)) return records;
  }
  throw new Error(`timed out with ${records.length} records`);
}

function expected(fleetDef: Fleet, topics: Topics, count: number): SimRecord[] {
  const sim = new Simulation({ fleet: fleetDef, seed: "42", startMs, topics, count });
  const out: SimRecord[] = [];
  while (!sim.done) sim.fill(out, 10_000, Infinity);
  return out;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

Deno.test("runProducer: N valid records with keys, headers and event-time timestamps", async () => {
  await using kafka = await startKafka();
  const topics = freshTopics("run");
  const summary = await runProducer(config(kafka.bootstrap, topics));
  assertEquals([summary.sent, summary.acked, summary.failed], [20_000, 20_000, 0]);
  const records = await readUntil(
    kafka.bootstrap,
    { [topics.sensorReadings]: 3, [topics.vehiclePressure]: 3 },
    (r) => r.length >= 20_000,
  );
  assertEquals(records.length, 20_000);
  for (const r of records) {
    const value = text.decode(r.value!);
    const key = text.decode(r.key!);
    const event = r.topic === topics.sensorReadings
      ? decodeClimateReading(value)
      : decodeVehiclePressureReading(value);
    assert(event.ok, value);
    assertEquals("deviceId" in event.value ? event.value.deviceId : event.value.sensorId, key);
    assertEquals(r.timestamp, Date.parse(event.value.ts));
    assertEquals(r.timestampType, "create");
    assertEquals(r.headers.map(([k, v]) => [k, text.decode(v!)]), [
      ["content-type", "application/json"],
      ["schema-version", "1"],
    ]);
  }
  const want = expected(fleet, topics, 20_000);
  assertEquals(countBy(records, (r) => text.decode(r.key!)), countBy(want, (r) => r.key));
});

Deno.test("runProducer: two runs with one seed write identical partitions, whatever the rate", async () => {
  await using kafka = await startKafka();
  const first = freshTopics("repro-a"), second = freshTopics("repro-b");
  await runProducer(config(kafka.bootstrap, first, { count: 5000 }));
  await runProducer(config(kafka.bootstrap, second, {
    count: 5000,
    pacing: { mode: "rate", rate: 50_000 },
    chunk: 777,
  }));
  const layout = async (topics: Topics) => {
    const records = await readUntil(
      kafka.bootstrap,
      { [topics.sensorReadings]: 3, [topics.vehiclePressure]: 3 },
      (r) => r.length >= 5000,
    );
    const byPartition: Record<string, string[]> = {};
    for (const r of records) {
      const id = `${r.topic === topics.sensorReadings ? "climate" : "vehicle"}/${r.partition}`;
      (byPartition[id] ??= []).push(
        `${text.decode(r.key!)}\t${text.decode(r.value!)}\t${r.timestamp}\t${r.offset}`,
      );
    }
    return byPartition;
  };
  const a = await layout(first);
  assertEquals(Object.keys(a).length, 6);
  assertEquals(await layout(second), a);
});

Deno.test("runProducer: shutdown stops a device within a second, restart resumes, statuses reported", async () => {
  await using kafka = await startKafka();
  const topics = freshTopics("cmd");
  const fast = parseFleet({
    devices: [{ type: "climate", count: 3, temperature: { period: 50 }, humidity: { period: 50 } }],
  }, "test");
  const wallStart = Date.now();
  const abort = new AbortController();
  let ready!: () => void;
  const started = new Promise<void>((resolve) => ready = resolve);
  const running = runProducer(
    config(kafka.bootstrap, topics, {
      fleet: fast,
      count: undefined,
      pacing: { mode: "realtime" },
      startMs: wallStart,
      commands: true,
    }),
    { signal: abort.signal, onReady: () => ready() },
  );
  try {
    await started;
    await using producer = new Producer({ config: { "bootstrap.servers": kafka.bootstrap } });
    const send = (commandId: string, command: DeviceCommand["command"], expiresInMs = 60_000) => {
      const now = Date.now();
      const event: DeviceCommand = {
        commandId,
        deviceId: "climate-0002",
        command,
        reason: "test",
        issuedAt: new Date(now - 1).toISOString(),
        expiresAt: new Date(now + expiresInMs).toISOString(),
      };
      return producer.send({
        topic: topics.deviceCommands,
        key: event.deviceId,
        value: encodeEvent(event),
      });
    };
    const readings = { [topics.sensorReadings]: 3 };
    const lastOf = (records: ConsumerRecord[], key: string) =>
      Math.max(...records.filter((r) => text.decode(r.key!) === key).map((r) => r.timestamp));

    await readUntil(kafka.bootstrap, readings, (r) => lastOf(r, "climate-0002") > wallStart);
    const shutdownAt = Date.now();
    await send("c1", "shutdown");
    // The other devices keep reporting well past the shutdown; climate-0002 does not.
    const after = await readUntil(
      kafka.bootstrap,
      readings,
      (r) => lastOf(r, "climate-0001") > shutdownAt + 1500,
    );
    assert(lastOf(after, "climate-0002") <= shutdownAt + 1000, "readings continued after shutdown");

    const restartAt = Date.now();
    await send("c2", "restart");
    await readUntil(kafka.bootstrap, readings, (r) => lastOf(r, "climate-0002") > restartAt);
    await send("c3", "shutdown", 1); // expires before it can arrive

    const statuses = await readUntil(
      kafka.bootstrap,
      { [topics.commandStatus]: 3 },
      (r) => r.length >= 5,
    );
    const decoded = statuses.map((r) => {
      const status = decodeCommandStatus(r.value!);
      assert(status.ok);
      assertEquals(text.decode(r.key!), "climate-0002");
      return `${status.value.commandId}:${status.value.status}`;
    });
    assertEquals(decoded, [
      "c1:delivered",
      "c1:succeeded",
      "c2:delivered",
      "c2:succeeded",
      "c3:expired",
    ]);
  } finally {
    abort.abort();
    const summary = await running;
    assertEquals(summary.aborted, true);
    assertEquals(summary.failed, 0);
    assertGreater(summary.commandStatuses, 4);
  }
});

Deno.test("runProducer: a simulated run far behind wall time obeys commands by the wall clock", async () => {
  await using kafka = await startKafka();
  const topics = freshTopics("cmd-sim");
  const fast = parseFleet({
    devices: [{ type: "climate", count: 3, temperature: { period: 50 }, humidity: { period: 50 } }],
  }, "test");
  const abort = new AbortController();
  let ready!: (simulation: Simulation) => void;
  const started = new Promise<Simulation>((resolve) => ready = resolve);
  const events: [string, unknown][] = [];
  // `--start 2026-01-01 --rate 200`: event time months behind the wall clock.
  const running = runProducer(
    config(kafka.bootstrap, topics, {
      fleet: fast,
      count: undefined,
      pacing: { mode: "rate", rate: 200 },
      commands: true,
    }),
    {
      signal: abort.signal,
      onReady: ready,
      reporter: { ...silentReporter, event: (name, fields) => events.push([name, fields.detail]) },
    },
  );
  try {
    const simulation = await started;
    assertEquals(events.find(([name]) => name === "pacing"), [
      "pacing",
      "simulated time from 2026-01-01T00:00:00.000Z, 200 msgs/s " +
      "(event time advances about 3.33 s per wall second)",
    ]);
    await using producer = new Producer({ config: { "bootstrap.servers": kafka.bootstrap } });
    // Times as the processor issues them: wall clock, with a 5-minute TTL.
    const send = (commandId: string, command: DeviceCommand["command"], issuedAt: number) => {
      const event: DeviceCommand = {
        commandId,
        deviceId: "climate-0002",
        command,
        reason: "test",
        issuedAt: new Date(issuedAt).toISOString(),
        expiresAt: new Date(issuedAt + 300_000).toISOString(),
      };
      return producer.send({
        topic: topics.deviceCommands,
        key: event.deviceId,
        value: encodeEvent(event),
      });
    };
    const statuses = async (n: number) =>
      (await readUntil(kafka.bootstrap, { [topics.commandStatus]: 3 }, (r) => r.length >= n))
        .map((r) => {
          const status = decodeCommandStatus(r.value!);
          assert(status.ok);
          return `${status.value.commandId}:${status.value.status}`;
        });

    await send("s1", "shutdown", Date.now() - 1000);
    assertEquals(await statuses(2), ["s1:delivered", "s1:succeeded"]);
    const cut = simulation.nowMs;
    assert(cut < startMs + 86_400_000, "event time should be far behind the wall clock");
    const readings = { [topics.sensorReadings]: 3 };
    const lastOf = (records: ConsumerRecord[], key: string) =>
      Math.max(...records.filter((r) => text.decode(r.key!) === key).map((r) => r.timestamp));
    const after = await readUntil(
      kafka.bootstrap,
      readings,
      (r) => lastOf(r, "climate-0001") > cut + 2000,
    );
    assert(lastOf(after, "climate-0002") <= cut, "readings continued after the shutdown");

    // Expired a second ago by the wall clock, though months ahead of the event time.
    await send("s2", "restart", Date.now() - 301_000);
    assertEquals(await statuses(3), ["s1:delivered", "s1:succeeded", "s2:expired"]);
    assertEquals(simulation.isStopped("climate-0002"), true);
  } finally {
    abort.abort();
    const summary = await running;
    assertEquals(summary.failed, 0);
  }
});
