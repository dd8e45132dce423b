/**
 * SIGKILL a lake sink mid-file, mid-commit and between the log entry and the Kafka commit: the
 * table still reads (delta-rs, DuckDB) after each kill, never holds a record twice, and after a
 * restart holds every record of the topic exactly once.
 */
import { assert, assertEquals } from "@std/assert";
import { join } from "node:path";
import { Admin, Producer } from "@iot/kafka";
import { startKafka, uniqueName, waitFor } from "@iot/testing";
import { spawnApp, stopChild } from "../child_test_util.ts";
import { committedTotal, endTotal } from "./kafka_test_util.ts";
import { readWithReaders } from "./readers_test_util.ts";

const N = 1500;
const T0 = Date.parse("2026-12-02T10:00:00.000Z");

function reading(i: number) {
  return {
    deviceId: `climate-${i % 9}`,
    ts: new Date(T0 + i * 4_000).toISOString(),
    temperature: 10 + (i % 200) / 8,
    humidity: 20 + (i % 70),
  };
}

Deno.test("lake: a writer killed mid-file and mid-commit leaves a readable table; restart is exactly once", async () => {
  await using kafka = await startKafka();
  const topic = uniqueName("lake-crash");
  const dlq = uniqueName("lake-crash-dlq");
  await using admin = new Admin({ config: { "bootstrap.servers": kafka.bootstrap } });
  await admin.createTopics([{ name: topic, partitions: 2 }, { name: dlq, partitions: 1 }]);
  {
    await using producer = new Producer({ config: { "bootstrap.servers": kafka.bootstrap } });
    await producer.sendBatch(Array.from({ length: N }, (_, i) => ({
      topic,
      key: reading(i).deviceId,
      value: JSON.stringify(reading(i)),
    })));
  }
  assertEquals(await endTotal(kafka.bootstrap, [topic]), N);
  const dir = await Deno.makeTempDir({ prefix: "lake-crash-" });
  const table = join(dir, "sensor_readings");
  const group = uniqueName("lake-crash-sink");
  const child = (...stop: string[]) =>
    spawnApp("sinks/lake/crash_child_test_util.ts", [
      kafka.bootstrap,
      topic,
      dlq,
      group,
      dir,
      ...stop,
    ]);
  try {
    for (
      const [stage, nth] of [["data-partial", "3"], ["log-temp-written", "2"], ["committed", "2"]]
    ) {
      const c = child(stage, nth);
      try {
        await waitFor(() => c.lines.includes(`STAGE ${stage}`), {
          timeoutMs: 60_000,
          message: `the sink reaching ${stage} #${nth}`,
        });
      } finally {
        await stopChild(c, "SIGKILL");
      }
      const view = await readWithReaders(table);
      const coords = view.deltars.rows.map((r) => `${r.kafka_partition}/${r.kafka_offset}`);
      assertEquals(new Set(coords).size, coords.length, `no record twice after a kill at ${stage}`);
      assertEquals(view.duckdb.rows.length, coords.length, `DuckDB reads the same after ${stage}`);
      assert(coords.length < N, `killed before the end (${coords.length} rows at ${stage})`);
    }
    // Leftovers of the kills: a partial data file and a temp log entry, in no commit.
    const log = [...Deno.readDirSync(join(table, "_delta_log"))].map((e) => e.name);
    assert(log.some((n) => n.startsWith(".tmp-")), "a temp log entry was left by the kill");
    const c = child();
    try {
      await waitFor(async () => (await committedTotal(kafka.bootstrap, group)) === N, {
        timeoutMs: 90_000,
        message: "every offset committed after the restart",
      });
    } finally {
      await stopChild(c, "SIGTERM");
    }
    const view = await readWithReaders(table);
    const expected = Array.from({ length: N }, (_, i) => reading(i))
      .map((r) => JSON.stringify([r.deviceId, r.ts, r.temperature, r.humidity])).sort();
    for (const rows of [view.deltars.rows, view.duckdb.rows]) {
      assertEquals(
        rows.map((r) => JSON.stringify([r.device_id, r.ts, r.temperature, r.humidity])).sort(),
        expected,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
