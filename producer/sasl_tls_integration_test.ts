/**
 * A worker reaches a broker that requires SASL over TLS when given a client properties file:
 * `deno task producer --kafka-properties FILE` against the broker shim with SASL_SSL
 * (SCRAM-SHA-512, certificate from `openssl`) stores every reading; with a wrong password it
 * stores nothing and exits non-zero once its Kafka wait runs out.
 */
import { assertEquals, assertNotEquals } from "@std/assert";
import { startBroker, type TestBroker } from "@iot/broker/testing";
import { saslSslProperties, selfSignedCert } from "@iot/testing";

const main = new URL("./main.ts", import.meta.url).pathname;

function stored(broker: TestBroker, topic: string): number {
  const store = broker.broker!.store;
  const info = store.topic(topic);
  if (!info) return 0;
  let n = 0;
  for (let p = 0; p < info.partitions; p++) n += store.partition(topic, p)!.highWatermark;
  return n;
}

async function produce(broker: TestBroker, properties: string) {
  return await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      main,
      "--bootstrap",
      broker.bootstrap,
      "--kafka-properties",
      properties,
      "--devices",
      "5",
      "--count",
      "50",
      "--seed",
      "7",
      "--rate",
      "max",
      "--no-commands",
      "--kafka-wait-ms",
      "4000",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
}

Deno.test("producer with --kafka-properties reaches a SASL_SSL broker (SCRAM-SHA-512)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sasl-tls-" });
  try {
    const tls = await selfSignedCert(dir);
    await using broker = await startBroker({ saslUsers: { alice: "alice-secret" }, tls });
    const props = (password: string) => saslSslProperties("alice", password, tls.certFile);
    await Deno.writeTextFile(`${dir}/bad.properties`, props("wrong"));
    const bad = await produce(broker, `${dir}/bad.properties`);
    assertNotEquals(bad.code, 0, "a wrong password must not get through");
    assertEquals(stored(broker, "sensor-readings"), 0);
    const stderr = new TextDecoder().decode(bad.stderr) + new TextDecoder().decode(bad.stdout);
    assertEquals(stderr.includes("wrong"), false, "the password is never printed");

    await Deno.writeTextFile(`${dir}/good.properties`, props("alice-secret"));
    const good = await produce(broker, `${dir}/good.properties`);
    assertEquals(good.code, 0, new TextDecoder().decode(good.stderr).slice(-1000));
    assertEquals(stored(broker, "sensor-readings"), 50);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
