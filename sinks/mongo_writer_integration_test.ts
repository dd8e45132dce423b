import { assertEquals } from "@std/assert";
import { MongoClient } from "mongodb";
import { type RealMongo, startFerretDb, uniqueName } from "@iot/testing";
import { readMongo } from "./mongo_reader_test_util.ts";
import type { MongoKind } from "./mongo_schema.ts";
import { MongoWriter } from "./mongo_writer.ts";
import { sampleRecord, sinkWriterContract } from "./writer_contract_test_util.ts";

sinkWriterContract("MongoWriter", async ({ lifecycle }) => {
  const server: RealMongo = await startFerretDb({ dedicated: lifecycle });
  const database = uniqueName("sinks");
  const writer = new MongoWriter({ url: server.url, database, timeoutMs: 2_000 });
  const reader = new MongoClient(server.url, { serverSelectionTimeoutMS: 10_000 });
  // A document over MongoDB's 16 MiB limit.
  const big = sampleRecord("dead-letter", 99);
  return {
    writer,
    read: (kind) => readMongo(reader.db(database), kind as MongoKind),
    rejectable: { ...big, value: { ...big.value, payload: new Uint8Array(17 << 20) } },
    makeUnavailable: () => server.stop(),
    makeAvailable: () => server.start(),
    async [Symbol.asyncDispose]() {
      await writer.close();
      await reader.db(database).dropDatabase().catch(() => {});
      await reader.close();
      await server[Symbol.asyncDispose]();
    },
  };
});

Deno.test("MongoWriter: creates the per-device time-range indexes", async () => {
  await using server = await startFerretDb();
  const database = uniqueName("sinks");
  await using writer = new MongoWriter({ url: server.url, database });
  await writer.ensureSchema();
  const client = new MongoClient(server.url);
  try {
    const indexes = await client.db(database).collection("sensor_readings").indexes();
    assertEquals(
      indexes.map((i) => [i.name, i.key]),
      [["_id_", { _id: 1 }], ["device_ts", { deviceId: 1, ts: 1 }]],
    );
    await client.db(database).dropDatabase();
  } finally {
    await client.close();
  }
});

Deno.test("MongoWriter: a batch of many chunks, written twice over existing documents", async () => {
  await using server = await startFerretDb();
  const database = uniqueName("sinks");
  await using writer = new MongoWriter({ url: server.url, database, chunkSize: 50 });
  await writer.ensureSchema();
  const batch = Array.from({ length: 420 }, (_, n) => sampleRecord("climate-reading", n));
  assertEquals((await writer.write(batch)).written, 420);
  assertEquals((await writer.write(batch)).written, 420);
  const client = new MongoClient(server.url);
  try {
    const rows = await readMongo(client.db(database), "climate-reading");
    assertEquals(rows.size, 420);
    await client.db(database).dropDatabase();
  } finally {
    await client.close();
  }
});
