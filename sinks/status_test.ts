import { assertEquals } from "@std/assert";
import type { TopicPartition } from "@iot/kafka";
import { emptyStats, type LagSource, sinkStatus } from "./status.ts";

const lagSource = (committed: Record<string, number>, high: Record<string, number>): LagSource => ({
  assignment: () =>
    Object.keys(high).map((k) => ({ topic: k.split("/")[0], partition: Number(k.split("/")[1]) })),
  committed: (ps: readonly TopicPartition[]) =>
    Promise.resolve(
      ps.map((p) => ({ ...p, offset: committed[`${p.topic}/${p.partition}`] ?? -1001 })),
    ),
  watermarkOffsets: (topic: string, partition: number) =>
    Promise.resolve({ low: 0, high: high[`${topic}/${partition}`] }),
});

Deno.test("sinkStatus: the counters, the age of the last write and the lag per assigned partition", async () => {
  const stats = { ...emptyStats(), recordsIn: 7, rowsWritten: 5, lastWriteAt: Date.now() - 2_000 };
  const status = await sinkStatus(
    "p",
    "sqlite",
    stats,
    lagSource({ "t/0": 3 }, { "t/0": 10, "t/1": 4 }),
  );
  assertEquals(status.pipeline, "p");
  assertEquals(status.store, "sqlite");
  assertEquals(status.recordsIn, 7);
  assertEquals(status.rowsWritten, 5);
  assertEquals(status.lastWriteAgeMs! >= 2_000 && status.lastWriteAgeMs! < 60_000, true);
  assertEquals("lastWriteAt" in status, false);
  // No committed offset (negative) counts from 0.
  assertEquals(status.partitions, [
    { topic: "t", partition: 0, committed: 3, high: 10, lag: 7 },
    { topic: "t", partition: 1, committed: 0, high: 4, lag: 4 },
  ]);
  assertEquals(status.lag, 11);
});

Deno.test("sinkStatus: not running, or Kafka not answering, shows no lag rather than failing", async () => {
  const idle = await sinkStatus("p", "sqlite", emptyStats(), null);
  assertEquals([idle.lag, idle.partitions, idle.lastWriteAgeMs], [0, [], null]);
  const failing: LagSource = {
    ...lagSource({}, { "t/0": 1 }),
    committed: () => Promise.reject(new Error("unreachable")),
  };
  const down = await sinkStatus("p", "sqlite", emptyStats(), failing);
  assertEquals([down.lag, down.partitions], [0, []]);
});
