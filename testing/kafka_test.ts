import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertStringIncludes,
} from "@std/assert";
import { sharedKafka } from "./kafka.ts";
import { findKafkaRuntime, randomClusterId, serverProperties } from "./kafka_runtime.ts";
import { freePort } from "./net.ts";

Deno.test("sharedKafka() wraps a reachable broker without lifecycle control", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept().then((conn) => conn.close());
  const bootstrap = `127.0.0.1:${(listener.addr as Deno.NetAddr).port}`;
  await using kafka = await sharedKafka(bootstrap);
  await accepted;
  assertEquals(kafka.bootstrap, bootstrap);
  await assertRejects(() => kafka.stop(), Error, "pass { dedicated: true }");
  await assertRejects(() => kafka.start(), Error, "Cannot start the shared Kafka");
});

Deno.test("sharedKafka() fails loudly when nothing listens", async () => {
  await assertRejects(
    () => sharedKafka(`127.0.0.1:${freePort()}`),
    Error,
    "refuses connections",
  );
});

Deno.test("findKafkaRuntime() tells to run scripts/setup.sh when jars are missing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assertRejects(() => findKafkaRuntime(dir), Error, "run scripts/setup.sh");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serverProperties() binds only 127.0.0.1 with single-node settings", () => {
  const text = serverProperties({ port: 1, controllerPort: 2, logDirs: "/d" });
  assertStringIncludes(text, "listeners=PLAINTEXT://127.0.0.1:1,CONTROLLER://127.0.0.1:2\n");
  assertStringIncludes(text, "controller.quorum.voters=1@127.0.0.1:2\n");
  assertStringIncludes(text, "offsets.topic.replication.factor=1\n");
  assertStringIncludes(text, "group.initial.rebalance.delay.ms=0\n");
  for (const line of text.split("\n").filter((l) => l.includes("://"))) {
    assert(!/\/\/(?!127\.0\.0\.1)/.test(line), line);
  }
});

Deno.test("randomClusterId() is 22 base64url characters not starting with '-'", () => {
  for (let i = 0; i < 100; i++) assertMatch(randomClusterId(), /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
});
