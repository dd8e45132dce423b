/**
 * Client quotas through the Kafka protocol against an in-process broker: AlterClientQuotas and
 * DescribeClientQuotas survive a restart, and a producer over its byte rate gets
 * `throttle_time_ms` and a connection that reads nothing more until the throttle has passed.
 */
import { assert, assertEquals } from "@std/assert";
import { ApiKey } from "../protocol/mod.ts";
import { buildRecordBatch } from "../records/mod.ts";
import { startBroker } from "../start_broker_test_util.ts";
import { RawClient } from "../server/raw_client_test_util.ts";

const quotaOf = (clientId: string, key: string, value: number) => ({
  entries: [{
    entity: [{ entityType: "client-id", entityName: clientId }],
    ops: [{ key, value, remove: false }],
  }],
  validateOnly: false,
});

Deno.test("client quotas survive a restart of the broker", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    {
      await using broker = await startBroker({ dataDir });
      await using c = await RawClient.connect(broker.bootstrap);
      const altered = await c.request(
        ApiKey.AlterClientQuotas,
        1,
        quotaOf("my-client-id", "producer_byte_rate", 500000),
      );
      assertEquals(altered.entries.map((e) => e.errorCode), [0]);
    }
    await using broker = await startBroker({ dataDir });
    await using c = await RawClient.connect(broker.bootstrap);
    const described = await c.request(ApiKey.DescribeClientQuotas, 1, {
      components: [{ entityType: "client-id", matchType: 0, match: "my-client-id" }],
      strict: false,
    });
    assertEquals(described.errorCode, 0);
    assertEquals(described.entries, [{
      entity: [{ entityType: "client-id", entityName: "my-client-id" }],
      values: [{ key: "producer_byte_rate", value: 500000 }],
    }]);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("a producer over its byte rate is throttled and its connection muted", async () => {
  await using broker = await startBroker();
  await using c = await RawClient.connect(broker.bootstrap);
  // The raw client's client id is "raw": 10 000 B/s.
  await c.request(ApiKey.AlterClientQuotas, 1, quotaOf("raw", "producer_byte_rate", 10_000));
  await c.request(ApiKey.Metadata, 4, { topics: [{ name: "q" }], allowAutoTopicCreation: true });
  // ~110 kB at once: about 11 000 B/s over the 10 s minimum window, ~1 s of throttle.
  const records = buildRecordBatch([{ timestamp: 1, value: new Uint8Array(110_000) }]);
  const produce = {
    acks: -1,
    timeoutMs: 1000,
    topicData: [{ name: "q", partitionData: [{ index: 0, records }] }],
  };
  await c.send(ApiKey.Produce, 7, produce);
  await c.send(ApiKey.ApiVersions, 3, {});
  const produced = (await c.receive(ApiKey.Produce, 7)).body;
  const answeredAt = performance.now();
  assertEquals(produced.responses[0].partitionResponses[0].errorCode, 0);
  const throttle = produced.throttleTimeMs;
  assert(throttle >= 900 && throttle <= 1100, `throttle ${throttle} ms`);
  // The pipelined request is read only once the throttle has passed.
  assertEquals((await c.receive(ApiKey.ApiVersions, 3)).body.errorCode, 0);
  const muted = performance.now() - answeredAt;
  assert(muted >= throttle - 50, `answered after ${muted} ms of a ${throttle} ms throttle`);
  // Another client id has no quota.
  assertEquals(
    (await c.request(ApiKey.DescribeClientQuotas, 1, {
      components: [{ entityType: "client-id", matchType: 0, match: "other" }],
      strict: true,
    })).entries,
    [],
  );
});

Deno.test("closing the broker ends a mute at once", async () => {
  const broker = await startBroker();
  try {
    await using c = await RawClient.connect(broker.bootstrap);
    await c.request(ApiKey.AlterClientQuotas, 1, quotaOf("raw", "producer_byte_rate", 1000));
    await c.request(ApiKey.Metadata, 4, { topics: [{ name: "q" }], allowAutoTopicCreation: true });
    const records = buildRecordBatch([{ timestamp: 1, value: new Uint8Array(100_000) }]);
    const produced = await c.request(ApiKey.Produce, 7, {
      acks: -1,
      timeoutMs: 1000,
      topicData: [{ name: "q", partitionData: [{ index: 0, records }] }],
    });
    assert(produced.throttleTimeMs >= 10_000, `throttle ${produced.throttleTimeMs} ms`);
  } finally {
    const start = performance.now();
    await broker.close();
    const took = performance.now() - start;
    assert(took < 2000, `close took ${took} ms during a mute of 10 s or more`);
  }
});
