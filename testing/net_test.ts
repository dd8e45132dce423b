import { assertEquals, assertThrows } from "@std/assert";
import { acceptsTcp, freePort, parseBootstrap } from "./net.ts";

Deno.test("freePort() returns a port that can be bound on 127.0.0.1", () => {
  const port = freePort();
  using listener = Deno.listen({ hostname: "127.0.0.1", port });
  assertEquals((listener.addr as Deno.NetAddr).port, port);
});

Deno.test("acceptsTcp() tells a listening port from a closed one", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  const accepted = listener.accept().then((conn) => conn.close());
  assertEquals(await acceptsTcp("127.0.0.1", port), true);
  await accepted;
  listener.close();
  assertEquals(await acceptsTcp("127.0.0.1", port), false);
});

Deno.test("parseBootstrap() takes the first host:port entry", () => {
  assertEquals(parseBootstrap("127.0.0.1:9092"), { hostname: "127.0.0.1", port: 9092 });
  assertEquals(parseBootstrap("a:1, b:2"), { hostname: "a", port: 1 });
  assertEquals(parseBootstrap("[::1]:9092"), { hostname: "::1", port: 9092 });
  assertThrows(() => parseBootstrap("localhost"), TypeError, "host:port");
});
