/**
 * `deno task dev --kafka HOST:PORT --kafka-properties FILE` against the broker shim with SASL_SSL
 * (SCRAM-SHA-512, a self-signed certificate): every service it starts gets the file, so readings
 * flow producer -> processor (transactions) -> sinks -> API and the API lists the topics; no
 * output line carries the password.
 */
import { assert, assertEquals } from "@std/assert";
import { startBroker } from "@iot/broker/testing";
import { saslSslProperties, selfSignedCert } from "@iot/testing";
import { all, shortWindowsEnv, until } from "./api_checks_test_util.ts";
import { apiGet, launch, portBlock, started } from "./e2e_test_util.ts";

const PASSWORD = "dev-Secret-4e7";

Deno.test("deno task dev --kafka --kafka-properties: every service reaches a SASL_SSL cluster", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dev-kprops-" });
  try {
    const tls = await selfSignedCert(dir);
    await using broker = await startBroker({ saslUsers: { alice: PASSWORD }, tls });
    const properties = `${dir}/kafka.properties`;
    await Deno.writeTextFile(properties, saslSslProperties("alice", PASSWORD, tls.certFile));
    const base = portBlock();
    const run = launch([
      "--kafka",
      broker.bootstrap,
      "--kafka-properties",
      properties,
      "--port-base",
      String(base),
      "--data-dir",
      `${dir}/data`,
      "--devices",
      "3",
      "--vehicles",
      "1",
    ], shortWindowsEnv);
    const context = () => run.lines.slice(-40).join("\n");
    try {
      await started(run, 90_000);
      const api = base + 4;
      // An aggregate in the API went through every service's Kafka clients.
      await until("an aggregate through the API", async () => {
        return ((await all(api, "/aggregates")) ?? []).length > 0;
      }, context);
      const topics = await apiGet<{ items: { name: string }[] }>(api, "/pipeline/topics");
      const names = topics?.items.map((t) => t.name) ?? [];
      assert(names.includes("sensor-readings") && names.includes("sensor-aggregates"), context());
    } finally {
      run.child.kill("SIGINT");
    }
    const status = await run.status;
    assertEquals(status.code, 0, context());
    assert(
      /dev\s+\| stopped \(producer code \d+, processor code 0, sinks code 0, api code 0\)/
        .test(run.lines.join("\n")),
      context(),
    );
    assertEquals(run.lines.filter((l) => l.includes(PASSWORD)), [], "a password was printed");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
