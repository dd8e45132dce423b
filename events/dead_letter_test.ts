import { assertEquals } from "@std/assert";
import { deadLetterHeaderNames, deadLetterRecord, type RejectedRecord } from "./dead_letter.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

const rejected: RejectedRecord = {
  topic: "sensor-readings",
  partition: 2,
  offset: 41,
  key: bytes("climate-0001"),
  value: bytes("{"),
  timestamp: 1_700_000_000_000,
  headers: [["trace", bytes("t1")], ["empty", null]],
};

Deno.test("deadLetterRecord: the rejected record unchanged, then why, where and by whom", () => {
  const dead = deadLetterRecord(rejected, { code: "invalid-json", reason: "not JSON" }, {
    topic: "dead-letter",
    job: "device-aggregates",
  });
  // Reference written out by hand from the header table.
  assertEquals(dead, {
    topic: "dead-letter",
    key: rejected.key,
    value: rejected.value,
    timestamp: 1_700_000_000_000,
    headers: [
      ["trace", bytes("t1")],
      ["empty", null],
      ["dlq-reason", "not JSON"],
      ["dlq-reason-code", "invalid-json"],
      ["dlq-source-topic", "sensor-readings"],
      ["dlq-source-partition", "2"],
      ["dlq-source-offset", "41"],
      ["dlq-job", "device-aggregates"],
    ],
  });
  assertEquals(dead.headers.slice(2).map(([n]) => n), Object.values(deadLetterHeaderNames));
});

Deno.test("deadLetterRecord: no timestamp when the record had none; the input is not changed", () => {
  const dead = deadLetterRecord({ ...rejected, timestamp: -1 }, { code: "c", reason: "r" }, {
    topic: "dlq",
    job: "j",
  });
  assertEquals("timestamp" in dead, false);
  assertEquals(
    rejected.headers.length,
    2,
    "the rejected record's headers are copied, not pushed to",
  );
});
