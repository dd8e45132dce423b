/**
 * Client scenarios run against any Kafka-protocol broker; each returns plain, broker-independent
 * data so the shim's results can be compared with real Kafka's.
 *
 * @module
 */
import { Admin, Consumer, type ConsumerRecord, Offset, Producer } from "@iot/kafka";
import { defaultCacheDir, findKafkaRuntime, javaArgs, uniqueName } from "@iot/testing";

const text = (b: Uint8Array | null) => b === null ? null : new TextDecoder().decode(b);

/** Runs a command, feeding `input`; returns stdout (throws with stderr on failure). */
export async function run(cmd: string, args: string[], input = ""): Promise<string> {
  const child = new Deno.Command(cmd, {
    args,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const out = await child.output();
  const stdout = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return stdout;
}

/** Runs a Kafka tool class with the Kafka runtime's classpath; returns stdout. */
export async function java(mainClass: string, args: string[], input = ""): Promise<string> {
  const runtime = await findKafkaRuntime(defaultCacheDir());
  return await run("java", javaArgs(runtime, mainClass, args), input);
}

async function consumeUntil(consumer: Consumer, count: number): Promise<ConsumerRecord[]> {
  const records: ConsumerRecord[] = [];
  const signal = AbortSignal.timeout(20_000);
  for await (const batch of consumer.batches({ signal })) {
    records.push(...batch);
    if (records.length >= count) return records;
  }
  throw new Error(`timed out with ${records.length} of ${count} records`);
}

/** What {@linkcode kcatMetadata} observes. */
export interface MetadataView {
  /** Number of brokers. */
  brokers: number;
  /** Topic name. */
  topic: string;
  /** Per partition: index, replica count, ISR count. */
  partitions: { partition: number; replicas: number; isrs: number }[];
  /** Topic error, or null. */
  error: string | null;
}

/** kcat -L -J of a 3-partition topic: partition count, leaders, replicas, ISR sizes. */
export async function kcatMetadata(bootstrap: string): Promise<MetadataView> {
  const topic = uniqueName("conf-md");
  await using admin = new Admin({ config: { "bootstrap.servers": bootstrap } });
  await admin.createTopics([{ name: topic, partitions: 3 }]);
  const json = JSON.parse(await run("kcat", ["-b", bootstrap, "-L", "-J", "-t", topic]));
  const t = json.topics[0];
  return {
    brokers: json.brokers.length,
    topic: t.topic,
    partitions: t.partitions.map((
      p: { partition: number; replicas: unknown[]; isrs: unknown[] },
    ) => ({
      partition: p.partition,
      replicas: p.replicas.length,
      isrs: p.isrs.length,
    })),
    error: t.error ?? null,
  };
}

/** kcat consumes `topic` from the beginning to its end, each record printed as `format`. */
async function kcatConsumeAll(bootstrap: string, topic: string, format: string): Promise<string> {
  const args = ["-b", bootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", format];
  return await run("kcat", args);
}

/** kcat produce (keys, headers) and consume from the beginning. */
export async function kcatRoundTrip(bootstrap: string): Promise<string> {
  const topic = uniqueName("conf-kcat");
  await run(
    "kcat",
    ["-b", bootstrap, "-P", "-t", topic, "-K", ":", "-H", "h1=x", "-H", "h2=y"],
    "k1:v1\nk2:v2\n:v3\n",
  );
  return await kcatConsumeAll(bootstrap, topic, "%p %o %k=%s [%h]\\n");
}

/** Our Producer (plain and idempotent) and an assign-based Consumer. */
export async function ourRoundTrip(bootstrap: string): Promise<{
  reports: number[];
  records: (string | number | null)[][];
  watermarks: { low: number; high: number };
  byTime: number | undefined;
}> {
  const topic = uniqueName("conf-ours");
  await using plain = new Producer({ config: { "bootstrap.servers": bootstrap, "acks": "all" } });
  const first = await plain.sendBatch([
    { topic, key: "d1", value: "a", headers: [["h", "1"]], timestamp: 1_700_000_000_000 },
    { topic, key: null, value: null, timestamp: 1_700_000_001_000 },
  ]);
  await using idem = new Producer({
    config: { "bootstrap.servers": bootstrap, "enable.idempotence": "true" },
  });
  const second = await idem.sendBatch(
    Array.from(
      { length: 50 },
      (_, i) => ({ topic, value: `i${i}`, timestamp: 1_700_000_002_000 + i }),
    ),
  );
  await using consumer = new Consumer({
    config: { "bootstrap.servers": bootstrap, "group.id": uniqueName("conf-g") },
  });
  consumer.assign([{ topic, partition: 0, offset: Offset.BEGINNING }]);
  const records = await consumeUntil(consumer, 52);
  const watermarks = await consumer.watermarkOffsets(topic, 0);
  const [byTime] = await consumer.offsetsForTimes([
    { topic, partition: 0, offset: 1_700_000_002_010 },
  ]);
  return {
    reports: [...first, ...second].map((r) => r.offset),
    records: records.map((r) => [
      r.offset,
      text(r.key),
      text(r.value),
      r.timestamp,
      r.headers.map(([k, v]) => `${k}=${text(v)}`).join(","),
    ]),
    watermarks,
    byTime: byTime.offset,
  };
}

/** Admin: a compacted topic, its configs, more partitions, deletion. */
export async function adminTopics(
  bootstrap: string,
): Promise<{ cleanupPolicy: string; hasRetention: boolean; partitions: number; deleted: boolean }> {
  const topic = uniqueName("conf-admin");
  await using admin = new Admin({ config: { "bootstrap.servers": bootstrap } });
  await admin.createTopics([{
    name: topic,
    partitions: 2,
    config: { "cleanup.policy": "compact" },
  }]);
  const configs = await admin.describeTopicConfig(topic);
  await admin.createPartitions(topic, 3);
  const [described] = await admin.describeTopics([topic]);
  await admin.deleteTopics([topic]);
  const after = await admin.listTopics();
  return {
    cleanupPolicy: configs["cleanup.policy"],
    hasRetention: "retention.ms" in configs,
    partitions: described.partitions.length,
    deleted: !after.includes(topic),
  };
}

/** A consumer group: subscribe, consume, commit, read back the committed offset. */
export async function consumerGroup(
  bootstrap: string,
): Promise<{ consumed: number; committed: number | undefined }> {
  const topic = uniqueName("conf-group");
  const group = uniqueName("conf-g");
  await using producer = new Producer({ config: { "bootstrap.servers": bootstrap } });
  await producer.sendBatch(Array.from({ length: 10 }, (_, i) => ({ topic, value: `g${i}` })));
  await using consumer = new Consumer({
    config: {
      "bootstrap.servers": bootstrap,
      "group.id": group,
      "auto.offset.reset": "earliest",
      "enable.auto.commit": "false",
    },
  });
  consumer.subscribe([topic]);
  const records = await consumeUntil(consumer, 10);
  await consumer.commit([{ topic, partition: 0, offset: 10 }]);
  const [committed] = await consumer.committed([{ topic, partition: 0 }]);
  return { consumed: records.length, committed: committed.offset };
}

/** Java: kafka-broker-api-versions lists Produce, Fetch and Metadata as usable. */
export async function javaApiVersions(bootstrap: string): Promise<Record<string, boolean>> {
  const out = await java("org.apache.kafka.tools.BrokerApiVersionsCommand", [
    "--bootstrap-server",
    bootstrap,
  ]);
  const usable = (name: string) =>
    new RegExp(`\\b${name}\\(\\d+\\): \\d+ to \\d+ \\[usable: \\d+\\]`).test(out);
  return Object.fromEntries(
    ["Produce", "Fetch", "Metadata", "ApiVersions", "FindCoordinator", "InitProducerId"].map((
      n,
    ) => [n, usable(n)]),
  );
}

/** Java console producer (idempotent by default) and console consumer (a group). */
export async function javaConsole(bootstrap: string): Promise<string[]> {
  const topic = uniqueName("conf-java");
  await java("org.apache.kafka.tools.ConsoleProducer", [
    "--bootstrap-server",
    bootstrap,
    "--topic",
    topic,
  ], "one\ntwo\nthree\n");
  const out = await java("org.apache.kafka.tools.consumer.ConsoleConsumer", [
    "--bootstrap-server",
    bootstrap,
    "--topic",
    topic,
    "--from-beginning",
    "--max-messages",
    "3",
    "--timeout-ms",
    "20000",
  ]);
  return out.trim().split("\n");
}

/** Java ProducerPerformance: 5000 records, acks=all (idempotent by default); the count sent. */
export async function javaProducerPerformance(bootstrap: string): Promise<string> {
  const out = await java("org.apache.kafka.tools.ProducerPerformance", [
    "--topic",
    uniqueName("conf-perf"),
    "--num-records",
    "5000",
    "--record-size",
    "100",
    "--throughput",
    "-1",
    "--producer-props",
    `bootstrap.servers=${bootstrap}`,
    "acks=all",
  ]);
  return out.trim().split("\n").at(-1)!.split(",")[0];
}

/** kcat with an idempotent producer and each compression codec; values read back per codec. */
export async function kcatCompression(bootstrap: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const codec of ["gzip", "snappy", "lz4", "zstd"]) {
    const topic = uniqueName(`conf-${codec}`);
    await run(
      "kcat",
      ["-b", bootstrap, "-P", "-t", topic, "-z", codec, "-X", "enable.idempotence=true"],
      "a\nb\nc\n",
    );
    out[codec] = await kcatConsumeAll(bootstrap, topic, "%o:%s ");
  }
  return out;
}
