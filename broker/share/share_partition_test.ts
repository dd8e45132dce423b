import { assertEquals } from "@std/assert";
import { ErrorCode } from "../protocol/mod.ts";
import { AckType, RecordState, SharePartition } from "./share_partition.ts";

const LOCK = 30_000;

Deno.test("acquire hands out new records once, locked to one member", () => {
  const sp = new SharePartition(0);
  assertEquals(sp.acquire("a", 0, LOCK, 10, 5), [{ first: 0, last: 4, deliveryCount: 1 }]);
  // Nothing is available for b until a acknowledges or its lock expires.
  assertEquals(sp.acquire("b", 1, LOCK, 10, 5), []);
  assertEquals(sp.acquire("b", 1, LOCK, 10, 8), [{ first: 5, last: 7, deliveryCount: 1 }]);
  assertEquals(sp.endOffset, 8);
  assertEquals(sp.startOffset, 0);
});

Deno.test("ACCEPT moves the start offset past the leading acknowledged records", () => {
  const sp = new SharePartition(10);
  sp.acquire("a", 0, LOCK, 10, 20);
  assertEquals(sp.acknowledge("a", 12, 13, [AckType.ACCEPT], 1, LOCK), ErrorCode.NONE);
  assertEquals(sp.startOffset, 10); // 10 and 11 are still acquired
  assertEquals(sp.acknowledge("a", 10, 11, [AckType.ACCEPT, AckType.REJECT], 1, LOCK), 0);
  assertEquals(sp.startOffset, 14);
  assertEquals(sp.doneInFlight, 0);
});

Deno.test("acknowledging records one does not hold is INVALID_RECORD_STATE, all or nothing", () => {
  const sp = new SharePartition(0);
  sp.acquire("a", 0, LOCK, 10, 4);
  assertEquals(
    sp.acknowledge("b", 0, 1, [AckType.ACCEPT], 1, LOCK),
    ErrorCode.INVALID_RECORD_STATE,
  );
  assertEquals(
    sp.acknowledge("a", 2, 5, [AckType.ACCEPT], 1, LOCK),
    ErrorCode.INVALID_RECORD_STATE,
  );
  assertEquals(sp.stateOf(2)?.state, RecordState.ACQUIRED);
  assertEquals(sp.acknowledge("a", 0, 3, [1, 1], 1, LOCK), ErrorCode.INVALID_REQUEST);
  assertEquals(sp.acknowledge("a", 0, 3, [AckType.ACCEPT], 1, LOCK), ErrorCode.NONE);
  assertEquals(
    sp.acknowledge("a", 0, 0, [AckType.ACCEPT], 1, LOCK),
    ErrorCode.INVALID_RECORD_STATE,
  );
});

Deno.test("RELEASE makes a record available again with its delivery count kept", () => {
  const sp = new SharePartition(0);
  sp.acquire("a", 0, LOCK, 10, 3);
  sp.acknowledge("a", 0, 2, [AckType.ACCEPT, AckType.RELEASE, AckType.ACCEPT], 1, LOCK);
  assertEquals(sp.startOffset, 1);
  assertEquals(sp.acquire("b", 2, LOCK, 10, 3), [{ first: 1, last: 1, deliveryCount: 2 }]);
});

Deno.test("an expired acquisition lock releases the records at the time passed in", () => {
  const sp = new SharePartition(0);
  sp.acquire("a", 1000, LOCK, 10, 2);
  assertEquals(sp.expireLocks(1000 + LOCK - 1), false);
  assertEquals(sp.expireLocks(1000 + LOCK), true);
  assertEquals(sp.stateOf(0), { state: RecordState.AVAILABLE, deliveryCount: 1 });
  // The late acknowledgement of the old holder is refused; b now gets them.
  assertEquals(sp.acknowledge("a", 0, 1, [AckType.ACCEPT], 1000 + LOCK, LOCK), 121);
  assertEquals(sp.acquire("b", 40_000, LOCK, 10, 2), [{ first: 0, last: 1, deliveryCount: 2 }]);
  // RENEW extends the lock.
  sp.acknowledge("b", 0, 1, [AckType.RENEW], 60_000, LOCK);
  assertEquals(sp.expireLocks(70_000 + 1), false);
  assertEquals(sp.expireLocks(90_000), true);
});

Deno.test("after max delivery attempts a record is archived, not redelivered", () => {
  const sp = new SharePartition(0, { maxDeliveries: 3 });
  sp.acquire("a", 0, LOCK, 10, 2);
  sp.acknowledge("a", 0, 1, [AckType.ACCEPT, AckType.RELEASE], 1, LOCK);
  assertEquals(sp.startOffset, 1);
  for (let i = 1; i < 3; i++) {
    if (i > 1) sp.acknowledge("a", 1, 1, [AckType.RELEASE], i, LOCK);
    assertEquals(sp.acquire("a", i, LOCK, 10, 2), [{ first: 1, last: 1, deliveryCount: i + 1 }]);
  }
  sp.releaseMember("a"); // third delivery released: archived
  assertEquals(sp.stateOf(1), undefined);
  assertEquals(sp.startOffset, 2);
  assertEquals(sp.acquire("a", 9, LOCK, 10, 2), []);
});

Deno.test("the in-flight limit bounds new acquisitions", () => {
  const sp = new SharePartition(0, { maxInFlight: 4 });
  assertEquals(sp.acquire("a", 0, LOCK, 100, 10), [{ first: 0, last: 3, deliveryCount: 1 }]);
  assertEquals(sp.room, 0);
  sp.acknowledge("a", 0, 1, [AckType.ACCEPT], 1, LOCK);
  assertEquals(sp.acquire("a", 1, LOCK, 100, 10), [{ first: 4, last: 5, deliveryCount: 1 }]);
});

Deno.test("restart: the snapshot keeps acknowledgements and delivery counts, not locks", () => {
  const sp = new SharePartition(5);
  sp.acquire("a", 0, LOCK, 10, 11);
  sp.acknowledge("a", 5, 10, [1, 2, 3, 1, 1, 1], 1, LOCK);
  const snap = JSON.parse(JSON.stringify(sp.snapshot()));
  const back = SharePartition.restore(snap);
  assertEquals(back.startOffset, 6);
  assertEquals(back.endOffset, 11);
  assertEquals(back.stateOf(6), { state: RecordState.AVAILABLE, deliveryCount: 1 });
  assertEquals(back.stateOf(7)?.state, RecordState.ARCHIVED);
  assertEquals(back.stateOf(8)?.state, RecordState.ACKNOWLEDGED);
  // Only the released record is handed out again; then delivery continues at the end offset.
  assertEquals(back.acquire("b", 2, LOCK, 1, 11), [{ first: 6, last: 6, deliveryCount: 2 }]);
  assertEquals(back.acquire("b", 2, LOCK, 5, 13), [{ first: 11, last: 12, deliveryCount: 1 }]);
  assertEquals(back.doneInFlight, 4);
});

Deno.test("retention below the start offset moves it up", () => {
  const sp = new SharePartition(0);
  sp.acquire("a", 0, LOCK, 10, 4);
  assertEquals(sp.clampToLogStart(2), true);
  assertEquals(sp.startOffset, 2);
  assertEquals(sp.clampToLogStart(1), false);
  assertEquals(new SharePartition(0).clampToLogStart(7), true);
});
