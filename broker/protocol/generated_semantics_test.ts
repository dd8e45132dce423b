/** Version semantics of the generated codecs: defaults, ignorable fields, nullability, tags. */
import { assertEquals, assertThrows } from "@std/assert";
import { decodeApiVersionsResponse, encodeApiVersionsResponse } from "./generated/api_versions.ts";
import { decodeFetchRequest, encodeFetchRequest } from "./generated/fetch.ts";
import { encodeListOffsetsResponse } from "./generated/list_offsets.ts";
import { decodeMetadataRequest, encodeMetadataRequest } from "./generated/metadata.ts";
import {
  decodeConsumerGroupHeartbeatResponse,
  encodeConsumerGroupHeartbeatResponse,
} from "./generated/consumer_group_heartbeat.ts";
import { ProtocolError } from "./wire.ts";

Deno.test("fields absent from a version decode to their schema defaults", () => {
  const bytes = encodeFetchRequest({ maxWaitMs: 500, minBytes: 1, topics: [] }, 3);
  const req = decodeFetchRequest(bytes, 3);
  assertEquals(req.replicaId, -1);
  assertEquals(req.isolationLevel, 0);
  assertEquals(req.sessionEpoch, -1);
  assertEquals(req.maxBytes, 0x7fffffff);
  assertEquals(req.rackId, "");
});

Deno.test("a non-default ignorable field is dropped for a version that lacks it", () => {
  const bytes = encodeApiVersionsResponse({ errorCode: 0, apiKeys: [], throttleTimeMs: 100 }, 0);
  assertEquals(decodeApiVersionsResponse(bytes, 0).throttleTimeMs, 0);
  encodeFetchRequest({ maxWaitMs: 1, minBytes: 1, topics: [], isolationLevel: 1 }, 3);
});

Deno.test("a non-default non-ignorable field for a version that lacks it throws RangeError", () => {
  assertThrows(
    () => encodeMetadataRequest({ topics: [], allowAutoTopicCreation: false }, 3),
    RangeError,
  );
  encodeMetadataRequest({ topics: [], allowAutoTopicCreation: true }, 3);
  const body = {
    topics: [{
      name: "t",
      partitions: [{ partitionIndex: 0, errorCode: 0, oldStyleOffsets: [1n] }],
    }],
  };
  assertThrows(() => encodeListOffsetsResponse(body, 1), RangeError);
  encodeListOffsetsResponse(body, 0);
});

Deno.test("null where the version forbids it: TypeError on encode, ProtocolError on decode", () => {
  assertThrows(() => encodeMetadataRequest({ topics: null }, 0), TypeError);
  const e = assertThrows(
    () => decodeMetadataRequest(Uint8Array.of(0xff, 0xff, 0xff, 0xff), 0),
    ProtocolError,
  );
  assertEquals(e.code, "unexpected_null");
});

Deno.test("unknown tagged fields are skipped; known ones decoded", () => {
  const bytes = Uint8Array.of(
    0,
    0, // error code
    1, // empty compact array
    0,
    0,
    0,
    0, // throttle
    2, // two tagged fields
    3,
    1,
    1, // tag 3 (ZkMigrationReady) = true
    9,
    2,
    0xaa,
    0xbb, // unknown tag 9
  );
  const decoded = decodeApiVersionsResponse(bytes, 3);
  assertEquals(decoded.zkMigrationReady, true);
  assertEquals(decoded.finalizedFeaturesEpoch, -1n);
});

Deno.test("versions outside the schema: RangeError to encode, ProtocolError to decode", () => {
  assertThrows(() => encodeMetadataRequest({ topics: [] }, 13), RangeError);
  const e = assertThrows(() => decodeMetadataRequest(new Uint8Array(0), -1), ProtocolError);
  assertEquals(e.code, "unsupported_version");
});

Deno.test("a nullable struct is one byte -1 when null, 1 then the struct when present", () => {
  const base = {
    throttleTimeMs: 0,
    errorCode: 0,
    memberId: "m",
    memberEpoch: 3,
    heartbeatIntervalMs: 5000,
  };
  const absent = encodeConsumerGroupHeartbeatResponse(base, 1);
  // throttle(4) error(2) message(1: null) memberId(2) epoch(4) interval(4), then the struct flag.
  assertEquals(absent[17], 0xff);
  assertEquals(decodeConsumerGroupHeartbeatResponse(absent, 1).assignment, null);
  const topicPartitions = [{ topicId: "AAAAAAAAAAAAAAAAAAAAAQ", partitions: [0, 2] }];
  const present = encodeConsumerGroupHeartbeatResponse(
    { ...base, assignment: { topicPartitions } },
    1,
  );
  assertEquals(present[17], 1);
  assertEquals(
    decodeConsumerGroupHeartbeatResponse(present, 1).assignment?.topicPartitions,
    topicPartitions,
  );
});
