import { assert, assertEquals, assertRejects } from "@std/assert";
import { freePort } from "@iot/testing";
import { quietAdmin } from "./quiet_admin.ts";

Deno.test("quietAdmin: a refused connection is the reason, and librdkafka prints nothing", async () => {
  const printed: unknown[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => printed.push(args);
  try {
    // Nothing listens on a port freePort() just released: every connection is refused.
    await using quiet = quietAdmin({ "bootstrap.servers": `127.0.0.1:${freePort()}` });
    const error = await assertRejects(() => quiet.admin.listTopics({ timeoutMs: 1_500 }));
    const reason = quiet.reason(error);
    assert(/refused/i.test(reason), reason);
    assert(reason !== (error as Error).message, "the client error, not the request's timeout");
  } finally {
    console.warn = warn;
  }
  assertEquals(printed, []);
});
