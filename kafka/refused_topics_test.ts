import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { ErrorCode, KafkaError } from "./errors.ts";
import { RefusedTopics } from "./refused_topics.ts";
import type { ProducerRecord, RecordBlock } from "./native/produce_request.ts";

const TOPIC_AUTHORIZATION_FAILED = 29;
const withHeaders = (topic: string): ProducerRecord => ({ topic, value: "v", headers: { h: "1" } });

function blockTo(topics: string[], headers: RecordBlock["headers"]): RecordBlock {
  const n = topics.length;
  return {
    count: n,
    topics,
    topicIndex: Uint8Array.from(topics.keys()),
    values: new Uint8Array(0),
    valueStart: new Int32Array(n),
    valueLength: new Int32Array(n),
    keys: new Uint8Array(0),
    keyStart: new Int32Array(n),
    keyLength: new Int32Array(n).fill(-1),
    timestamps: new Float64Array(n),
    headers,
  };
}

Deno.test("RefusedTopics: a topic-level failure refuses later records with headers to that topic only", () => {
  const refused = new RefusedTopics();
  const records = [withHeaders("a"), { topic: "a", value: "v" }, withHeaders("b")];
  assertEquals(refused.refusalAt(records, null, 0), null);
  refused.note("a", KafkaError.fromCode(TOPIC_AUTHORIZATION_FAILED, "delivery to a [0]"));
  const error = refused.refusalAt(records, null, 0);
  assert(error);
  assertEquals([error.code, error.retriable], [TOPIC_AUTHORIZATION_FAILED, false]);
  assertStringIncludes(error.message, "produce to a refused");
  assertStringIncludes(error.message, "delivery to a [0]");
  assertEquals(refused.refusalAt(records, null, 1), null, "no headers: librdkafka reports it");
  assertEquals(refused.refusalAt(records, null, 2), null, "another topic");
  const block = blockTo(["b", "a"], [["h", new Uint8Array([1])]]);
  assertEquals(refused.refusalAt(null, block, 0), null);
  assertEquals(refused.refusalAt(null, block, 1)?.code, TOPIC_AUTHORIZATION_FAILED);
  assertEquals(refused.refusalAt(null, blockTo(["a"], []), 0), null);
});

Deno.test("RefusedTopics: retriable and record-level failures refuse nothing", () => {
  const refused = new RefusedTopics();
  for (const code of [ErrorCode.NOT_LEADER_FOR_PARTITION, ErrorCode.MSG_TIMED_OUT, 10, 87]) {
    refused.note("a", KafkaError.fromCode(code, "delivery to a [0]"));
  }
  assertEquals(refused.size, 0);
  refused.note("a", KafkaError.fromCode(ErrorCode.UNKNOWN_TOPIC, "produce to a"));
  assertEquals(refused.size, 1);
});

Deno.test("RefusedTopics: unchecked lists each new topic of records with headers once", () => {
  const refused = new RefusedTopics();
  const records = [withHeaders("a"), withHeaders("a"), { topic: "c", value: null }];
  assertEquals([...refused.unchecked(records, null, 3)], ["a"]);
  assertEquals([...refused.unchecked(records, null, 0)], []);
  assertEquals([...refused.unchecked(null, blockTo(["x", "y"], [["h", new Uint8Array()]]), 2)], [
    "x",
    "y",
  ]);
  assertEquals([...refused.unchecked(null, blockTo(["x"], []), 1)], []);
});
