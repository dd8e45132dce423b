import { assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { Consumer, ErrorCode, KafkaError, Producer } from "./mod.ts";

Deno.test("an unknown config key fails with an error naming it", () => {
  const error = assertThrows(
    () => new Producer({ config: { "bootstrap.servers": "127.0.0.1:1", "no.such.key": "1" } }),
    KafkaError,
  );
  assertEquals(error.code, ErrorCode.INVALID_ARG);
  assertEquals(error.retriable, false);
  assertStringIncludes(error.message, "no.such.key");
  assertStringIncludes(error.message, "No such configuration property");
});

Deno.test("an invalid config value fails with an error naming the key", () => {
  const error = assertThrows(
    () =>
      new Consumer({
        config: { "bootstrap.servers": "127.0.0.1:1", "group.id": "g", "fetch.max.bytes": "lots" },
      }),
    KafkaError,
  );
  assertStringIncludes(error.message, "fetch.max.bytes");
});

Deno.test("secret config values are not echoed in errors", () => {
  const error = assertThrows(
    () => new Producer({ config: { "sasl.password": "hunter2", "security.protocol": "bogus" } }),
    KafkaError,
  );
  assertStringIncludes(error.message, "security.protocol");
  assertEquals(error.message.includes("hunter2"), false);
});

Deno.test("closing twice is harmless and later calls fail with a state error", async () => {
  const producer = new Producer({
    config: { "bootstrap.servers": "127.0.0.1:1" },
    onLog: () => {},
  });
  await producer.close();
  await producer.close();
  const error = assertThrows(() => producer.beginTransaction(), KafkaError);
  assertEquals(error.code, ErrorCode.STATE);
});

Deno.test("a consumer without group.id fails with an error naming it", () => {
  const error = assertThrows(
    () => new Consumer({ config: { "bootstrap.servers": "127.0.0.1:1" } }),
    KafkaError,
  );
  assertEquals(error.code, ErrorCode.INVALID_ARG);
  assertStringIncludes(error.message, "group.id");
});
