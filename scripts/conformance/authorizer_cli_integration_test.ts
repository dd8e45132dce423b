/**
 * The authorizer against clients nobody here wrote (issue 16 item 4): Kafka 4.3.1's own tools
 * (kafka-configs, kafka-delete-records, kafka-transactions, kafka-consumer-groups --delete) and
 * librdkafka clients (a transactional producer, a group consumer), as SASL user `bob` on a shim with `--authorizer`: denied
 * without ACLs, allowed once `User:admin` (a super user) grants the one right each needs.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { Consumer, Producer } from "@iot/kafka";
import { defaultCacheDir, findKafkaRuntime, javaArgs, uniqueName } from "@iot/testing";
import { startBroker } from "@iot/broker/testing";

const tool = (name: string) => `org.apache.kafka.tools.${name}`;

/** Runs a Kafka tool; returns its exit status and stdout + stderr (a denial is not a throw). */
async function kafkaTool(main: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  const runtime = await findKafkaRuntime(defaultCacheDir());
  const heap = ["-Xms64m", "-Xmx256m", "-XX:TieredStopAtLevel=1"];
  const res = await new Deno.Command("java", {
    args: javaArgs(runtime, main, args, heap),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(40_000),
  }).output();
  const text = new TextDecoder();
  return { ok: res.success, out: text.decode(res.stdout) + text.decode(res.stderr) };
}

/** SASL/PLAIN client settings as librdkafka and the Java tools spell them. */
const sasl = (user: string) => ({
  "security.protocol": "SASL_PLAINTEXT",
  "sasl.mechanisms": "PLAIN",
  "sasl.username": user,
  "sasl.password": `${user}-secret`,
});
const javaSasl = (user: string) =>
  [
    "security.protocol=SASL_PLAINTEXT",
    "sasl.mechanism=PLAIN",
    "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required " +
    `username="${user}" password="${user}-secret";`,
  ].join("\n");

/** A transactional librdkafka producer committing one record; rejects when not authorized. */
async function transact(bootstrap: string, user: string, txnId: string, topic: string) {
  await using producer = new Producer({
    config: {
      "bootstrap.servers": bootstrap,
      ...sasl(user),
      "transactional.id": txnId,
      "transaction.timeout.ms": 10_000,
    },
  });
  await producer.initTransactions(8_000);
  producer.beginTransaction();
  await producer.send({ topic, partition: 0, value: "x" });
  await producer.commitTransaction();
}

Deno.test("Kafka's CLI tools and a transactional producer: denied without ACLs, allowed with the right one", async () => {
  await using broker = await startBroker({
    saslUsers: { admin: "admin-secret", bob: "bob-secret" },
    authorizer: true,
    superUsers: ["User:admin"],
  });
  const dir = await Deno.makeTempDir({ prefix: "authz-cli-" });
  try {
    const [topic, group, txn] = [uniqueName("authz"), uniqueName("g"), uniqueName("tx")];
    await Deno.writeTextFile(`${dir}/admin.properties`, javaSasl("admin"));
    await Deno.writeTextFile(`${dir}/bob.properties`, javaSasl("bob"));
    await Deno.writeTextFile(
      `${dir}/offsets.json`,
      JSON.stringify({ version: 1, partitions: [{ topic, partition: 0, offset: 2 }] }),
    );
    // As the super user: a topic with records, a group with a committed offset, a transaction.
    await transact(broker.bootstrap, "admin", txn, topic);
    await transact(broker.bootstrap, "admin", txn, topic);
    {
      await using consumer = new Consumer({
        config: { "bootstrap.servers": broker.bootstrap, ...sasl("admin"), "group.id": group },
      });
      await consumer.commit([{ topic, partition: 0, offset: 1 }]);
    }
    const server = ["--bootstrap-server", broker.bootstrap];
    const as = (user: string) => ["--command-config", `${dir}/${user}.properties`];
    const bob = (main: string, ...args: string[]) =>
      kafkaTool(main, [...server, ...as("bob"), ...args]);
    const bobTools = () =>
      Promise.all([
        bob(
          "kafka.admin.ConfigCommand",
          "--describe",
          "--entity-type",
          "topics",
          "--entity-name",
          topic,
        ),
        bob(tool("DeleteRecordsCommand"), "--offset-json-file", `${dir}/offsets.json`),
        bob(tool("TransactionsCommand"), "describe", "--transactional-id", txn),
        bob(tool("consumer.group.ConsumerGroupCommand"), "--delete", "--group", group),
      ]);

    const [configs, records, txns, groups] = await bobTools();
    // The tool looks the topic up first: without DESCRIBE it is hidden, as on Kafka.
    assertStringIncludes(configs.out, `The topic '${topic}' doesn't exist`);
    assertStringIncludes(records.out, "TopicAuthorizationException");
    assertStringIncludes(txns.out, "failed due to authorization failure");
    assertStringIncludes(groups.out, "GroupAuthorizationException");
    let refused = "";
    await transact(broker.bootstrap, "bob", txn, topic).catch((e) => refused = String(e));
    assertStringIncludes(refused.toLowerCase(), "authoriz");

    const grant = (resource: string[], ops: string[]) =>
      kafkaTool(tool("AclCommand"), [
        ...server,
        ...as("admin"),
        "--add",
        "--allow-principal",
        "User:bob",
        ...ops.flatMap((op) => ["--operation", op]),
        ...resource,
      ]);
    const granted = await Promise.all([
      grant(["--topic", topic], ["DescribeConfigs", "Delete", "Write", "Read"]),
      grant(["--group", group], ["Delete", "Read"]),
      grant(["--transactional-id", txn], ["Write"]),
    ]);
    for (const g of granted) assert(g.ok, g.out);

    const [configs2, records2, txns2, groups2] = await bobTools();
    assert(configs2.ok, configs2.out);
    assertStringIncludes(configs2.out, `Dynamic configs for topic ${topic}`);
    assertStringIncludes(records2.out, "low_watermark: 2");
    assert(txns2.ok, txns2.out);
    assertStringIncludes(txns2.out, txn);
    assertStringIncludes(groups2.out, "was successful");
    await transact(broker.bootstrap, "bob", txn, topic);
    // A consumer with the usual rights (READ on topic and group) reads what is left: the
    // admin's second record (offset 2, after DeleteRecords) and bob's (after two markers).
    await using consumer = new Consumer({
      config: {
        "bootstrap.servers": broker.bootstrap,
        ...sasl("bob"),
        "group.id": group,
        "auto.offset.reset": "earliest",
        "isolation.level": "read_committed",
        "enable.auto.commit": false,
      },
    });
    consumer.subscribe([topic]);
    const offsets: number[] = [];
    for await (const batch of consumer.batches({ signal: AbortSignal.timeout(20_000) })) {
      offsets.push(...batch.map((r) => r.offset));
      if (offsets.length >= 2) break;
    }
    assertEquals(offsets, [2, 4]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
