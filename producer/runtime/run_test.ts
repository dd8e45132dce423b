import { assertEquals, assertRejects } from "@std/assert";
import { KafkaError } from "@iot/kafka";
import { resolveTopics } from "@iot/events";
import { FakeAdmin, FakeConsumer, FakeKafka, FakeProducer, readAll } from "@iot/kafka/testing";
import { fleetFromFlags } from "../core/fleet.ts";
import type { SimulatorClients } from "./kafka_seam.ts";
import { runProducer } from "./run.ts";

function fakeClients(kafka: FakeKafka): SimulatorClients {
  return {
    waitReady: () => Promise.resolve(),
    output: () => new FakeProducer(kafka),
    commandInput: ({ groupId }) => new FakeConsumer(kafka, { groupId }),
    admin: () => new FakeAdmin(kafka),
  };
}

const fleet = fleetFromFlags({
  devices: 10,
  vehicles: 1,
  sensorsPerVehicle: 4,
  tempMin: 15,
  tempMax: 30,
  humidityMin: 30,
  humidityMax: 70,
});
const topics = resolveTopics({});
const config = {
  bootstrap: "fake:9092",
  fleet,
  seed: "7",
  startMs: Date.parse("2026-01-01T00:00:00.000Z"),
  count: 1_000,
  pacing: { mode: "max" as const, capAtWallClock: false },
  topics,
  partitions: 2,
  commands: true,
};

Deno.test("runProducer over the fake cluster: topics created, every record acknowledged", async () => {
  const kafka = new FakeKafka();
  const summary = await runProducer(config, { clients: fakeClients(kafka) });
  assertEquals([summary.sent, summary.acked, summary.failed], [1_000, 1_000, 0]);
  const written = readAll(kafka, topics.sensorReadings).length +
    readAll(kafka, topics.vehiclePressure).length;
  assertEquals(written, 1_000);
  assertEquals(kafka.partitionCount(topics.deviceCommands), 2);
});

Deno.test("runProducer stopped while waiting for Kafka returns an empty, aborted summary", async () => {
  const stop = new AbortController();
  const clients: SimulatorClients = {
    ...fakeClients(new FakeKafka()),
    waitReady: ({ signal }) =>
      new Promise((_, reject) => {
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
        stop.abort();
      }),
  };
  const summary = await runProducer(config, { clients, signal: stop.signal });
  assertEquals([summary.sent, summary.aborted], [0, true]);
});

Deno.test("runProducer without Kafka gives up after kafkaWaitTimeoutMs naming the address", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const bootstrap = `127.0.0.1:${(listener.addr as Deno.NetAddr).port}`;
  listener.close();
  const events: unknown[] = [];
  const reporter = {
    progress() {},
    summary() {},
    event: (_: string, f: unknown) => events.push(f),
  };
  await assertRejects(
    () => runProducer({ ...config, bootstrap, kafkaWaitTimeoutMs: 300 }, { reporter }),
    KafkaError,
    `Kafka at ${bootstrap} did not answer within 300 ms`,
  );
  assertEquals(events, [{ message: `waiting for Kafka at ${bootstrap}…` }]);
});
