/**
 * Durability: with `--fsync always` and acks=all, every acknowledged record survives kill -9 of
 * the broker process during a produce storm.
 */
import { assert, assertEquals } from "@std/assert";
import { ApiKey } from "./protocol/mod.ts";
import { buildRecordBatch, iterateRecords, splitBatches } from "./records/mod.ts";
import { RawClient } from "./server/raw_client_test_util.ts";
import { startBroker } from "./start_broker_test_util.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

Deno.test("kill -9 during produce with acks=all and fsync=always loses no acknowledged record", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "broker-crash-" });
  try {
    const acked = new Map<number, string>();
    {
      await using child = await startBroker({ mode: "child", dataDir, fsync: "always" });
      await using setup = await RawClient.connect(child.bootstrap);
      await setup.request(ApiKey.Metadata, 4, {
        topics: [{ name: "durable" }],
        allowAutoTopicCreation: true,
      });
      let stop = false;
      const writer = async (w: number) => {
        await using c = await RawClient.connect(child.bootstrap);
        for (let i = 0; !stop; i++) {
          const value = `w${w}-${i}`;
          const records = buildRecordBatch([{ timestamp: Date.now(), value: enc.encode(value) }]);
          let res;
          try {
            res = await c.request(ApiKey.Produce, 7, {
              acks: -1,
              timeoutMs: 5000,
              topicData: [{ name: "durable", partitionData: [{ index: 0, records }] }],
            });
          } catch {
            return; // the broker died mid-request: this one was never acknowledged
          }
          const p = res.responses[0].partitionResponses[0];
          assertEquals(p.errorCode, 0);
          acked.set(Number(p.baseOffset), value);
        }
      };
      const writers = [0, 1, 2, 3].map(writer);
      while (acked.size < 200) await new Promise((r) => setTimeout(r, 5));
      await child.kill();
      stop = true;
      await Promise.all(writers);
    }
    await using again = await startBroker({ dataDir });
    const log = again.broker!.store.partition("durable", 0)!;
    assert(log.highWatermark >= acked.size);
    const found = new Map<number, string>();
    for (const chunk of await log.read(0, 1 << 30)) {
      for (const b of splitBatches(chunk).batches) {
        for (const r of iterateRecords(b)) found.set(r.offset, dec.decode(r.value!));
      }
    }
    for (const [offset, value] of acked) assertEquals(found.get(offset), value, `offset ${offset}`);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
