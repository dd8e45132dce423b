import { assert, assertEquals } from "@std/assert";
import { AppendSignal } from "./append_signal.ts";

Deno.test("AppendSignal wakes waiters of the appended partition only", async () => {
  const n = new AppendSignal();
  const a = n.wait([["t", 0]], 10_000);
  const b = n.wait([["t", 1]], 30);
  assertEquals(n.waitingPartitions, 2);
  n.notify("t", 0);
  assertEquals(await a, true);
  assertEquals(await b, false); // timed out
  assertEquals(n.waitingPartitions, 0);
});

Deno.test("AppendSignal wait ends on abort and cleans up", async () => {
  const n = new AppendSignal();
  const ctl = new AbortController();
  const w = n.wait([["t", 0], ["u", 3]], 10_000, ctl.signal);
  ctl.abort();
  assertEquals(await w, false);
  assertEquals(n.waitingPartitions, 0);
  assertEquals(await n.wait([["t", 0]], 10_000, ctl.signal), false); // already aborted
  assertEquals(await n.wait([["t", 0]], 0), false);
  n.notify("nobody", 0); // no waiters: no-op
  assert(true);
});
