import { ErrorCode } from "../protocol/mod.ts";
import { assertEquals } from "@std/assert";
import type { RecordBatchHeader } from "../records/mod.ts";
import { header } from "./header_test_util.ts";
import {
  appendBatch,
  checkSequence,
  incrementSequence,
  MAX_SEQUENCE,
  type PartitionProducerState,
} from "./sequence.ts";

function run(batches: RecordBatchHeader[]): PartitionProducerState | undefined {
  let state: PartitionProducerState | undefined;
  let offset = 0;
  for (const b of batches) {
    state = appendBatch(state, b, offset, 0);
    offset += b.lastOffsetDelta + 1;
  }
  return state;
}

Deno.test("sequence: in-order batches append, retries of the last five are duplicates", () => {
  const batches = [0, 3, 6, 9, 12, 15].map((s) => header(0, s, 3));
  const state = run(batches);
  assertEquals(checkSequence(state, header(0, 18, 2)), { kind: "append" });
  assertEquals(checkSequence(state, header(0, 6, 3)), { kind: "duplicate", baseOffset: 6 });
  assertEquals(checkSequence(state, header(0, 15, 3)), { kind: "duplicate", baseOffset: 15 });
  // The oldest batch left the window: it is now simply out of order.
  assertEquals(checkSequence(state, header(0, 0, 3)), {
    kind: "error",
    errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
  });
  assertEquals(checkSequence(state, header(0, 19, 1)).kind, "error");
  assertEquals(checkSequence(state, header(0, 6, 2)).kind, "error");
});

Deno.test("sequence: epochs fence old producers and a new epoch restarts at 0", () => {
  const state = run([header(3, 0, 2)]);
  assertEquals(checkSequence(state, header(2, 2)), {
    kind: "error",
    errorCode: ErrorCode.INVALID_PRODUCER_EPOCH,
  });
  assertEquals(checkSequence(state, header(4, 0)), { kind: "append" });
  assertEquals(checkSequence(state, header(4, 5)).kind, "error");
  assertEquals(checkSequence(state, header(3, 2), 4), {
    kind: "error",
    errorCode: ErrorCode.INVALID_PRODUCER_EPOCH,
  });
  assertEquals(appendBatch(state, header(4, 0), 9, 1).batches, [
    { firstSeq: 0, lastSeq: 0, baseOffset: 9 },
  ]);
});

Deno.test("sequence: unknown producers are accepted at any sequence; wrap at int32 max", () => {
  assertEquals(checkSequence(undefined, header(0, 42)), { kind: "append" });
  assertEquals(incrementSequence(MAX_SEQUENCE - 1, 3), 1);
  const state = run([header(0, MAX_SEQUENCE - 1, 2)]);
  assertEquals(state!.batches[0].lastSeq, MAX_SEQUENCE);
  assertEquals(checkSequence(state, header(0, 0)), { kind: "append" });
  const wrapped = run([header(0, MAX_SEQUENCE, 3)]);
  assertEquals(wrapped!.batches[0].lastSeq, 1);
  assertEquals(checkSequence(wrapped, header(0, 2)), { kind: "append" });
  assertEquals(checkSequence(undefined, header(0, 0, 1, -1)), { kind: "append" });
});
