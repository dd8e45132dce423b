import { assert, assertEquals } from "@std/assert";
import { decodeClimateReading } from "@iot/events";
import { Consumer, type ConsumerRecord, Offset } from "@iot/kafka";
import { startKafka, uniqueName } from "@iot/testing";

const main = new URL("./main.ts", import.meta.url).pathname;
const text = new TextDecoder();

Deno.test("main: two runs of --devices 50 --count 100000 --seed 42 write identical records", async () => {
  await using kafka = await startKafka();
  const topic = uniqueName("done-readings");
  const args = [
    "run",
    "-A",
    main,
    ...["--devices", "50", "--count", "100000", "--seed", "42"],
    ...["--bootstrap", kafka.bootstrap, "--topic", `sensorReadings=${topic}`, "--no-commands"],
  ];
  for (let run = 0; run < 2; run++) {
    const { code, stdout } = await new Deno.Command(Deno.execPath(), { args, stdout: "piped" })
      .output();
    assertEquals(code, 0);
    const summary = JSON.parse(text.decode(stdout).trim().split("\n").at(-1)!);
    assertEquals([summary.msg, summary.acked, summary.failed], ["summary", 100_000, 0]);
  }

  await using consumer = new Consumer({
    config: { "bootstrap.servers": kafka.bootstrap, "group.id": uniqueName("done") },
  });
  const partitions = 6;
  consumer.assign(
    Array.from(
      { length: partitions },
      (_, partition) => ({ topic, partition, offset: Offset.BEGINNING }),
    ),
  );
  const byPartition: ConsumerRecord[][] = Array.from({ length: partitions }, () => []);
  let total = 0;
  for await (const batch of consumer.batches({ signal: AbortSignal.timeout(30_000) })) {
    for (const r of batch) byPartition[r.partition].push(r);
    total += batch.length;
    if (total >= 200_000) break;
  }
  assertEquals(total, 200_000);
  const keys = new Set<string>();
  for (const records of byPartition) {
    // Each run appended the same sequence to each partition: the halves are identical.
    assertEquals(records.length % 2, 0);
    const half = records.length / 2;
    for (let i = 0; i < half; i++) {
      const a = records[i], b = records[i + half];
      assertEquals(b.key, a.key);
      assertEquals(b.value, a.value);
      assertEquals(b.timestamp, a.timestamp);
      const event = decodeClimateReading(a.value!);
      assert(event.ok);
      keys.add(text.decode(a.key!));
    }
  }
  assertEquals(keys.size, 50);
});
