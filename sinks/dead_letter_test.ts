import { assertEquals } from "@std/assert";
import { deadLetterRecord } from "@iot/events";
import type { ConsumerRecord, ProducerRecord } from "@iot/kafka";
import { decodeRecord } from "./decode.ts";
import { sendDeadLetters } from "./dead_letter.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

const bad: ConsumerRecord = {
  topic: "readings",
  partition: 1,
  offset: 42,
  key: bytes("k"),
  value: bytes("not json"),
  timestamp: 1_700_000_000_000,
  timestampType: "create",
  headers: [["trace", bytes("t1")]],
};

Deno.test("deadLetterRecord (@iot/events): what the runner sends, decode reads back as a DeadLetter row", () => {
  const failure = { code: "invalid-json", reason: "value is not JSON" };
  const dead = deadLetterRecord(bad, failure, { topic: "dlq", job: "sink-a" });
  assertEquals(dead.topic, "dlq");
  assertEquals(dead.key, bad.key);
  assertEquals(dead.value, bad.value);
  assertEquals(dead.timestamp, bad.timestamp);
  // deadLetterRecord builds the headers as an array of pairs.
  const headers = dead.headers as Array<[string, string | Uint8Array | null]>;
  assertEquals(headers[0], ["trace", bytes("t1")]);
  // Consumed back from the dead-letter topic, the headers become the DeadLetter row's fields.
  const consumed: ConsumerRecord = {
    ...bad,
    topic: "dlq",
    offset: 0,
    headers: headers.map(([n, v]) => [n, typeof v === "string" ? bytes(v) : v]),
  };
  const row = decodeRecord("dead-letter", consumed);
  assertEquals(row.ok && row.record.kind === "dead-letter" && row.record.value, {
    payload: bad.value!,
    reason: "value is not JSON",
    code: "invalid-json",
    sourceTopic: "readings",
    sourcePartition: 1,
    sourceOffset: 42,
    job: "sink-a",
  });
  const untimed = deadLetterRecord({ ...bad, timestamp: -1 }, failure, { topic: "dlq", job: "j" });
  assertEquals("timestamp" in untimed, false, "no timestamp when the record had none");
});

Deno.test("sendDeadLetters: retries a failing send with doubling delays; a stop gives false", async () => {
  const sent: ProducerRecord[][] = [];
  let failures = 2;
  const output = {
    sendAll: (records: readonly ProducerRecord[]) => {
      if (failures-- > 0) return Promise.reject(new Error("broker gone"));
      sent.push([...records]);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
  const record = deadLetterRecord(bad, { code: "c", reason: "r" }, { topic: "dlq", job: "j" });
  const reported: [string, number][] = [];
  const options = {
    retryMs: 1,
    maxRetryMs: 10,
    signal: new AbortController().signal,
    onFailure: (error: string, retryInMs: number) => reported.push([error, retryInMs]),
  };
  assertEquals(await sendDeadLetters(output, [record], options), true);
  assertEquals(sent, [[record]]);
  assertEquals(reported, [["broker gone", 1], ["broker gone", 2]]);
  assertEquals(await sendDeadLetters(output, [], options), true, "nothing to send");
  const stop = new AbortController();
  failures = 1;
  const stopped = await sendDeadLetters(output, [record], {
    ...options,
    signal: stop.signal,
    onFailure: () => stop.abort(),
  });
  assertEquals(stopped, false);
  assertEquals(sent.length, 1, "not sent once stopped");
});
