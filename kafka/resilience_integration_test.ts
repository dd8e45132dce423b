import { assert, assertEquals, assertRejects } from "@std/assert";
import { startKafka, uniqueName, waitFor } from "@iot/testing";
import { Consumer, type DeliveryReport, ErrorCode, KafkaError, Offset, Producer } from "./mod.ts";

Deno.test("unknown topic: consuming reports UNKNOWN_TOPIC_OR_PART, producing without auto-create fails", async () => {
  await using kafka = await startKafka();
  const topic = uniqueName("missing");
  const errors: KafkaError[] = [];
  const stop = new AbortController();
  await using consumer = new Consumer({
    config: { "bootstrap.servers": kafka.bootstrap, "group.id": uniqueName("g") },
    onError: (e) => {
      errors.push(e);
      stop.abort();
    },
  });
  consumer.subscribe([topic]);
  const signal = AbortSignal.any([stop.signal, AbortSignal.timeout(20_000)]);
  for await (const _ of consumer.batches({ signal })) {
    // no records are expected
  }
  assertEquals(errors[0]?.code, ErrorCode.UNKNOWN_TOPIC_OR_PART, errors[0]?.message);

  await using producer = new Producer({
    config: {
      "bootstrap.servers": kafka.bootstrap,
      "allow.auto.create.topics": false,
      "topic.metadata.propagation.max.ms": 500,
      "message.timeout.ms": 5000,
    },
  });
  const error = await assertRejects(() => producer.send({ topic, value: "x" }), KafkaError);
  assert(
    [ErrorCode.UNKNOWN_TOPIC, ErrorCode.UNKNOWN_TOPIC_OR_PART, ErrorCode.MSG_TIMED_OUT].includes(
      error.code as -188,
    ),
    error.message,
  );
});

Deno.test("broker restart mid-run: retriable errors surface, the client recovers, nothing acknowledged is lost", async () => {
  await using kafka = await startKafka({ dedicated: true });
  const topic = uniqueName("restart");
  const errors: KafkaError[] = [];
  await using producer = new Producer({
    config: {
      "bootstrap.servers": kafka.bootstrap,
      "enable.idempotence": true,
      "message.timeout.ms": 120_000,
      "reconnect.backoff.max.ms": 500,
    },
    onError: (e) => errors.push(e),
    onLog: () => {},
  });
  const acked: DeliveryReport[] = [];
  const failed: KafkaError[] = [];
  let sent = 0;
  const sendSome = async (n: number) => {
    const batch = Array.from({ length: n }, () => ({ topic, partition: 0, value: `${sent++}` }));
    try {
      acked.push(...await producer.sendBatch(batch));
    } catch (e) {
      failed.push(e as KafkaError);
    }
  };
  await sendSome(500);
  assertEquals(acked.length, 500);

  await kafka.stop();
  const inFlight = sendSome(500);
  await waitFor(() => errors.some((e) => e.retriable), {
    timeoutMs: 30_000,
    message: "a retriable error while the broker is down",
  });
  await kafka.start();
  await inFlight;
  await sendSome(500);
  assertEquals(failed, [], "idempotent producer retried through the restart");
  assertEquals(acked.length, 1500);

  await using consumer = new Consumer({
    config: { "bootstrap.servers": kafka.bootstrap, "group.id": uniqueName("g") },
    onLog: () => {},
  });
  consumer.assign([{ topic, partition: 0, offset: Offset.BEGINNING }]);
  const byOffset = new Map<number, string>();
  for await (const batch of consumer.batches({ signal: AbortSignal.timeout(30_000) })) {
    for (const r of batch) byOffset.set(r.offset, new TextDecoder().decode(r.value!));
    if (byOffset.size >= acked.length) break;
  }
  assertEquals(byOffset.size, 1500, "no duplicates and no loss");
  for (const [i, report] of acked.entries()) {
    assert(
      byOffset.has(report.offset),
      `acknowledged offset ${report.offset} (record ${i}) is there`,
    );
  }
  assertEquals(new Set(byOffset.values()).size, 1500);
});
