import { assertEquals, assertRejects } from "@std/assert";
import { startBroker } from "@iot/broker/testing";
import { Producer } from "@iot/kafka";
import { startKafka, uniqueName, waitFor } from "@iot/testing";
import { runTail, TailError } from "./tail.ts";
import type { TailOptions } from "./options.ts";

const backends = {
  shim: async () => await startBroker(),
  kafka: async () => await startKafka(),
};

for (const [name, start] of Object.entries(backends)) {
  Deno.test(`tail (${name}): prints records, skips aborted ones with --read-committed`, async () => {
    await using broker = await start();
    const topic = uniqueName("tail");
    const options = (over: Partial<TailOptions>): TailOptions => ({
      topic,
      bootstrap: broker.bootstrap,
      fromBeginning: true,
      readCommitted: false,
      count: undefined,
      ...over,
    });
    await assertRejects(
      () => runTail(options({ count: 1 }), { write: () => {} }),
      TailError,
      `topic "${topic}" does not exist`,
    );
    await using producer = new Producer({
      config: { "bootstrap.servers": broker.bootstrap, "transactional.id": uniqueName("tx") },
    });
    await producer.initTransactions();
    await producer.beginTransaction();
    await producer.send({ topic, key: "a", value: '{"n":1}' });
    await producer.abortTransaction();
    await producer.beginTransaction();
    await producer.send({ topic, key: "b", value: "plain", headers: { h: "v" } });
    await producer.commitTransaction();

    const all: string[] = [];
    assertEquals(await runTail(options({ count: 2 }), { write: (l) => all.push(l) }), 2);
    assertEquals(all.map((l) => JSON.parse(l).value), [{ n: 1 }, "plain"]);
    const committed: string[] = [];
    await runTail(options({ count: 1, readCommitted: true }), { write: (l) => committed.push(l) });
    const line = JSON.parse(committed[0]);
    assertEquals([line.key, line.value, line.headers.h, line.partition], ["b", "plain", "v", 0]);
  });
}

Deno.test("tail: without --from-beginning only new records are printed", async () => {
  await using broker = await startBroker();
  const topic = uniqueName("tail-new");
  await using producer = new Producer({ config: { "bootstrap.servers": broker.bootstrap } });
  await producer.send({ topic, key: "old", value: "1" });
  const lines: string[] = [];
  const tailing = runTail(
    { topic, bootstrap: broker.bootstrap, fromBeginning: false, readCommitted: false, count: 1 },
    { write: (l) => lines.push(l) },
  );
  // Sends one record per poll until the tail prints one: records sent before its assignment
  // resolved the end offset are skipped, so whatever it prints first is a "new" one.
  let sent = 0;
  await waitFor(async () => {
    await producer.send({ topic, key: "new", value: String(++sent) });
    return lines.length > 0;
  }, { timeoutMs: 20_000, intervalMs: 100, message: "the tail to print a new record" });
  await tailing;
  assertEquals(JSON.parse(lines[0]).key, "new");
});
