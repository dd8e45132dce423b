import { assert, assertEquals, assertThrows } from "@std/assert";
import { ADVERTISED_VERSIONS, apiVersionsEntries } from "./advertised.ts";
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from "./dispatch.ts";
import { FrameSplitter } from "./frame.ts";
import { ApiKey, APIS } from "./generated/apis.ts";
import { decodeApiVersionsResponse } from "./generated/api_versions.ts";
import { writeMetadataRequest } from "./generated/metadata.ts";
import { writeRequestHeader } from "./header.ts";
import { concatChunks, ProtocolError, Reader, Writer } from "./wire.ts";

function request(apiKey: number, apiVersion: number, body: (w: Writer) => void): Uint8Array {
  const w = new Writer();
  writeRequestHeader(w, { apiKey, apiVersion, correlationId: 9, clientId: "t" });
  body(w);
  return w.finish();
}

Deno.test("decodes a known request into a typed body", () => {
  const frame = request(3, 12, (w) => writeMetadataRequest(w, { topics: [{ name: "a" }] }, 12));
  const req = decodeRequest(frame);
  assert(!("error" in req) && req.apiKey === ApiKey.Metadata);
  assertEquals(req.header.correlationId, 9);
  assertEquals(req.body.topics?.[0].name, "a");
});

Deno.test("unknown keys and unadvertised versions are rejected with the header", () => {
  const unknown = decodeRequest(request(999, 0, () => {}));
  assertEquals("error" in unknown && unknown.error, "unknown_api_key");
  const tooNew = decodeRequest(request(18, 7, (w) => w.raw(Uint8Array.of(1, 2, 3))));
  assert("error" in tooNew);
  assertEquals([tooNew.error, tooNew.header.correlationId], ["unsupported_version", 9]);
  const narrowed = new Map(ADVERTISED_VERSIONS).set(3, { min: 0, max: 4 });
  const md = decodeRequest(request(3, 12, () => {}), { versions: narrowed });
  assertEquals("error" in md && md.error, "unsupported_version");
});

Deno.test("a corrupt body is reported with its cause; a corrupt header throws", () => {
  const bad = decodeRequest(request(3, 1, (w) => w.int32(5)));
  assert("error" in bad);
  assertEquals([bad.error, bad.cause?.code], ["corrupt_body", "truncated"]);
  const trailing = decodeRequest(request(12, 0, (w) => {
    w.string("g", false);
    w.int32(1);
    w.string("m", false);
    w.int8(0);
  }));
  assertEquals("error" in trailing && trailing.cause?.code, "trailing_bytes");
  assertThrows(() => decodeRequest(Uint8Array.of(0, 18, 0)), ProtocolError);
});

Deno.test("ApiVersions fallback: v0 body with UNSUPPORTED_VERSION and our ranges", () => {
  const frame = concatChunks(
    encodeResponse(18, 0, 9, { errorCode: 35, apiKeys: apiVersionsEntries() }),
  );
  const [payload] = new FrameSplitter().push(frame);
  const r = new Reader(payload);
  assertEquals(r.int32(), 9);
  const body = decodeApiVersionsResponse(payload.subarray(4), 0);
  assertEquals(body.errorCode, 35);
  assertEquals(body.apiKeys.find((k) => k.apiKey === 18), {
    apiKey: 18,
    minVersion: 0,
    maxVersion: 4,
  });
});

Deno.test("advertised table excludes unstable top versions", () => {
  assertEquals(ADVERTISED_VERSIONS.get(26), { min: 0, max: 4 }, "EndTxn v5 is unreleased");
  assertEquals(ADVERTISED_VERSIONS.get(1), { min: 0, max: 17 });
  assertEquals(ADVERTISED_VERSIONS.size, APIS.length, "one entry per generated API");
  assertEquals(ADVERTISED_VERSIONS.get(68), { min: 0, max: 1 }, "released in Kafka 4.0");
});

Deno.test("encodeResponse keeps record batches as separate chunks", () => {
  const records = new Uint8Array(4096).fill(1);
  const chunks = encodeResponse(1, 12, 1, {
    responses: [{
      topic: "t",
      partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 1n, records }],
    }],
  });
  assert(chunks.some((c) => c === records), "records referenced, not copied");
});

Deno.test("encodeRequest and decodeResponse frame the client side", () => {
  const frame = concatChunks(
    encodeRequest({ apiKey: 18, apiVersion: 3, correlationId: 5, clientId: "c" }, {
      clientSoftwareName: "x",
      clientSoftwareVersion: "1",
    }),
  );
  const [payload] = new FrameSplitter().push(frame);
  const req = decodeRequest(payload);
  assert(!("error" in req) && req.apiKey === ApiKey.ApiVersions);
  assertEquals(req.body.clientSoftwareName, "x");
  const res = concatChunks(encodeResponse(3, 12, 5, { brokers: [], topics: [] }));
  const decoded = decodeResponse(3, 12, res.subarray(4));
  assertEquals(decoded.correlationId, 5);
  assertEquals(decoded.body.topics, []);
});
