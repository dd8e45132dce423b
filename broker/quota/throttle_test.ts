import { assertEquals } from "@std/assert";
import { MetadataStore } from "../storage/mod.ts";
import { ApiKey } from "../protocol/mod.ts";
import type { RequestContext } from "../api/mod.ts";
import { ClientQuotas } from "./client_quotas.ts";
import { QuotaEnforcer } from "./throttle.ts";
import { throttleApis } from "./apis.ts";

async function quotasWith(key: string, clientId: string | null, value: number) {
  const dir = await Deno.makeTempDir();
  const store = await MetadataStore.open(dir);
  const meta = {
    store,
    [Symbol.asyncDispose]: async () => {
      await store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
  const quotas = new ClientQuotas(store);
  await quotas.alter([{
    entity: [{ entityType: "client-id", entityName: clientId }],
    ops: [{ key, value, remove: false }],
  }], false);
  return { meta, quotas };
}

Deno.test("producer byte rate: throttle once over the bound, per client-id under a default", async () => {
  const { meta, quotas } = await quotasWith("producer_byte_rate", null, 1000);
  await using _ = meta;
  const e = new QuotaEnforcer(quotas);
  assertEquals(e.recordProduce("ANONYMOUS", "a", 5_000, 0), 0);
  // 20 000 bytes over the 10.5 s window: 9500 ms (see rate_test.ts for the arithmetic).
  assertEquals(e.recordProduce("ANONYMOUS", "a", 15_000, 500), 9500);
  // The default client-id quota gives each client-id its own rate.
  assertEquals(e.recordProduce("ANONYMOUS", "b", 5_000, 500), 0);
  // After the samples age out, the client is within the bound again.
  assertEquals(e.recordProduce("ANONYMOUS", "a", 100, 12_000), 0);
  assertEquals(e.sensorCount, 2);
});

Deno.test("consumer byte rate: a throttled fetch is taken back, and fetch size is capped", async () => {
  const { meta, quotas } = await quotasWith("consumer_byte_rate", "c", 1000);
  await using _ = meta;
  const e = new QuotaEnforcer(quotas);
  assertEquals(e.maxFetchBytes("ANONYMOUS", "c"), 10_000);
  assertEquals(e.maxFetchBytes("ANONYMOUS", "other"), Infinity);
  assertEquals(e.recordFetch("ANONYMOUS", "c", 20_000, 0), 10_000);
  // Nothing of the refused 20 000 bytes counts: 5000 more is within the bound.
  assertEquals(e.recordFetch("ANONYMOUS", "c", 5_000, 0), 0);
  assertEquals(e.recordFetch("ANONYMOUS", "other", 1e9, 0), 0);
});

function context(clientId: string, mutes: number[]): RequestContext {
  return {
    header: { apiKey: 0, apiVersion: 9, correlationId: 1, clientId },
    connectionId: 1,
    remoteAddress: "127.0.0.1:1",
    signal: new AbortController().signal,
    throttle: (ms) => mutes.push(ms),
  };
}

Deno.test("Produce and Fetch answers carry throttle_time_ms and mute the connection", async () => {
  const { meta, quotas } = await quotasWith("producer_byte_rate", "p", 100);
  await using _ = meta;
  await quotas.alter([{
    entity: [{ entityType: "client-id", entityName: "c" }],
    ops: [{ key: "consumer_byte_rate", value: 100, remove: false }],
  }], false);
  let now = 0;
  const fetched: number[] = [];
  const apis = throttleApis(
    {
      [ApiKey.Produce]: {
        handler: () => ({ responses: [], throttleTimeMs: 0 }),
      },
      [ApiKey.Fetch]: {
        handler: (req) => {
          fetched.push(req.maxBytes);
          return {
            throttleTimeMs: 0,
            responses: [{
              topic: "t",
              partitions: [{
                partitionIndex: 0,
                errorCode: 0,
                highWatermark: 3000n,
                records: new Uint8Array(3000),
              }],
            }],
          };
        },
      },
    },
    new QuotaEnforcer(quotas),
    () => now,
  );
  const mutes: number[] = [];
  const produce = (bytes: number, clientId: string) =>
    apis[ApiKey.Produce]!.handler({
      transactionalId: null,
      acks: -1,
      timeoutMs: 1000,
      topicData: [{
        name: "t",
        topicId: "",
        partitionData: [{ index: 0, records: new Uint8Array(bytes) }],
      }],
    } as never, context(clientId, mutes));
  assertEquals((await produce(500, "p") as { throttleTimeMs: number }).throttleTimeMs, 0);
  now = 1000;
  // 1500 bytes over 10 s = 150 B/s against 100: (150 - 100) / 100 × 10 000 = 5000 ms.
  assertEquals((await produce(1000, "p") as { throttleTimeMs: number }).throttleTimeMs, 5000);
  assertEquals(mutes, [5000]);
  assertEquals((await produce(1_000_000, "free") as { throttleTimeMs: number }).throttleTimeMs, 0);
  const fetch = () =>
    apis[ApiKey.Fetch]!.handler({ maxBytes: 1 << 30, topics: [] } as never, context("c", mutes));
  const first = await fetch() as {
    throttleTimeMs: number;
    responses: { partitions: { records: unknown }[] }[];
  };
  // 3000 bytes over 10 s = 300 B/s: (300 - 100) / 100 × 10 000 = 20 000 ms, capped at the
  // 11 s the samples span; answered without records.
  assertEquals(first.throttleTimeMs, 11_000);
  assertEquals(first.responses[0].partitions[0].records, null);
  assertEquals(mutes, [5000, 11_000]);
  assertEquals(fetched, [1000]); // capped at 100 B/s × 10 s
});
