import { assert, assertEquals, assertRejects } from "@std/assert";
import { KafkaError } from "./errors.ts";
import { waitForKafka } from "./wait.ts";

function unusedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

Deno.test("waitForKafka gives up with one error naming the address, after one waiting line", async () => {
  const bootstrap = `127.0.0.1:${unusedPort()}`;
  const lines: string[] = [];
  const started = Date.now();
  const error = await assertRejects(
    () => waitForKafka({ bootstrap, timeoutMs: 400, log: (l) => lines.push(l) }),
    KafkaError,
  );
  assert(error.message.startsWith(`Kafka at ${bootstrap} did not answer within 400 ms`));
  assert(Date.now() - started < 3_000);
  assertEquals(lines, [`waiting for Kafka at ${bootstrap}…`]);
});

Deno.test("waitForKafka stops when its signal aborts", async () => {
  const controller = new AbortController();
  const waiting = waitForKafka({
    bootstrap: `127.0.0.1:${unusedPort()}`,
    signal: controller.signal,
  });
  controller.abort(new Error("stopping"));
  await assertRejects(() => waiting, Error, "stopping");
});
