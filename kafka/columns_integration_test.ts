import { assertEquals } from "@std/assert";
import { startKafka, uniqueName } from "@iot/testing";
import { Admin, Consumer, Offset, Producer, type RecordColumns } from "./mod.ts";

const text = (bytes: Uint8Array | null) => bytes === null ? null : new TextDecoder().decode(bytes);

/** Creates a topic named after `prefix` with `partitions` partitions; returns its name. */
async function createTopic(bootstrap: string, prefix: string, partitions: number): Promise<string> {
  const name = uniqueName(prefix);
  await using admin = new Admin({ config: { "bootstrap.servers": bootstrap } });
  await admin.createTopics([{ name, partitions }]);
  return name;
}

/** One record as plain values, for comparing the two read paths with what was sent. */
type Row = [
  topic: string,
  partition: number,
  offset: number,
  key: string | null,
  value: string | null,
];

Deno.test("columnBatches() yields every record batches() yields, as columns owned per batch", async () => {
  await using kafka = await startKafka();
  const topic = await createTopic(kafka.bootstrap, "columns", 2);
  await using producer = new Producer({ config: { "bootstrap.servers": kafka.bootstrap } });
  const n = 5000;
  // Keys: none every 7th, empty every 11th; values: a tombstone every 13th, lengths vary.
  const sent = Array.from({ length: n }, (_, i) => ({
    topic,
    partition: i % 2,
    key: i % 7 === 0 ? null : i % 11 === 0 ? "" : `key-${i}`,
    value: i % 13 === 0 ? null : `value-${i}-${"v".repeat(i % 50)}`,
  }));
  const reports = await producer.sendBatch(sent);
  // The reference: what was sent, at the offsets the delivery reports gave, in partition order.
  const expected: Row[] = sent
    .map((r, i): Row => [topic, reports[i].partition, reports[i].offset, r.key, r.value])
    .sort((a, b) => a[1] - b[1] || a[2] - b[2]);

  const read = async (columns: boolean): Promise<Row[]> => {
    await using consumer = new Consumer({
      config: { "bootstrap.servers": kafka.bootstrap, "group.id": uniqueName("g") },
    });
    consumer.assign([0, 1].map((partition) => ({ topic, partition, offset: Offset.BEGINNING })));
    const rows: Row[] = [];
    const batches: Array<[RecordColumns, Row[]]> = [];
    const signal = AbortSignal.timeout(30_000);
    if (columns) {
      for await (const batch of consumer.columnBatches({ maxMessages: 700, signal })) {
        const mine: Row[] = [];
        for (let i = 0; i < batch.length; i++) {
          const { offsets, partitions } = batch;
          mine.push([
            batch.topic(i),
            partitions[i],
            offsets[i],
            text(batch.key(i)),
            text(batch.value(i)),
          ]);
          assertEquals(batch.timestampType(i), "create");
        }
        batches.push([batch, mine]);
        rows.push(...mine);
        if (rows.length >= n) break;
      }
      // A batch stays intact after later batches were read: nothing is reused.
      for (const [batch, mine] of batches) {
        assertEquals(
          mine.map((r) => [r[3], r[4]]),
          mine.map((_, i) => [
            text(batch.key(i)),
            text(batch.value(i)),
          ]),
        );
      }
    } else {
      for await (const batch of consumer.batches({ maxMessages: 700, signal })) {
        for (const r of batch) {
          rows.push([r.topic, r.partition, r.offset, text(r.key), text(r.value)]);
        }
        if (rows.length >= n) break;
      }
    }
    return rows.sort((a, b) => a[1] - b[1] || a[2] - b[2]);
  };

  assertEquals(await read(true), expected);
  assertEquals(await read(false), expected);
});

type Headers = Array<[string, string | null]>;

Deno.test("headers read per batch keep order, duplicates, null and empty values, unicode names", async () => {
  await using kafka = await startKafka();
  const topic = await createTopic(kafka.bootstrap, "column-headers", 1);
  await using producer = new Producer({ config: { "bootstrap.servers": kafka.bootstrap } });
  const n = 3000;
  // Many batches: the first checks the batch reading against the public calls, the rest use it.
  const headersOf = (i: number): Headers =>
    i % 5 === 0 ? [] : [
      ["content-type", "application/json"],
      ["température", i % 3 === 0 ? null : `${i}`],
      ...(i % 4 === 0 ? [["dup", "a"], ["🔥", ""], ["dup", `b${i}`]] as Headers : []),
    ];
  await producer.sendBatch(
    Array.from({ length: n }, (_, i) => ({ topic, value: `v${i}`, headers: headersOf(i) })),
  );
  const expected = Array.from({ length: n }, (_, i) => headersOf(i));
  const plain = (headers: Array<[string, Uint8Array | null]>): Headers =>
    headers.map(([name, value]) => [name, text(value)]);

  const read = async (columns: boolean): Promise<Headers[]> => {
    await using consumer = new Consumer({
      config: { "bootstrap.servers": kafka.bootstrap, "group.id": uniqueName("g") },
    });
    consumer.assign([{ topic, partition: 0, offset: Offset.BEGINNING }]);
    const rows: Headers[] = [];
    const signal = AbortSignal.timeout(30_000);
    if (columns) {
      for await (
        const batch of consumer.columnBatches({ maxMessages: 300, headers: true, signal })
      ) {
        for (let i = 0; i < batch.length; i++) rows.push(plain(batch.headers!.headersOf(i)));
        if (rows.length >= n) break;
      }
    } else {
      for await (const batch of consumer.batches({ maxMessages: 300, signal })) {
        for (const r of batch) rows.push(plain(r.headers));
        if (rows.length >= n) break;
      }
    }
    return rows;
  };

  assertEquals(await read(false), expected);
  assertEquals(await read(true), expected);
});
