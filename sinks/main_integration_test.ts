/**
 * `sinks/main.ts` as a child process on a real Kafka: writes into the embedded store, serves
 * `/status`, refuses a second instance on the same store and a taken status port with one line,
 * and a SIGTERM writes and commits what it has read before it exits.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { DatabaseSync } from "node:sqlite";
import { topicIds } from "@iot/events";
import { Admin, Producer } from "@iot/kafka";
import { startKafka, uniqueName, waitFor } from "@iot/testing";
import { spawnApp, statusUrl, stopChild } from "./child_test_util.ts";
import type { SinkStatus } from "./status.ts";
import { sampleRecord } from "./writer_contract_test_util.ts";

const spawn = (args: string[]) => spawnApp("sinks/main.ts", args);

const count = (path: string, table: string) => {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return Number((db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n);
  } finally {
    db.close();
  }
};

Deno.test("sinks main: writes the embedded store, serves /status, stops gracefully with a commit", async () => {
  await using kafka = await startKafka();
  const names = Object.fromEntries(topicIds.map((id) => [id, uniqueName(`sinks-main-${id}`)]));
  {
    await using admin = new Admin({ config: { "bootstrap.servers": kafka.bootstrap } });
    await admin.createTopics(Object.values(names).map((name) => ({ name, partitions: 2 })));
  }
  const dir = await Deno.makeTempDir({ prefix: "sinks-main-" });
  const path = `${dir}/store/iot.db`;
  const prefix = uniqueName("sinks-main");
  const args = [
    ...["--bootstrap", kafka.bootstrap, "--sqlite-path", path, "--group-prefix", prefix],
    ...["--batch-size", "42", "--linger-ms", "600000", "--status-port", "0"],
    ...topicIds.flatMap((id) => ["--topic", `${id}=${names[id]}`]),
  ];
  const sink = spawn(args);
  try {
    await using producer = new Producer({ config: { "bootstrap.servers": kafka.bootstrap } });
    const reading = (n: number) => ({
      topic: names.sensorReadings,
      key: `d${n % 3}`,
      value: JSON.stringify(sampleRecord("climate-reading", n).value),
    });
    await producer.sendBatch([
      ...Array.from({ length: 40 }, (_, n) => reading(n)),
      { topic: names.sensorReadings, key: "d1", value: "{not json" },
      { topic: names.alerts, key: "d1", value: JSON.stringify(sampleRecord("alert", 1).value) },
    ]);
    await waitFor(() => statusUrl(sink) !== undefined, { timeoutMs: 30_000, message: "status" });
    const url = statusUrl(sink)!;
    const status = async () =>
      ((await (await fetch(`${url}/status`)).json()).pipelines as SinkStatus[])[0];
    // 42 records make a full batch; the dead letter then arrives on the dead-letter topic.
    await waitFor(async () => (await status()).batches >= 1, {
      timeoutMs: 30_000,
      message: "a batch",
    });
    assertEquals(count(path, "sensor_readings"), 40);
    assertEquals(count(path, "alerts"), 1);
    assertEquals((await status()).deadLetters, 1);

    // A second instance on the same store, and a taken status port: one line each, exit 2.
    const again = spawn(args);
    assertEquals((await again.process.status).code, 2);
    assertStringIncludes(await again.exited, `sinks: ${dir}/store is in use by process`);
    const port = new URL(url).port;
    const other = spawn([...args, "--state-dir", `${dir}/other`, "--status-port", port]);
    assertEquals((await other.process.status).code, 2);
    assertStringIncludes(await other.exited, `status port ${port} is in use`);

    // Lingering records are written and committed on SIGTERM.
    await producer.sendBatch(Array.from({ length: 5 }, (_, n) => reading(40 + n)));
    await waitFor(async () => (await status()).recordsIn >= 48, {
      timeoutMs: 30_000,
      message: "48 read",
    });
    assertEquals(count(path, "sensor_readings"), 40, "still lingering");
    sink.process.kill("SIGTERM");
    assertEquals((await sink.process.status).code, 0);
    assertEquals(count(path, "sensor_readings"), 45);
    assertEquals(count(path, "dead_letter"), 1);
    await using admin = new Admin({ config: { "bootstrap.servers": kafka.bootstrap } });
    const offsets = await admin.listConsumerGroupOffsets(`${prefix}-embedded`);
    const committed = offsets.reduce((n, o) => n + Math.max(0, o.offset ?? 0), 0);
    assertEquals(committed, 48, "40 + 5 readings, the bad one, the alert, the dead letter");
  } finally {
    const log = await stopChild(sink);
    assert(!log.includes("secret"), "no secret in the log");
    await Deno.remove(dir, { recursive: true });
  }
});
