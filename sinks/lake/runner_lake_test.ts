import { assert, assertEquals } from "@std/assert";
import { join } from "node:path";
import { FakeKafka } from "@iot/kafka/testing";
import { waitFor } from "@iot/testing";
import { fakeSinkClients, produceReadings } from "../fake_kafka_test_util.ts";
import { SinkRunner } from "../runner.ts";
import { readLakeTable } from "./lake_reader_test_util.ts";
import { LakeWriter } from "./writer.ts";

const GROUP = "lake-sink-test";

Deno.test("SinkRunner + LakeWriter: Kafka commits trail the lake's log and catch up at stop", async () => {
  const kafka = new FakeKafka();
  kafka.createTopic("readings", 2);
  kafka.createTopic("dlq", 1);
  const dir = await Deno.makeTempDir({ prefix: "lake-runner-" });
  const table = join(dir, "sensor_readings");
  const committed = () =>
    [0, 1].map((p) => kafka.committedOffset(GROUP, "readings", p) ?? 0).reduce((a, b) => a + b, 0);
  let processed = 0;
  const runner = new SinkRunner({
    name: GROUP,
    clients: fakeSinkClients(kafka),
    routes: [{ topic: "readings", kind: "climate-reading" }],
    writer: new LakeWriter({
      dir,
      kinds: ["climate-reading"],
      rollMs: 3_600_000,
      maxBufferedRows: 40,
    }),
    deadLetterTopic: "dlq",
    batchSize: 16,
    lingerMs: 5,
    onEvent: (e) => {
      if (e.type === "flushed") processed += e.records;
    },
  });
  const abort = new AbortController();
  const running = runner.run(abort.signal);
  try {
    await produceReadings(kafka, 0, 30);
    await waitFor(() => processed === 30, { message: "30 records processed" });
    assertEquals(committed(), 0, "nothing committed to Kafka while the rows are only buffered");
    assertEquals(await readLakeTable(table), []);
    await produceReadings(kafka, 30, 50);
    await waitFor(() => processed === 50, { message: "50 records processed" });
    const rows = (await readLakeTable(table)).length;
    assert(rows >= 40 && rows < 50, `one commit at 40 buffered rows (${rows})`);
    assertEquals(committed(), rows, "Kafka offsets end where the table's records end");
  } finally {
    abort.abort();
    await running;
  }
  try {
    assertEquals((await readLakeTable(table)).length, 50, "a graceful stop commits the rest");
    assertEquals(committed(), 50);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SinkRunner + LakeWriter: rows due by age commit while no records arrive", async () => {
  const kafka = new FakeKafka();
  kafka.createTopic("readings", 2);
  kafka.createTopic("dlq", 1);
  const dir = await Deno.makeTempDir({ prefix: "lake-runner-idle-" });
  const runner = new SinkRunner({
    name: GROUP,
    clients: fakeSinkClients(kafka),
    routes: [{ topic: "readings", kind: "climate-reading" }],
    writer: new LakeWriter({ dir, kinds: ["climate-reading"], rollMs: 200 }),
    deadLetterTopic: "dlq",
    batchSize: 100,
    lingerMs: 5,
  });
  const abort = new AbortController();
  const running = runner.run(abort.signal);
  try {
    await produceReadings(kafka, 0, 10); // then nothing more
    const committed = () =>
      [0, 1].map((p) => kafka.committedOffset(GROUP, "readings", p) ?? 0).reduce((a, b) => a + b);
    await waitFor(() => committed() === 10, { message: "offsets committed by the idle tick" });
    assertEquals((await readLakeTable(join(dir, "sensor_readings"))).length, 10);
  } finally {
    abort.abort();
    await running;
    await Deno.remove(dir, { recursive: true });
  }
});
