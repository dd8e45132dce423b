import { assertEquals, assertThrows } from "@std/assert";
import { parseCli, UsageError } from "@iot/service";
import { apiCli, kafkaConfigOf } from "./options.ts";

const files: Record<string, string> = {
  "/etc/iot/kafka.properties": "security.protocol=SASL_SSL\nsasl.password=s3cret\n",
  "/etc/iot/broken.properties": "sasl.password s3cret\n",
};
const readFile = (path: string) => {
  if (path in files) return files[path];
  throw new Error(`no such file: ${path}`);
};

function config(args: string[], env: Record<string, string> = {}) {
  const parsed = parseCli(apiCli, { args, env, readFile });
  if (parsed.help) throw new Error("unexpected help");
  return kafkaConfigOf(parsed, readFile);
}

Deno.test("api: --kafka-properties and API_KAFKA_PROPERTIES load the file for every client", () => {
  const expected = { "security.protocol": "SASL_SSL", "sasl.password": "s3cret" };
  assertEquals(config(["--kafka-properties", "/etc/iot/kafka.properties"]), expected);
  assertEquals(config([], { API_KAFKA_PROPERTIES: "/etc/iot/kafka.properties" }), expected);
  assertEquals(config([]), {});
});

Deno.test("api: a bad --kafka-properties file is one line naming its source, never its text", () => {
  const e = assertThrows(
    () => config(["--kafka-properties", "/etc/iot/broken.properties"]),
    UsageError,
  );
  assertEquals(e.message, "--kafka-properties: /etc/iot/broken.properties:1: expected key=value");
  const missing = assertThrows(
    () => config([], { API_KAFKA_PROPERTIES: "/nope" }),
    UsageError,
  );
  assertEquals(missing.message.startsWith("API_KAFKA_PROPERTIES: cannot read /nope"), true);
  assertEquals(missing.message.includes("s3cret"), false);
});

Deno.test("api: --help lists --kafka-properties", () => {
  const parsed = parseCli(apiCli, { args: ["--help"] });
  assertEquals(parsed.help && parsed.text.includes("--kafka-properties FILE"), true);
});
