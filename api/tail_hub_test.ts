import { assertEquals, assertLess } from "@std/assert";
import { waitFor } from "@iot/testing";
import { TailHub } from "./tail_hub.ts";

/** A store of numbered events; the cursor of event i is "e<i>", the empty head is "start". */
function fakeStore(initial = 0) {
  const events: number[] = Array.from({ length: initial }, (_, i) => i);
  let reads = 0;
  const read = (cursor: string | undefined) => {
    reads++;
    const from = cursor === undefined
      ? events.length
      : cursor === "start"
      ? 0
      : Number(cursor.slice(1)) + 1;
    const out = events.slice(from, from + 4).map((v) => ({ cursor: `e${v}`, value: v }));
    const last = from - 1;
    const cursorAfter = out.length ? out[out.length - 1].cursor : last < 0 ? "start" : `e${last}`;
    return Promise.resolve({ events: out, cursor: cursorAfter });
  };
  return { events, read, reads: () => reads };
}

async function collect(hub: TailHub<number>, cursor: string | undefined, until: number) {
  const abort = new AbortController();
  const got: number[] = [];
  const it = hub.follow(cursor, abort.signal);
  await it.next();
  const done = (async () => {
    for await (const batch of it) {
      got.push(...batch.map((e) => e.value));
      if (got.length >= until) abort.abort();
    }
  })();
  return { got, done, abort };
}

Deno.test("TailHub: many followers share one poller and each gets every event in order", async () => {
  const store = fakeStore(3);
  let idle = 0;
  const hub = new TailHub({ read: store.read, intervalMs: 5, onIdle: () => idle++ });
  const followers = await Promise.all(
    Array.from({ length: 100 }, () => collect(hub, undefined, 10)),
  );
  const readsBefore = store.reads();
  for (let i = 3; i < 13; i++) store.events.push(i);
  await Promise.all(followers.map((f) => f.done));
  for (const f of followers) assertEquals(f.got, [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  // One poller: a few reads per tick, not one per follower.
  assertLess(store.reads() - readsBefore, 60);
  assertEquals(idle, 1);
  assertEquals(hub.subscribers, 0);
});

Deno.test("TailHub: a follower resuming behind the log catches up from the store", async () => {
  const store = fakeStore(10);
  const hub = new TailHub({ read: store.read, intervalMs: 5, capacity: 3 });
  const live = await collect(hub, undefined, 8);
  for (let i = 10; i < 18; i++) store.events.push(i); // the log keeps only the last 3
  await waitFor(() => live.got.length >= 8);
  const resumed = await collect(hub, "e1", 17);
  store.events.push(18);
  await live.done;
  await resumed.done;
  assertEquals(resumed.got, Array.from({ length: 17 }, (_, i) => i + 2));
});
