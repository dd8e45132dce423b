/** Micro-benchmarks for the hot paths: Produce request decode, Fetch response encode. */
import { decodeRequest, encodeResponse } from "./dispatch.ts";
import { writeProduceRequest } from "./generated/produce.ts";
import { writeRequestHeader } from "./header.ts";
import { Writer } from "./wire.ts";

const batch = new Uint8Array(16 * 1024).fill(1);
const produce = (() => {
  const w = new Writer();
  writeRequestHeader(w, { apiKey: 0, apiVersion: 9, correlationId: 1, clientId: "bench" });
  writeProduceRequest(w, {
    acks: -1,
    timeoutMs: 30000,
    topicData: [{
      name: "sensor-readings",
      partitionData: [0, 1, 2, 3].map((index) => ({ index, records: batch })),
    }],
  }, 9);
  return w.finish();
})();

Deno.bench("decode Produce v9 request (4 partitions x 16 KiB batches)", () => {
  decodeRequest(produce);
});

const fetchBody = {
  responses: [{
    topic: "sensor-readings",
    partitions: [0, 1, 2, 3].map((partitionIndex) => ({
      partitionIndex,
      errorCode: 0,
      highWatermark: 1000n,
      lastStableOffset: 1000n,
      logStartOffset: 0n,
      abortedTransactions: [],
      records: new Uint8Array(64 * 1024),
    })),
  }],
};

Deno.bench("encode Fetch v12 response (4 partitions x 64 KiB, chunks)", () => {
  encodeResponse(1, 12, 1, fetchBody);
});

Deno.bench("encode Fetch v11 response (classic, chunks)", () => {
  encodeResponse(1, 11, 1, fetchBody);
});
