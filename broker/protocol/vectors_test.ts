/** Byte-exact tests against hand-checked vectors (hex written from the protocol spec). */
import { assertEquals } from "@std/assert";
import { encodeResponse } from "./dispatch.ts";
import {
  decodeApiVersionsRequest,
  decodeApiVersionsResponse,
  encodeApiVersionsRequest,
  encodeApiVersionsResponse,
} from "./generated/api_versions.ts";
import { decodeMetadataRequest, encodeMetadataRequest } from "./generated/metadata.ts";
import { concatChunks } from "./wire.ts";

function hex(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, "");
  return Uint8Array.from(
    { length: clean.length / 2 },
    (_, i) => parseInt(clean.slice(i * 2, i * 2 + 2), 16),
  );
}

Deno.test("ApiVersions v0 request: empty body", () => {
  assertEquals(encodeApiVersionsRequest({}, 0), new Uint8Array(0));
  assertEquals(decodeApiVersionsRequest(new Uint8Array(0), 0), {
    clientSoftwareName: "",
    clientSoftwareVersion: "",
  });
});

Deno.test("ApiVersions v3 request: compact strings + empty tagged section", () => {
  // "kcat" = len 4 → uvarint 5; "1.7" = len 3 → uvarint 4; 0 tagged fields
  const bytes = hex("05 6b636174 04 312e37 00");
  const value = { clientSoftwareName: "kcat", clientSoftwareVersion: "1.7" };
  assertEquals(encodeApiVersionsRequest(value, 3), bytes);
  assertEquals(decodeApiVersionsRequest(bytes, 3), value);
});

Deno.test("ApiVersions v0 response: int16 error, int32-counted array, no throttle", () => {
  const bytes = hex("0000 00000002 0000 0000 000b 0012 0000 0004");
  const value = {
    errorCode: 0,
    apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 11 }, {
      apiKey: 18,
      minVersion: 0,
      maxVersion: 4,
    }],
  };
  assertEquals(encodeApiVersionsResponse(value, 0), bytes);
  const decoded = decodeApiVersionsResponse(bytes, 0);
  assertEquals(decoded.apiKeys, value.apiKeys);
  assertEquals(decoded.throttleTimeMs, 0);
});

Deno.test("ApiVersions v3 response: compact array, per-entry tags, tagged FinalizedFeaturesEpoch", () => {
  const bytes = hex(
    "0000" + // error code
      "02 0012 0000 0004 00" + // 1 entry (uvarint 2) with its empty tag section
      "00000064" + // throttle 100
      "01 01 08 0000000000000007", // 1 tagged field: tag 1, 8 bytes, epoch 7
  );
  const value = {
    errorCode: 0,
    apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }],
    throttleTimeMs: 100,
    finalizedFeaturesEpoch: 7n,
  };
  assertEquals(encodeApiVersionsResponse(value, 3), bytes);
  assertEquals(decodeApiVersionsResponse(bytes, 3), {
    ...value,
    supportedFeatures: [],
    finalizedFeatures: [],
    zkMigrationReady: false,
  });
});

Deno.test("ApiVersions response frame always uses header v0 (no tag byte), even at v3", () => {
  const frame = concatChunks(
    encodeResponse(18, 3, 0x01020304, { errorCode: 35, apiKeys: [] }),
  );
  // size 11 | correlation id | error 35 | empty compact array | throttle 0 | no tags
  assertEquals(frame, hex("0000000c 01020304 0023 01 00000000 00"));
});

Deno.test("flexible responses other than ApiVersions use header v1", () => {
  const frame = concatChunks(encodeResponse(12, 4, 7, { errorCode: 0 }));
  // Heartbeat v4: size | correlation id | header tags | throttle | error | body tags
  assertEquals(frame, hex("0000000c 00000007 00 00000000 0000 00"));
});

Deno.test("Metadata v1 request: int32-counted topic names; null = all topics", () => {
  const bytes = hex("00000002 0002 7431 0003 e697a5"); // "日" is 3 UTF-8 bytes
  const value = { topics: [{ name: "t1" }, { name: "日" }] };
  assertEquals(encodeMetadataRequest(value, 1), bytes);
  assertEquals(decodeMetadataRequest(bytes, 1), {
    ...value,
    topics: value.topics.map((t) => ({ ...t, topicId: "AAAAAAAAAAAAAAAAAAAAAA" })),
    allowAutoTopicCreation: true,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  });
  assertEquals(encodeMetadataRequest({ topics: null }, 1), hex("ffffffff"));
  assertEquals(decodeMetadataRequest(hex("ffffffff"), 1).topics, null);
});
