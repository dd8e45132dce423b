/// <reference lib="deno.worker" />
/**
 * A worker that produces `count` records to `topic`, one every `gapMs` (not waiting for the
 * acknowledgements in between): a stream that trickles while the main thread consumes. Posts
 * `"done"` once every record is acknowledged and its producer is closed.
 *
 * @module
 */
import { Producer } from "../mod.ts";

interface Trickle {
  bootstrap: string;
  topic: string;
  count: number;
  gapMs: number;
}

self.onmessage = async (event: MessageEvent<Trickle>) => {
  const { bootstrap, topic, count, gapMs } = event.data;
  const producer = new Producer({ config: { "bootstrap.servers": bootstrap, "linger.ms": 0 } });
  try {
    const sent = [];
    for (let i = 0; i < count; i++) {
      sent.push(producer.send({ topic, partition: 0, value: `trickle-${i}` }));
      await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
    await Promise.all(sent);
  } finally {
    await producer.close();
  }
  self.postMessage("done");
};
