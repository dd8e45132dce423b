import { assertEquals, assertLess } from "@std/assert";
import { startKafka, uniqueName } from "@iot/testing";
import { Admin, Consumer, Offset } from "./mod.ts";

Deno.test("a consumer waiting in librdkafka for a trickling stream still gives timers their turn", async () => {
  await using kafka = await startKafka();
  const topic = uniqueName("trickle");
  {
    await using admin = new Admin({ config: { "bootstrap.servers": kafka.bootstrap } });
    await admin.createTopics([{ name: topic, partitions: 1 }]);
  }
  await using consumer = new Consumer({
    config: { "bootstrap.servers": kafka.bootstrap, "group.id": uniqueName("g") },
  });
  consumer.assign([{ topic, partition: 0, offset: Offset.BEGINNING }]);
  // Records arrive every few milliseconds for seconds, from another thread: each dry moment of
  // the queue is shorter than the consumer's wait in librdkafka, so without the turn it gives
  // the event loop, the interval below would not run until the stream ends.
  const count = 2000;
  const worker = new Worker(new URL("./testdata/trickle_worker.ts", import.meta.url), {
    type: "module",
  });
  const done = new Promise((resolve) => worker.onmessage = resolve);
  let lastTick = performance.now();
  let longestGap = 0;
  const interval = setInterval(() => {
    const now = performance.now();
    longestGap = Math.max(longestGap, now - lastTick);
    lastTick = now;
  }, 5);
  try {
    worker.postMessage({ bootstrap: kafka.bootstrap, topic, count, gapMs: 1 });
    const values: string[] = [];
    const started = performance.now();
    const signal = AbortSignal.timeout(120_000);
    for await (
      const batch of consumer.columnBatches({ maxMessages: 100, streamWaitMs: 10, signal })
    ) {
      for (let i = 0; i < batch.length; i++) {
        values.push(new TextDecoder().decode(batch.value(i)!));
      }
      if (values.length >= count) break;
    }
    const streamed = performance.now() - started;
    assertEquals(values, Array.from({ length: count }, (_, i) => `trickle-${i}`));
    // The turn comes at least every 100 ms (+ one 10 ms wait); a loaded machine adds its own.
    assertLess(longestGap, Math.min(1000, streamed / 2), `stream of ${streamed.toFixed(0)} ms`);
    await done;
  } finally {
    clearInterval(interval);
    worker.terminate();
  }
});
