/**
 * Decode tests on request frames captured from real clients (librdkafka 2.0.2 via kcat, the
 * Java 4.3.1 admin client, KafkaJS 2.2.4) by `testdata/capture.ts`.
 */
import { assert, assertEquals } from "@std/assert";
import { type DecodedRequest, decodeRequest } from "./dispatch.ts";
import { ApiKey, type RequestInputs, requestWriters } from "./generated/apis.ts";
import { writeRequestHeader } from "./header.ts";
import { Writer } from "./wire.ts";

const DIR = new URL("./testdata/", import.meta.url);

function load(name: string): { frame: Uint8Array; req: DecodedRequest } {
  const frame = Deno.readFileSync(new URL(name, DIR));
  const req = decodeRequest(frame);
  if ("error" in req) throw new Error(`${name}: ${req.error} ${req.cause?.message ?? ""}`);
  return { frame, req };
}

/** Header + body re-encoded by our codecs: must equal what the client sent, byte for byte. */
function reencode(req: DecodedRequest): Uint8Array {
  const w = new Writer();
  writeRequestHeader(w, req.header);
  const write = requestWriters[req.apiKey] as (
    w: Writer,
    v: RequestInputs[typeof req.apiKey],
    version: number,
  ) => void;
  write(w, req.body, req.header.apiVersion);
  return w.finish();
}

const FILES = [...Deno.readDirSync(DIR)].map((e) => e.name).filter((n) => n.endsWith(".bin"))
  .sort();

Deno.test("every captured frame decodes and re-encodes byte for byte", () => {
  assert(FILES.length >= 10, `expected captured frames, found ${FILES.length}`);
  for (const name of FILES) {
    const { frame, req } = load(name);
    const snake = (s: string) => s.replace(/[A-Z]/g, (c, i) => (i ? "_" : "") + c.toLowerCase());
    const api = Object.entries(ApiKey).find(([n]) => name.includes(`_${snake(n)}_v`));
    assertEquals(req.apiKey, api?.[1], name);
    assertEquals(name.endsWith(`_v${req.header.apiVersion}.bin`), true, name);
    assertEquals(reencode(req), frame, `${name} re-encoded`);
  }
});

Deno.test("librdkafka ApiVersions v3 carries its software name (header v2)", () => {
  const { req } = load("kcat_api_versions_v3.bin");
  assertEquals(req.header, { apiKey: 18, apiVersion: 3, correlationId: 1, clientId: "rdkafka" });
  assert(req.apiKey === ApiKey.ApiVersions);
  assertEquals(req.body, { clientSoftwareName: "librdkafka", clientSoftwareVersion: "2.0.2" });
});

Deno.test("Java ApiVersions v4 and Metadata v12 (flexible, compact null topic list)", () => {
  const av = load("java_api_versions_v4.bin").req;
  assert(av.apiKey === ApiKey.ApiVersions);
  assertEquals(av.header.clientId, "admin-1");
  assertEquals(av.body, {
    clientSoftwareName: "apache-kafka-java",
    clientSoftwareVersion: "4.3.1",
  });
  const md = load("java_metadata_v12.bin").req;
  assert(md.apiKey === ApiKey.Metadata);
  assertEquals(md.body.topics, null, "null = all topics");
  assertEquals(md.body.allowAutoTopicCreation, true);
});

Deno.test("KafkaJS ApiVersions v2 has an empty body", () => {
  const { req } = load("kafkajs_api_versions_v2.bin");
  assertEquals(req.header, { apiKey: 18, apiVersion: 2, correlationId: 0, clientId: "kafkajs" });
  assertEquals(req.body, { clientSoftwareName: "", clientSoftwareVersion: "" });
});

Deno.test("librdkafka Metadata v4 names the requested topic", () => {
  const { req } = load("kcat_produce_metadata_v4.bin");
  assert(req.apiKey === ApiKey.Metadata);
  assertEquals(req.body.topics?.map((t) => t.name), ["capture-topic"]);
});

for (const name of ["kcat_produce_produce_v7.bin", "kafkajs_produce_produce_v7.bin"]) {
  Deno.test(`${name}: one v2 record batch, kept as a view of the frame`, () => {
    const { frame, req } = load(name);
    assert(req.apiKey === ApiKey.Produce);
    assertEquals(req.body.transactionalId, null);
    assertEquals(req.body.acks, -1);
    assertEquals(req.body.timeoutMs, 30000);
    const [topic] = req.body.topicData;
    assertEquals(topic.name, "capture-topic");
    const records = topic.partitionData[0].records!;
    assertEquals(topic.partitionData[0].index, 0);
    assertEquals(records.buffer, frame.buffer, "records must not be copied");
    const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
    assertEquals(view.getInt32(8) + 12, records.length, "batchLength covers the batch");
    assertEquals(records[16], 2, "magic");
  });
}

Deno.test("librdkafka ListOffsets v2 (earliest, read_committed) and Fetch v11", () => {
  const lo = load("kcat_consume_list_offsets_v2.bin").req;
  assert(lo.apiKey === ApiKey.ListOffsets);
  assertEquals(lo.body.replicaId, -1);
  assertEquals(lo.body.isolationLevel, 1);
  assertEquals(lo.body.topics[0].partitions[0].timestamp, -2n);
  const f = load("kcat_consume_fetch_v11.bin").req;
  assert(f.apiKey === ApiKey.Fetch);
  assertEquals(f.body.isolationLevel, 1);
  assertEquals(f.body.topics[0].topic, "capture-topic");
  assertEquals(f.body.topics[0].partitions[0].fetchOffset, 0n);
});
