/**
 * Test-data capture (run by hand, once): records the first request frames real Kafka clients
 * send, into `testdata/<client>_<api>_v<version>.bin` (frame payload: header + body, no size
 * prefix). A tiny fake broker on 127.0.0.1 answers ApiVersions and Metadata with our own codecs
 * so the clients proceed past negotiation.
 *
 * Usage: `deno run -A --no-lock broker/protocol/testdata/capture.ts [client...]` (clients:
 * kcat, kcat_produce, kcat_consume, java, kafkajs, kafkajs_produce; default all)
 * (needs `kcat` on PATH, the Kafka 4.3.1 jars in ~/.cache/iot-platform, and npm access for
 * KafkaJS).
 *
 * @module
 */

import { apiVersionsEntries, decodeRequest, encodeResponse, FrameSplitter } from "../mod.ts";
import { ApiKey } from "../generated/apis.ts";
import type { MetadataRequest, MetadataResponseInput } from "../generated/metadata.ts";

const TOPIC_ID = "AAECAwQFBgcICQoLDA0ODw";

const HERE = new URL(".", import.meta.url).pathname;
/** Not a dependency of the broker: loaded only here, by a computed specifier so that type
 * checking the workspace does not pull it into deno.lock (run this script with --no-lock). */
const KAFKAJS = ["npm:kafkajs", "2.2.4"].join("@");
const KAFKA_LIB = `${Deno.env.get("HOME")}/.cache/iot-platform/kafka-4.3.1/lib`;

const NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(ApiKey).map((
    [name, key],
  ) => [key, name.replace(/[A-Z]/g, (c, i) => (i ? "_" : "") + c.toLowerCase())]),
);

async function serve(
  conn: Deno.Conn,
  client: string,
  port: number,
  saved: Set<string>,
): Promise<void> {
  const splitter = new FrameSplitter();
  const writer = conn.writable.getWriter();
  try {
    for await (const chunk of conn.readable) {
      for (const frame of splitter.push(chunk)) {
        const req = decodeRequest(frame);
        const { apiKey, apiVersion, correlationId } = req.header;
        const file = `${client}_${NAMES[apiKey] ?? `key${apiKey}`}_v${apiVersion}.bin`;
        if (!saved.has(file)) {
          saved.add(file);
          await Deno.writeFile(`${HERE}${file}`, frame);
          console.log(`captured ${file} (${frame.length} bytes)`);
        }
        let out: Uint8Array[];
        if ("error" in req) {
          if (apiKey !== ApiKey.ApiVersions) return;
          out = encodeResponse(ApiKey.ApiVersions, 0, correlationId, {
            errorCode: 35,
            apiKeys: apiVersionsEntries(),
          });
        } else if (req.apiKey === ApiKey.ApiVersions) {
          out = encodeResponse(req.apiKey, apiVersion, correlationId, {
            errorCode: 0,
            apiKeys: apiVersionsEntries(),
          });
        } else if (req.apiKey === ApiKey.Metadata) {
          out = encodeResponse(req.apiKey, apiVersion, correlationId, metadata(req.body, port));
        } else if (req.apiKey === ApiKey.Produce) {
          if (req.body.acks === 0) continue;
          out = encodeResponse(req.apiKey, apiVersion, correlationId, {
            responses: req.body.topicData.map((t) => ({
              name: t.name,
              partitionResponses: t.partitionData.map((p) => ({
                index: p.index,
                errorCode: 0,
                baseOffset: 0n,
              })),
            })),
          });
        } else if (req.apiKey === ApiKey.ListOffsets) {
          out = encodeResponse(req.apiKey, apiVersion, correlationId, {
            topics: req.body.topics.map((t) => ({
              name: t.name,
              partitions: t.partitions.map((p) => ({
                partitionIndex: p.partitionIndex,
                errorCode: 0,
                offset: 0n,
                timestamp: -1n,
              })),
            })),
          });
        } else if (req.apiKey === ApiKey.Fetch) {
          out = encodeResponse(req.apiKey, apiVersion, correlationId, {
            responses: req.body.topics.map((t) => ({
              topic: t.topic,
              topicId: t.topicId,
              partitions: t.partitions.map((p) => ({
                partitionIndex: p.partition,
                errorCode: 0,
                highWatermark: 0n,
                lastStableOffset: 0n,
                logStartOffset: 0n,
                abortedTransactions: [],
                records: new Uint8Array(0),
              })),
            })),
          });
        } else return;
        for (const c of out) await writer.write(c);
      }
    }
  } catch (e) {
    console.log(`${client}: connection ended: ${e}`);
  } finally {
    writer.releaseLock();
    try {
      conn.close();
    } catch { /* already closed */ }
  }
}

