/**
 * KafkaJS 2.2.4 scenarios (classic, non-flexible encodings only): admin, produce, a consumer
 * group with explicit commits, and a transactional producer read by a read_committed consumer.
 * Each returns plain data so the shim's results can be compared with real Kafka's.
 *
 * @module
 */
import { type Consumer, Kafka, logLevel } from "npm:kafkajs@2.2.4";
import { uniqueName } from "@iot/testing";

function client(bootstrap: string): Kafka {
  return new Kafka({
    clientId: "conformance",
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 100 },
  });
}

/** Runs a consumer until `count` values arrived (or 20 s passed); returns them in order. */
async function consume(consumer: Consumer, count: number): Promise<string[]> {
  const values: string[] = [];
  const { promise, resolve, reject } = Promise.withResolvers<void>();
  const timer = setTimeout(() => reject(new Error(`${values.length} of ${count} values`)), 20_000);
  await consumer.run({
    autoCommit: false,
    eachMessage: ({ message }) => {
      values.push(message.value?.toString() ?? "");
      if (values.length >= count) resolve();
      return Promise.resolve();
    },
  });
  try {
    await promise;
  } finally {
    clearTimeout(timer);
  }
  return values;
}

/**
 * KafkaJS: createTopics, produce 5 keyed records, a group consumer that commits explicitly,
 * and the committed offset through admin.fetchOffsets.
 */
export async function kafkajsGroup(bootstrap: string): Promise<{
  created: boolean;
  offsets: string[];
  consumed: string[];
  committed: string[];
}> {
  const kafka = client(bootstrap);
  const topic = uniqueName("conf-kjs");
  const groupId = uniqueName("conf-kjs-g");
  const admin = kafka.admin();
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId });
  await admin.connect();
  try {
    const created = await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await producer.connect();
    const acks = await producer.send({
      topic,
      messages: Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const consumed = await consume(consumer, 5);
    await consumer.commitOffsets([{ topic, partition: 0, offset: "5" }]);
    await consumer.stop();
    const [fetched] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return {
      created,
      offsets: acks.map((a) => a.baseOffset ?? ""),
      consumed,
      committed: fetched.partitions.map((p) => `${p.partition}:${p.offset}`),
    };
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.disconnect();
  }
}

/**
 * KafkaJS transactions: commit, abort, commit; a KafkaJS consumer (read_committed by default)
 * sees only the committed values.
 */
export async function kafkajsTransactions(bootstrap: string): Promise<string[]> {
  const kafka = client(bootstrap);
  const topic = uniqueName("conf-kjs-tx");
  const admin = kafka.admin();
  const producer = kafka.producer({
    transactionalId: uniqueName("conf-kjs-tx"),
    maxInFlightRequests: 1,
    idempotent: true,
  });
  const consumer = kafka.consumer({ groupId: uniqueName("conf-kjs-g") });
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await producer.connect();
    for (const [prefix, commit] of [["a", true], ["b", false], ["c", true]] as const) {
      const txn = await producer.transaction();
      await txn.send({
        topic,
        messages: [0, 1].map((i) => ({ value: `${prefix}${i}` })),
      });
      if (commit) await txn.commit();
      else await txn.abort();
    }
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const values = await consume(consumer, 4);
    await consumer.stop();
    return values;
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.disconnect();
  }
}
