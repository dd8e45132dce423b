import { assertEquals } from "@std/assert";
import { deadLetterHeaderNames } from "@iot/events";
import { FakeKafka, FakeProducer, readAll } from "@iot/kafka/testing";
import { waitFor } from "@iot/testing";
import { fakeSinkClients, MemoryWriter } from "./fake_kafka_test_util.ts";
import { SinkRunner } from "./runner.ts";
import { sampleRecord } from "./writer_contract_test_util.ts";

const text = new TextDecoder();

Deno.test("SinkRunner: each kind of bad record goes to the dead-letter topic with its reason and source; the rest is written", async () => {
  const kafka = new FakeKafka();
  kafka.createTopic("readings", 1);
  kafka.createTopic("dlq", 1);
  const writer = new MemoryWriter();
  writer.refuse = (r) => r.kind === "climate-reading" && r.value.deviceId === "refused";
  const good = (n: number) => JSON.stringify(sampleRecord("climate-reading", n).value);
  const refused = JSON.stringify({
    ...sampleRecord("climate-reading", 9).value,
    deviceId: "refused",
  });
  await using producer = new FakeProducer(kafka);
  await producer.sendAll([
    { topic: "readings", key: "d0", value: good(0) },
    { topic: "readings", key: "d1", value: "{not json", headers: { "trace-id": "t1" } },
    { topic: "readings", key: "d1", value: good(1) },
    { topic: "readings", key: "d2", value: '{"deviceId":"d2"}' },
    { topic: "readings", key: "refused", value: refused },
    { topic: "readings", key: "d2", value: good(2) },
    { topic: "readings", key: "d3", value: null },
  ]);
  const abort = new AbortController();
  const sink = new SinkRunner({
    name: "sink-bad-input",
    clients: fakeSinkClients(kafka),
    routes: [{ topic: "readings", kind: "climate-reading" }],
    writer,
    deadLetterTopic: "dlq",
    lingerMs: 5,
  });
  const running = sink.run(abort.signal);
  await waitFor(() => kafka.committedOffset("sink-bad-input", "readings", 0) === 7, {
    message: "7 offsets committed",
  });
  const status = await sink.status();
  abort.abort();
  await running;
  assertEquals(writer.rows.size, 3, "the good records of the batch are written");
  assertEquals(status.deadLetters, 4);
  const h = deadLetterHeaderNames;
  const dead = readAll(kafka, "dlq").map((r) => {
    const headers = Object.fromEntries(r.headers.map(([k, v]) => [k, v && text.decode(v)]));
    return {
      key: r.key && text.decode(r.key),
      code: headers[h.code],
      source: `${headers[h.topic]}/${headers[h.partition]}/${headers[h.offset]}`,
      job: headers[h.job],
      hasReason: (headers[h.reason] ?? "").length > 0,
    };
  });
  const expect = (key: string, code: string, offset: number) => ({
    key,
    code,
    source: `readings/0/${offset}`,
    job: "sink-bad-input",
    hasReason: true,
  });
  assertEquals(dead, [
    expect("d1", "invalid-json", 1),
    expect("d2", "schema", 3),
    expect("d3", "tombstone", 6),
    expect("refused", "rejected-by-store", 4),
  ]);
  // The original record travels unchanged: its value and its own headers.
  const first = readAll(kafka, "dlq")[0];
  assertEquals(text.decode(first.value!), "{not json");
  assertEquals(first.headers[0][0], "trace-id");
});
