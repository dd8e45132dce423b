import { assertEquals, assertRejects, assertThrows } from "@std/assert";
import {
  batchSizeAt,
  readBatchHeader,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
  splitBatches,
  validateBatch,
  validateProducedBatch,
} from "./record_batch.ts";
import { iterateRecords, readRecords } from "./record.ts";
import { buildControlBatch, buildRecordBatch, parseControlRecord } from "./batch_builder.ts";
import { CorruptBatchError, UnsupportedCompressionError } from "./errors.ts";

// Segment files copied from a real Apache Kafka 4.3.1 broker's log dir: kcat 1.7 (librdkafka)
// produced kcat_*.bin, the Java ProducerPerformance tool (transactional) java_txn_segment.log.bin.
const testdata = (name: string) =>
  Deno.readFileSync(new URL(`./testdata/${name}`, import.meta.url));
const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));
const bytes = (s: string) => new TextEncoder().encode(s);

Deno.test("record batch: decodes kcat keyed records with headers", () => {
  const { batches, trailingBytes } = splitBatches(testdata("kcat_segment.log.bin"));
  assertEquals(trailingBytes, 0);
  assertEquals(batches.map((b) => validateBatch(b).baseOffset), [0, 1, 3, 5]);
  const h = validateBatch(batches[1]);
  assertEquals(
    { size: batches[1].length, last: h.lastOffsetDelta, count: h.recordsCount, crc: h.crc },
    { size: 112, last: 1, count: 2, crc: 1618977049 },
  );
  const records = [...iterateRecords(batches[1])];
  assertEquals(records.map((r) => [r.offset, text(r.key), text(r.value)]), [
    [1, "k2", "hello world"],
    [2, "k3", ""],
  ]);
  assertEquals(records[0].timestamp, 1795300857114);
  assertEquals(records[0].headers.map((x) => [x.key, text(x.value)]), [["h1", "x"], ["h2", "yy"]]);
  const unkeyed = [...iterateRecords(batches[2])];
  assertEquals(unkeyed.map((r) => [r.key, text(r.value)]), [[null, "a"], [null, "b"]]);
});

Deno.test("record batch: idempotent producer fields from kcat", () => {
  const { batches } = splitBatches(testdata("kcat_segment.log.bin"));
  const h = validateBatch(batches[3]);
  assertEquals([h.producerId, h.producerEpoch, h.baseSequence], [4, 0, 0]);
});

Deno.test("record batch: gzip batch from kcat decodes via readRecords", async () => {
  const [batch] = splitBatches(testdata("kcat_gzip_segment.log.bin")).batches;
  const h = validateBatch(batch);
  assertEquals([h.compression, h.recordsCount, h.lastOffsetDelta], [1, 20, 19]);
  assertThrows(() => [...iterateRecords(batch)], UnsupportedCompressionError);
  const records = await readRecords(batch);
  assertEquals(records.length, 20);
  assertEquals([text(records[19].key), text(records[19].value)], [
    "k20",
    "value value value value 20",
  ]);
});

Deno.test("record batch: transactional batches and COMMIT markers from the Java client", () => {
  const { batches } = splitBatches(testdata("java_txn_segment.log.bin"));
  const headers = batches.map(validateBatch);
  assertEquals(headers.map((h) => [h.baseOffset, h.isTransactional, h.isControl]), [
    [0, true, false],
    [1, true, false],
    [2, true, true],
    [3, true, false],
    [5, true, true],
  ]);
  const [marker] = [...iterateRecords(batches[2])];
  assertEquals(parseControlRecord(marker), { type: "commit", coordinatorEpoch: 0 });
  assertEquals([headers[2].producerId, headers[2].baseSequence], [5, -1]);
});

Deno.test("record batch: rebuilding the kcat batch gives identical bytes", () => {
  const { batches } = splitBatches(testdata("kcat_segment.log.bin"));
  for (const original of batches) {
    const h = validateBatch(original);
    const rebuilt = buildRecordBatch([...iterateRecords(original)], {
      baseOffset: h.baseOffset,
      partitionLeaderEpoch: h.partitionLeaderEpoch,
      baseTimestamp: h.baseTimestamp,
      maxTimestamp: h.maxTimestamp,
      producerId: h.producerId,
      producerEpoch: h.producerEpoch,
      baseSequence: h.baseSequence,
    });
    assertEquals(rebuilt, original);
  }
});

Deno.test("record batch: build -> parse round trip with nulls, headers and gaps", () => {
  const batch = buildRecordBatch([
    { timestamp: 1000, key: bytes("a"), value: null, headers: [{ key: "h", value: null }] },
    { timestamp: 900, offsetDelta: 5, key: null, value: bytes("v") },
  ], { baseOffset: 42, lastOffsetDelta: 7, producerId: 9, producerEpoch: 2, baseSequence: 11 });
  const h = validateBatch(batch);
  assertEquals([h.baseOffset, h.lastOffsetDelta, h.baseTimestamp, h.maxTimestamp], [
    42,
    7,
    1000,
    1000,
  ]);
  assertEquals([h.producerId, h.producerEpoch, h.baseSequence, h.recordsCount], [9, 2, 11, 2]);
  const records = [...iterateRecords(batch)];
  assertEquals(records.map((r) => [r.offset, r.timestamp, text(r.key), text(r.value)]), [
    [42, 1000, "a", null],
    [47, 900, null, "v"],
  ]);
  assertEquals(records[0].headers, [{ key: "h", value: null }]);
});

