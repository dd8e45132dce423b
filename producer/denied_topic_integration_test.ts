/**
 * A producer denied by ACLs fails with one clear line, and does not crash: SASL user `bob`
 * has no ACL on a topic of the broker shim with `--authorizer`, so librdkafka 2.0.2 marks the
 * topic failed (TOPIC_AUTHORIZATION_FAILED) and would free the headers of the next record to it
 * twice (SIGSEGV). The sends run in a child process (this file with `deno run`), so a crash is
 * a failed assertion with its signal rather than a dead test runner.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { startBroker } from "@iot/broker/testing";
import { defaultCacheDir, findKafkaRuntime, javaArgs } from "@iot/testing";
import { KafkaError, Producer, type RecordBlock } from "@iot/kafka";

const sasl = (user: string) => ({
  "security.protocol": "SASL_PLAINTEXT",
  "sasl.mechanisms": "PLAIN",
  "sasl.username": user,
  "sasl.password": `${user}-secret`,
});
const headers = { "content-type": "application/json", "schema-version": "1" };

/** The shim with SASL users `admin` (a super user) and `bob`, enforcing ACLs. */
function startAuthzBroker() {
  return startBroker({
    saslUsers: { admin: "admin-secret", bob: "bob-secret" },
    authorizer: true,
    superUsers: ["User:admin"],
  });
}

/** Runs `deno run -A ...args`: its exit (code, signal), stdout, and stdout + stderr's tail. */
async function denoRun(args: string[]) {
  const run = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...args],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(45_000),
  }).output();
  const out = new TextDecoder().decode(run.stdout);
  const log = out + new TextDecoder().decode(run.stderr).slice(-2000);
  return { exit: { code: run.code, signal: run.signal }, out, log };
}

/** One record with the event headers, as the producer app's block sends lay it out. */
function blockOf(topic: string): RecordBlock {
  const encoder = new TextEncoder();
  return {
    count: 1,
    topics: [topic],
    topicIndex: new Uint8Array(1),
    values: encoder.encode("{}"),
    valueStart: new Int32Array(1),
    valueLength: new Int32Array([2]),
    keys: new Uint8Array(0),
    keyStart: new Int32Array(1),
    keyLength: new Int32Array([-1]),
    timestamps: new Float64Array([Date.now()]),
    headers: Object.entries(headers).map(([name, value]) => [name, encoder.encode(value)]),
  };
}

/**
 * The child: sends as bob three records with headers by `send` or `sendBlock`; prints one line
 * per outcome. The first send too could crash: librdkafka may mark the topic failed between
 * creating its handle and the first call.
 */
async function child(bootstrap: string, topic: string, mode: string): Promise<void> {
  await using producer = new Producer({
    config: { "bootstrap.servers": bootstrap, ...sasl("bob"), "message.timeout.ms": 15_000 },
    onLog: () => {},
  });
  for (let i = 0; i < 3; i++) {
    const sent = mode === "block"
      ? producer.sendBlock(blockOf(topic))
      : producer.send({ topic, value: "{}", headers });
    const line = await sent.then(
      () => "acked",
      (e) => e instanceof KafkaError ? `${e.codeName}: ${e.message}` : `other: ${e}`,
    );
    console.log(line);
  }
}

if (import.meta.main) await child(Deno.args[0], Deno.args[1], Deno.args[2]);

for (const mode of ["send", "block"]) {
  Deno.test(`a producer denied by ACLs (${mode} with headers): a clear line per send, no crash`, async () => {
    await using broker = await startAuthzBroker();
    const topic = "denied";
    {
      // The topic exists (created by the super user); bob may not even describe it.
      await using admin = new Producer({
        config: { "bootstrap.servers": broker.bootstrap, ...sasl("admin") },
      });
      await admin.send({ topic, value: "x", headers });
    }
    const self = new URL(import.meta.url).pathname;
    const { exit, out, log } = await denoRun([self, broker.bootstrap, topic, mode]);
    assertEquals(exit, { code: 0, signal: null }, log);
    const lines = out.trim().split("\n");
    assertEquals(lines.length, 3, out);
    // Refused on the first send (the metadata check), or at worst by the broker then.
    assertStringIncludes(lines[0], "Topic authorization failed (TOPIC_AUTHORIZATION_FAILED)");
    assert(lines[0].startsWith("TOPIC_AUTHORIZATION_FAILED: "), lines[0]);
    for (const line of lines.slice(1)) {
      assertStringIncludes(line, `TOPIC_AUTHORIZATION_FAILED: produce to ${topic} refused`);
      assertStringIncludes(line, "Topic authorization failed");
    }
    assertEquals(broker.broker!.store.partition(topic, 0)!.highWatermark, 1, "only the admin's");
  });
}

Deno.test("the producer app without WRITE on its topic: exits 1 with the refusal, no crash", async () => {
  await using broker = await startAuthzBroker();
  const dir = await Deno.makeTempDir({ prefix: "denied-app-" });
  try {
    // bob may create and describe topics and write idempotently, but not write to a topic: the
    // refusal comes from the ProduceResponse (librdkafka then marks the topic failed).
    await Deno.writeTextFile(
      `${dir}/admin.properties`,
      [
        "security.protocol=SASL_PLAINTEXT",
        "sasl.mechanism=PLAIN",
        "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required " +
        'username="admin" password="admin-secret";',
      ].join("\n"),
    );
    const runtime = await findKafkaRuntime(defaultCacheDir());
    const grants = [
      ["--operation", "Describe", "--operation", "Create", "--topic", "*"],
      ["--operation", "IdempotentWrite", "--cluster"],
    ];
    for (const grant of grants) {
      const acl = await new Deno.Command("java", {
        args: javaArgs(runtime, "org.apache.kafka.tools.AclCommand", [
          "--bootstrap-server",
          broker.bootstrap,
          "--command-config",
          `${dir}/admin.properties`,
          "--add",
          "--allow-principal",
          "User:bob",
          ...grant,
        ], ["-Xms64m", "-Xmx256m", "-XX:TieredStopAtLevel=1"]),
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(40_000),
      }).output();
      assert(acl.success, new TextDecoder().decode(acl.stderr));
    }
    await Deno.writeTextFile(
      `${dir}/bob.properties`,
      Object.entries(sasl("bob")).map(([k, v]) => `${k}=${v}`).join("\n"),
    );
    const { exit, out, log } = await denoRun([
      new URL("./main.ts", import.meta.url).pathname,
      ...["--bootstrap", broker.bootstrap, "--kafka-properties", `${dir}/bob.properties`],
      ...["--devices", "2", "--count", "6", "--rate", "max", "--no-commands"],
      ...["--kafka-wait-ms", "4000"],
    ]);
    assertEquals(exit, { code: 1, signal: null }, log);
    assertStringIncludes(out, "Topic authorization failed (TOPIC_AUTHORIZATION_FAILED)");
    assertStringIncludes(out, "produce to sensor-readings refused");
    assertStringIncludes(out, '"acked":0,"failed":6');
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
