import { assertEquals } from "@std/assert";
import { DatabaseSync } from "node:sqlite";
import { Admin, Consumer, Producer } from "@iot/kafka";
import { startKafka, uniqueName, waitFor } from "@iot/testing";
import { sinkKafkaClients } from "./kafka_clients.ts";
import { SinkRunner, type SinkRunnerEvent } from "./runner.ts";
import { SqliteWriter } from "./sqlite_writer.ts";
import { sampleRecord } from "./writer_contract_test_util.ts";

async function setup(bootstrap: string) {
  const topics = {
    readings: uniqueName("readings"),
    alerts: uniqueName("alerts"),
    deadLetter: uniqueName("dead-letter"),
  };
  await using admin = new Admin({ config: { "bootstrap.servers": bootstrap } });
  await admin.createTopics(Object.values(topics).map((name) => ({ name, partitions: 2 })));
  return topics;
}

function readingJson(n: number): string {
  return JSON.stringify(sampleRecord("climate-reading", n).value);
}

async function endOffsets(bootstrap: string, topic: string): Promise<number> {
  await using consumer = new Consumer({
    config: {
      "bootstrap.servers": bootstrap,
      "group.id": uniqueName("watermarks"),
      "enable.auto.commit": false,
    },
  });
  const marks = await Promise.all([0, 1].map((p) => consumer.watermarkOffsets(topic, p)));
  return marks.reduce((n, m) => n + m.high, 0);
}

async function committedTotal(bootstrap: string, group: string): Promise<number> {
  await using admin = new Admin({ config: { "bootstrap.servers": bootstrap } });
  const offsets = await admin.listConsumerGroupOffsets(group);
  return offsets.reduce((n, o) => n + Math.max(0, o.offset ?? 0), 0);
}

const rowCount = (path: string, table: string) => {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return Number((db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n);
  } finally {
    db.close();
  }
};

Deno.test("SinkRunner: writes readings and alerts, dead-letters bad records, then commits", async () => {
  await using kafka = await startKafka();
  const topics = await setup(kafka.bootstrap);
  const dir = await Deno.makeTempDir({ prefix: "sinks-runner-" });
  const path = `${dir}/iot.db`;
  const name = uniqueName("sink");
  const abort = new AbortController();
  await using writer = new SqliteWriter({ path });
  const runner = new SinkRunner({
    name,
    clients: sinkKafkaClients({ bootstrap: kafka.bootstrap }),
    routes: [
      { topic: topics.readings, kind: "climate-reading" },
      { topic: topics.alerts, kind: "alert" },
    ],
    writer,
    deadLetterTopic: topics.deadLetter,
    batchSize: 25,
    lingerMs: 100,
  });
  const running = runner.run(abort.signal);
  try {
    await using producer = new Producer({ config: { "bootstrap.servers": kafka.bootstrap } });
    const readings = Array.from({ length: 60 }, (_, n) => ({
      topic: topics.readings,
      key: `d${n % 3}`,
      value: readingJson(n),
    }));
    await producer.sendBatch([
      ...readings,
      { topic: topics.readings, key: "d1", value: "{not json" },
      { topic: topics.readings, key: "d1", value: '{"deviceId":"d1"}' },
      { topic: topics.alerts, key: "d1", value: JSON.stringify(sampleRecord("alert", 1).value) },
    ]);
    await waitFor(async () => (await committedTotal(kafka.bootstrap, name)) === 63, {
      timeoutMs: 30_000,
      message: "all 63 offsets committed",
    });
    assertEquals(rowCount(path, "sensor_readings"), 60);
    assertEquals(rowCount(path, "alerts"), 1);
    assertEquals(await endOffsets(kafka.bootstrap, topics.deadLetter), 2);
  } finally {
    abort.abort();
    await running;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SinkRunner: commits nothing while the store is down, then catches up", async () => {
  await using kafka = await startKafka();
  const topics = await setup(kafka.bootstrap);
  const dir = await Deno.makeTempDir({ prefix: "sinks-runner-" });
  const path = `${dir}/iot.db`;
  const name = uniqueName("sink");
  const events: SinkRunnerEvent["type"][] = [];
  const abort = new AbortController();
  await using writer = new SqliteWriter({ path, busyTimeoutMs: 50 });
  await writer.ensureSchema();
  // Another connection holds the write lock: the store is unavailable.
  const locker = new DatabaseSync(path);
  locker.exec("BEGIN EXCLUSIVE");
  const runner = new SinkRunner({
    name,
    clients: sinkKafkaClients({ bootstrap: kafka.bootstrap }),
    routes: [{ topic: topics.readings, kind: "climate-reading" }],
    writer,
    deadLetterTopic: topics.deadLetter,
    lingerMs: 50,
    retryMs: 100,
    maxRetryMs: 200,
    onEvent: (e) => events.push(e.type),
  });
  const running = runner.run(abort.signal);
  try {
    await using producer = new Producer({ config: { "bootstrap.servers": kafka.bootstrap } });
    await producer.sendBatch(
      Array.from({ length: 20 }, (_, n) => ({ topic: topics.readings, value: readingJson(n) })),
    );
    await waitFor(() => events.filter((e) => e === "unavailable").length >= 3, {
      timeoutMs: 30_000,
      message: "three failed attempts",
    });
    assertEquals(await committedTotal(kafka.bootstrap, name), 0);
    locker.exec("ROLLBACK");
    await waitFor(async () => (await committedTotal(kafka.bootstrap, name)) === 20, {
      timeoutMs: 30_000,
      message: "all 20 offsets committed after the store came back",
    });
    assertEquals(rowCount(path, "sensor_readings"), 20);
    assertEquals(events.includes("recovered"), true);
  } finally {
    locker.close();
    abort.abort();
    await running;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SinkRunner: a replay from the start (a crash before any commit) leaves the same rows", async () => {
  await using kafka = await startKafka();
  const topics = await setup(kafka.bootstrap);
  const dir = await Deno.makeTempDir({ prefix: "sinks-runner-" });
  const path = `${dir}/iot.db`;
  await using writer = new SqliteWriter({ path });
  {
    await using producer = new Producer({ config: { "bootstrap.servers": kafka.bootstrap } });
    const duplicate = { topic: topics.readings, key: "d0", value: readingJson(0) };
    await producer.sendBatch([
      ...Array.from({ length: 30 }, (_, n) => ({ topic: topics.readings, value: readingJson(n) })),
      duplicate, // a producer retry's duplicate: the same reading again
    ]);
  }
  const dump = () => {
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      return db.prepare(
        "SELECT device_id, ts, temperature, humidity FROM sensor_readings " +
          "ORDER BY device_id, ts",
      ).all().map((r) => ({ ...r }));
    } finally {
      db.close();
    }
  };
  const runOnce = async () => {
    const name = uniqueName("sink"); // a new group reads everything again, as after a crash
    const abort = new AbortController();
    const runner = new SinkRunner({
      name,
      clients: sinkKafkaClients({ bootstrap: kafka.bootstrap }),
      routes: [{ topic: topics.readings, kind: "climate-reading" }],
      writer,
      deadLetterTopic: topics.deadLetter,
      lingerMs: 50,
    });
    const running = runner.run(abort.signal);
    try {
      await waitFor(async () => (await committedTotal(kafka.bootstrap, name)) === 31, {
        timeoutMs: 30_000,
        message: "31 offsets committed",
      });
    } finally {
      abort.abort();
      await running;
    }
  };
  try {
    await runOnce();
    const first = dump();
    assertEquals(first.length, 30);
    await runOnce();
    assertEquals(dump(), first);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