function metadata(body: MetadataRequest, port: number): MetadataResponseInput {
  return {
    brokers: [{ nodeId: 1, host: "127.0.0.1", port, rack: null }],
    clusterId: "capture-cluster",
    controllerId: 1,
    topics: (body.topics ?? []).map((t) => ({
      errorCode: 0,
      name: t.name,
      topicId: TOPIC_ID,
      partitions: [{
        errorCode: 0,
        partitionIndex: 0,
        leaderId: 1,
        leaderEpoch: 0,
        replicaNodes: [1],
        isrNodes: [1],
      }],
    })),
  };
}

async function capture(client: string, run: (port: number) => Promise<void>): Promise<void> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const saved = new Set<string>();
  const accepting = (async () => {
    for await (const conn of listener) serve(conn, client, port, saved);
  })();
  try {
    await run(port);
  } finally {
    listener.close();
    await accepting.catch(() => {});
  }
}

async function runCommand(
  cmd: string,
  args: string[],
  timeoutMs: number,
  stdin = "",
): Promise<void> {
  const child = new Deno.Command(cmd, { args, stdin: "piped", stdout: "piped", stderr: "piped" })
    .spawn();
  const input = child.stdin.getWriter();
  await input.write(new TextEncoder().encode(stdin));
  await input.close();
  const timer = setTimeout(() => child.kill(), timeoutMs);
  const out = await child.output();
  clearTimeout(timer);
  console.log(`${cmd} exited ${out.code}`);
  console.log(new TextDecoder().decode(out.stdout).slice(0, 600));
}

const clients: Record<string, (port: number) => Promise<void>> = {
  kcat: (port) => runCommand("kcat", ["-L", "-b", `127.0.0.1:${port}`, "-m", "3"], 8000),
  kcat_produce: (port) =>
    runCommand(
      "kcat",
      ["-P", "-b", `127.0.0.1:${port}`, "-t", "capture-topic", "-p", "0", "-K", ":"],
      8000,
      "key1:hello\nkey2:world\n",
    ),
  kcat_consume: (port) =>
    runCommand("kcat", [
      "-C",
      "-b",
      `127.0.0.1:${port}`,
      "-t",
      "capture-topic",
      "-p",
      "0",
      "-o",
      "beginning",
      "-e",
      "-c",
      "1",
    ], 8000),
  java: (port) =>
    runCommand("java", [
      "-cp",
      `${KAFKA_LIB}/*`,
      "org.apache.kafka.tools.BrokerApiVersionsCommand",
      "--bootstrap-server",
      `127.0.0.1:${port}`,
    ], 20000),
  kafkajs: async (port) => {
    const { Kafka, logLevel } = await import(KAFKAJS);
    const kafka = new Kafka({ brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    try {
      await admin.connect();
      await admin.fetchTopicMetadata({ topics: [] }).catch(() => {});
    } finally {
      await admin.disconnect();
    }
  },
  kafkajs_produce: async (port) => {
    const { Kafka, logLevel } = await import(KAFKAJS);
    const kafka = new Kafka({ brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    try {
      await producer.connect();
      await producer.send({
        topic: "capture-topic",
        messages: [{ key: "key1", value: "hello", partition: 0, headers: { h: "v" } }],
      });
    } finally {
      await producer.disconnect();
    }
  },
};

const wanted = Deno.args.length > 0 ? Deno.args : Object.keys(clients);
for (const name of wanted) await capture(name, clients[name]);