Deno.test("record batch: control batch round trip", () => {
  const batch = buildControlBatch({
    type: "abort",
    producerId: 7,
    producerEpoch: 3,
    coordinatorEpoch: 12,
    timestamp: 5,
  });
  const h = validateBatch(batch);
  assertEquals([h.isControl, h.isTransactional, h.attributes, h.baseSequence], [
    true,
    true,
    0x30,
    -1,
  ]);
  assertEquals(parseControlRecord([...iterateRecords(batch)][0]), {
    type: "abort",
    coordinatorEpoch: 12,
  });
});

Deno.test("record batch: baseOffset and leader epoch rewrites keep the CRC valid", () => {
  const batch = buildRecordBatch([{ timestamp: 1, value: bytes("x") }]);
  setBaseOffset(batch, 2 ** 40 + 3);
  setPartitionLeaderEpoch(batch, 7);
  const h = validateBatch(batch);
  assertEquals([h.baseOffset, h.partitionLeaderEpoch], [2 ** 40 + 3, 7]);
  assertEquals([...iterateRecords(batch)][0].offset, 2 ** 40 + 3);
});

Deno.test("record batch: setLogAppendTime sets bit 3 and maxTimestamp with a new CRC", () => {
  const batch = buildRecordBatch([{ timestamp: 1, value: bytes("x") }]);
  setLogAppendTime(batch, 99);
  const h = validateBatch(batch);
  assertEquals([h.timestampType, h.maxTimestamp], ["logAppend", 99]);
});

Deno.test("record batch: every single-bit flip in the CRC-covered region is detected", () => {
  const [original] = splitBatches(testdata("kcat_segment.log.bin")).batches;
  for (let i = 21; i < original.length; i++) {
    const copy = original.slice();
    copy[i] ^= 1 << (i % 8);
    const e = assertThrows(() => validateBatch(copy), CorruptBatchError);
    assertEquals(e.reason, "bad-crc", `flipped byte ${i}`);
  }
});

Deno.test("record batch: bad magic, length and truncation are typed errors", () => {
  const good = buildRecordBatch([{ timestamp: 1, value: bytes("x") }]);
  const reasons = (b: Uint8Array) => assertThrows(() => validateBatch(b), CorruptBatchError).reason;
  const magic = good.slice();
  magic[16] = 1;
  assertEquals(reasons(magic), "bad-magic");
  assertEquals(reasons(good.subarray(0, 40)), "too-short");
  assertEquals(reasons(good.subarray(0, good.length - 1)), "bad-length");
  assertEquals(batchSizeAt(good), good.length);
  assertEquals(batchSizeAt(good.subarray(0, 5)), -1);
  assertEquals(splitBatches(good.subarray(0, good.length - 1)).trailingBytes, good.length - 1);
});

Deno.test("record batch: malformed record body is a bad-record error", () => {
  const batch = buildRecordBatch([{ timestamp: 1, key: bytes("k"), value: bytes("v") }]);
  batch[61] = 0x7e; // record length 63: overruns the batch
  assertThrows(() => [...iterateRecords(batch)], CorruptBatchError, "bad-record");
});

Deno.test("record batch: corrupt gzip body is a CorruptBatchError", async () => {
  const [batch] = splitBatches(testdata("kcat_gzip_segment.log.bin")).batches;
  const copy = batch.slice();
  copy.fill(0x55, 70, 120);
  await assertRejects(() => readRecords(copy), CorruptBatchError);
  assertEquals(readBatchHeader(copy).recordsCount, 20);
});

Deno.test("record batch: producer rules reject empty, gapped and control batches", () => {
  const reason = (b: Uint8Array, allowControl = false) =>
    assertThrows(() => validateProducedBatch(b, allowControl), CorruptBatchError);
  const empty = reason(buildRecordBatch([]));
  assertEquals([empty.reason, empty.kafkaErrorCode], ["bad-count", 87]);
  const gapped = buildRecordBatch([{ timestamp: 1 }], { lastOffsetDelta: 3 });
  assertEquals(validateBatch(gapped).lastOffsetDelta, 3, "fine for stored (compacted) batches");
  assertEquals(reason(gapped).reason, "bad-count");
  const marker = buildControlBatch({
    type: "commit",
    producerId: 1,
    producerEpoch: 0,
    timestamp: 1,
  });
  assertEquals(reason(marker).reason, "control-batch");
  assertEquals(validateProducedBatch(marker, true).isControl, true);
  const [kcat] = splitBatches(testdata("kcat_segment.log.bin")).batches;
  assertEquals(validateProducedBatch(kcat).recordsCount, 1);
  const crc = kcat.slice();
  crc[70] ^= 1;
  assertEquals(reason(crc).kafkaErrorCode, 2);
});
