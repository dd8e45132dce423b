import { assert, assertEquals } from "@std/assert";
import { consumerRecord, RecordingOutput } from "./job_test_util.ts";
import { keyPartition } from "./key_partitioner.ts";
import { FUTURE_TIMESTAMP, readingsByDeviceJob } from "./readings_by_device.ts";

const P = 4;
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const config = { input: "in", output: "by-device", deadLetter: "dlq", partitions: P };
const reading = (deviceId: string, ts: number, temperature = 21.5) => ({
  deviceId,
  ts: new Date(ts).toISOString(),
  temperature,
  humidity: 40,
});
const key = (r: { key?: Uint8Array | string | null }) =>
  typeof r.key === "string" ? r.key : new TextDecoder().decode(r.key!);

Deno.test("readings-by-device: every reading goes to its device's partition, keyed by deviceId", () => {
  const task = readingsByDeviceJob({ ...config, now: () => NOW }).createTask("in", 0);
  const home = keyPartition("dev-7", P);
  const elsewhere = (home + 1) % P;
  const out = new RecordingOutput();
  // Keyless, wrongly keyed, rightly keyed on the wrong partition (kcat's default partitioner),
  // and rightly keyed and placed.
  const inputs = [
    consumerRecord(reading("dev-7", NOW - 4_000), { key: null, partition: elsewhere }),
    consumerRecord(reading("dev-7", NOW - 3_000), { key: "gateway-1", partition: elsewhere }),
    consumerRecord(reading("dev-7", NOW - 2_000), { key: "dev-7", partition: elsewhere }),
    consumerRecord(reading("dev-7", NOW - 1_000), { key: "dev-7", partition: home }),
  ];
  for (const record of inputs) task.process(record, out);
  assertEquals(out.deadLetters, []);
  assertEquals(out.emitted.map((r) => [r.topic, r.partition, key(r)]), [
    ["by-device", home, "dev-7"],
    ["by-device", home, "dev-7"],
    ["by-device", home, "dev-7"],
    ["by-device", home, "dev-7"],
  ]);
  // Event time travels in the payload; the record is stamped with processing time (retention).
  assertEquals(out.emitted.map((r) => r.timestamp), [NOW, NOW, NOW, NOW]);
  assertEquals(
    out.values("by-device").map((v) => v.ts),
    [4_000, 3_000, 2_000, 1_000].map((d) => new Date(NOW - d).toISOString()),
  );
  assertEquals(out.values("by-device")[0], reading("dev-7", NOW - 4_000));
});

Deno.test("readings-by-device: a far-future reading is dead-lettered and never moves the watermark", () => {
  let now = NOW;
  const task = readingsByDeviceJob({ ...config, maxFutureMs: 60_000, now: () => now })
    .createTask("in", 0);
  const out = new RecordingOutput();
  task.process(consumerRecord(reading("d", NOW - 1_000), { key: "d" }), out);
  const watermark = task.watermarkMs();
  task.process(consumerRecord(reading("d", NOW + 86_400_000), { key: "d", offset: 1 }), out);
  assertEquals(task.watermarkMs(), watermark);
  assertEquals(out.deadLetters.length, 1);
  assertEquals(out.deadLetters[0].record.offset, 1);
  assertEquals(out.deadLetters[0].reason.code, FUTURE_TIMESTAMP);
  assert(out.deadLetters[0].reason.message.includes("maxFutureMs 60000"));
  // Up to the bound ahead is fine; the wall clock moves on, so is a reading that was ahead.
  task.process(consumerRecord(reading("d", NOW + 60_000), { key: "d", offset: 2 }), out);
  now += 120_000;
  task.process(consumerRecord(reading("d", NOW + 150_000), { key: "d", offset: 3 }), out);
  assertEquals(out.deadLetters.length, 1);
  assertEquals(out.emitted.length, 3);
});

Deno.test("readings-by-device: unreadable readings are dead-lettered with their reason", () => {
  const task = readingsByDeviceJob(config).createTask("in", 0);
  const out = new RecordingOutput();
  task.process(consumerRecord("{not json"), out);
  task.process(consumerRecord({ deviceId: "d", ts: "x", humidity: 150 }, { offset: 1 }), out);
  assertEquals(out.deadLetters.map((d) => d.reason.code), ["invalid-json", "schema"]);
  assertEquals(out.emitted, []);
});

Deno.test("readings-by-device: canonical bytes are forwarded as received, other forms re-encoded canonical", () => {
  const task = readingsByDeviceJob({ ...config, now: () => NOW }).createTask("in", 0);
  const out = new RecordingOutput();
  const canonical = consumerRecord(reading("dev-1", NOW - 1_000), { key: "dev-1" });
  const legacy = consumerRecord(
    { device_id: "dev-1", timestamp: NOW - 500, temperature: 21.50, humidity: 40 },
    { key: "dev-1", offset: 1 },
  );
  const spaced = consumerRecord(JSON.stringify(reading("dev-1", NOW - 250), null, 1), {
    key: "dev-1",
    offset: 2,
  });
  for (const record of [canonical, legacy, spaced]) task.process(record, out);
  assertEquals(out.deadLetters, []);
  const values = out.emitted.map((r) => r.value as Uint8Array);
  assert(values[0] === canonical.value, "the canonical reading's bytes are forwarded");
  const text = (v: Uint8Array) => new TextDecoder().decode(v);
  assertEquals(text(values[1]), JSON.stringify(reading("dev-1", NOW - 500)));
  assertEquals(text(values[2]), JSON.stringify(reading("dev-1", NOW - 250)));
});
