/**
 * KIP-848 with a client nobody here wrote: Kafka 4.3.1's Java console consumer with
 * `group.protocol=consumer` consumes a two-partition topic from a broker shim child process that
 * is killed with SIGKILL and restarted on the same port and data directory half-way. The group is
 * durable, so the member carries on with the same member id and epoch (no rejoin, no rebalance)
 * and reads every record exactly once; ConsumerGroupDescribe shows it before and after.
 */
import { assertEquals } from "@std/assert";
import {
  defaultCacheDir,
  findKafkaRuntime,
  freePort,
  javaArgs,
  uniqueName,
  waitFor,
} from "@iot/testing";
import { ApiKey } from "../protocol/mod.ts";
import { RawClient } from "../server/raw_client_test_util.ts";
import { startBroker, type TestBroker } from "../start_broker_test_util.ts";
import {
  createTwoPartitionTopic,
  produceRoundRobin,
  spawnJavaConsole,
} from "../java_console_test_util.ts";

async function produce(bootstrap: string, topic: string, values: string[]): Promise<void> {
  await using raw = await RawClient.connect(bootstrap);
  await produceRoundRobin(raw, topic, values);
}

async function describe(bootstrap: string, group: string) {
  await using raw = await RawClient.connect(bootstrap);
  const res = await raw.request(ApiKey.ConsumerGroupDescribe, 0, {
    groupIds: [group],
    includeAuthorizedOperations: false,
  });
  const g = res.groups[0];
  return {
    state: g.groupState,
    groupEpoch: g.groupEpoch,
    members: g.members.map((m) => ({
      memberId: m.memberId,
      memberEpoch: m.memberEpoch,
      partitions: m.assignment.topicPartitions.flatMap((t) => t.partitions).sort(),
    })),
  };
}

Deno.test({
  name: "Java consumer (group.protocol=consumer) keeps its membership across a broker SIGKILL",
  sanitizeResources: false, // the Java child's pipes are drained by background readers
  async fn() {
    const runtime = await findKafkaRuntime(defaultCacheDir());
    const port = freePort();
    const dataDir = await Deno.makeTempDir({ prefix: "kip848-" });
    let broker: TestBroker = await startBroker({ mode: "child", port, dataDir });
    const topic = uniqueName("kip848");
    const group = uniqueName("kip848-group");
    const consumer = spawnJavaConsole(
      javaArgs(runtime, "org.apache.kafka.tools.consumer.ConsoleConsumer", [
        "--bootstrap-server",
        broker.bootstrap,
        "--topic",
        topic,
        "--group",
        group,
        "--command-property",
        "group.protocol=consumer",
        "--from-beginning",
        "--timeout-ms",
        "120000",
      ]),
      "v",
    );
    const lines = consumer.lines;
    try {
      await using raw = await RawClient.connect(broker.bootstrap);
      await createTwoPartitionTopic(raw, topic);
      const first = Array.from({ length: 50 }, (_, i) => `v${i}`);
      const second = Array.from({ length: 50 }, (_, i) => `v${i + 50}`);
      await produce(broker.bootstrap, topic, first);
      const wait = (n: number) =>
        waitFor(() => lines.length >= n, {
          timeoutMs: 90_000,
          message: `${n} records (have ${lines.length}; stderr: ${consumer.stderr().slice(-500)})`,
        });
      await wait(50);
      const before = await describe(broker.bootstrap, group);
      assertEquals(before.state, "Stable");
      assertEquals(before.members.length, 1);
      assertEquals(before.members[0].partitions, [0, 1]);

      await broker.kill();
      broker = await startBroker({ mode: "child", port, dataDir });
      assertEquals(await describe(broker.bootstrap, group), before, "restored from disk");
      await produce(broker.bootstrap, topic, second);
      await wait(100);
      assertEquals(await describe(broker.bootstrap, group), before, "no rejoin, no rebalance");
      // Reference: every produced value exactly once (no re-reads after the restart).
      assertEquals([...lines].sort(), [...first, ...second].sort());
    } finally {
      await consumer[Symbol.asyncDispose]();
      await broker.close();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});
