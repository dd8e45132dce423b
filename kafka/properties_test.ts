import { assertEquals, assertThrows } from "@std/assert";
import { parseClientProperties } from "./properties.ts";

Deno.test("client properties: key=value lines, comments and blanks skipped, values may hold '='", () => {
  const text = "# SASL over TLS\nsecurity.protocol = SASL_SSL\n\n! legacy comment\n" +
    "sasl.password=a=b\r\nssl.ca.location=/etc/ca.pem\n";
  assertEquals(parseClientProperties(text), {
    "security.protocol": "SASL_SSL",
    "sasl.password": "a=b",
    "ssl.ca.location": "/etc/ca.pem",
  });
  assertThrows(
    () => parseClientProperties("ok=1\nnot a pair", "f.properties"),
    TypeError,
    "f.properties:2",
  );
});
