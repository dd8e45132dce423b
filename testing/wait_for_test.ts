import { assertEquals, assertRejects } from "@std/assert";
import { delay, waitFor } from "./wait_for.ts";

Deno.test("waitFor() resolves once the condition holds", async () => {
  let polls = 0;
  await waitFor(() => ++polls === 3, { intervalMs: 1 });
  assertEquals(polls, 3);
});

Deno.test("waitFor() accepts async conditions", async () => {
  let ready = false;
  setTimeout(() => ready = true, 5);
  await waitFor(() => Promise.resolve(ready), { intervalMs: 1, timeoutMs: 1_000 });
});

Deno.test("waitFor() rejects with the message after the timeout", async () => {
  await assertRejects(
    () => waitFor(() => false, { timeoutMs: 20, intervalMs: 5, message: "the moon" }),
    Error,
    "Timed out after 20 ms waiting for the moon",
  );
});

Deno.test("waitFor() rejects with the condition's error", async () => {
  await assertRejects(
    () =>
      waitFor(() => {
        throw new RangeError("broken");
      }),
    RangeError,
    "broken",
  );
});

Deno.test("waitFor() stops when the signal aborts", async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error("cancelled")), 5);
  await assertRejects(
    () => waitFor(() => false, { signal: controller.signal, intervalMs: 1_000 }),
    Error,
    "cancelled",
  );
});

Deno.test("waitFor() rejects bad options", async () => {
  await assertRejects(() => waitFor(() => true, { intervalMs: 0 }), RangeError, "intervalMs");
  await assertRejects(() => waitFor(() => true, { timeoutMs: -1 }), RangeError, "timeoutMs");
});

Deno.test("delay() rejects at once when already aborted", async () => {
  await assertRejects(() => delay(10_000, AbortSignal.abort(new Error("no"))), Error, "no");
});
