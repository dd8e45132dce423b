/**
 * KIP-932 with a client nobody here wrote: Kafka 4.3.1's `kafka-console-share-consumer`
 * (`ConsoleShareConsumer`, the Java `KafkaShareConsumer`) against the broker shim. A first
 * consumer releases what it reads (`--release`) and exits; then two consumers of the same share
 * group split a two-partition topic, and together they receive every record exactly once,
 * including the released ones (redelivered); the share-partition start offsets end at the log end
 * and stay there after the broker is killed with SIGKILL and restarted.
 */
import { assert, assertEquals } from "@std/assert";
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
  type JavaConsole,
  produceRoundRobin,
  spawnJavaConsole,
} from "../java_console_test_util.ts";

function shareConsumer(
  runtime: Awaited<ReturnType<typeof findKafkaRuntime>>,
  bootstrap: string,
  topic: string,
  group: string,
  extra: string[],
): JavaConsole {
  const args = ["--bootstrap-server", bootstrap, "--topic", topic, "--group", group, ...extra];
  return spawnJavaConsole(
    javaArgs(runtime, "org.apache.kafka.tools.consumer.ConsoleShareConsumer", args, [
      "-Xms64m",
      "-Xmx256m",
    ]),
    "v",
  );
}

Deno.test({
  name: "Java share consumers split a topic; released records are redelivered; all acknowledged",
  sanitizeResources: false, // the Java children's pipes are drained by background readers
  async fn() {
    const runtime = await findKafkaRuntime(defaultCacheDir());
    const port = freePort();
    const dataDir = await Deno.makeTempDir({ prefix: "kip932-" });
    let broker: TestBroker = await startBroker({ mode: "child", port, dataDir });
    let raw = await RawClient.connect(broker.bootstrap);
    try {
      const topic = uniqueName("share");
      const group = uniqueName("share-group");
      await createTwoPartitionTopic(raw, topic);
      // The GROUP config resource over the wire: read from the log start, as the kgo tests do.
      const altered = await raw.request(ApiKey.IncrementalAlterConfigs, 1, {
        resources: [{
          resourceType: 32,
          resourceName: group,
          configs: [{ name: "share.auto.offset.reset", configOperation: 0, value: "earliest" }],
        }],
        validateOnly: false,
      });
      assertEquals(altered.responses[0].errorCode, 0);
      const spso = async () => {
        const res = await raw.request(ApiKey.DescribeShareGroupOffsets, 1, {
          groups: [{ groupId: group, topics: [{ topicName: topic, partitions: [0, 1] }] }],
        });
        return res.groups[0].topics[0].partitions.map((p) => Number(p.startOffset));
      };
      const first = Array.from({ length: 20 }, (_, i) => `v${i}`);
      await produceRoundRobin(raw, topic, first);

      // 1. A consumer that releases everything it reads, then exits.
      {
        await using releaser = shareConsumer(runtime, broker.bootstrap, topic, group, [
          "--release",
          "--max-messages",
          "5",
          "--timeout-ms",
          "60000",
        ]);
        const { code } = await releaser.status;
        assertEquals(code, 0, releaser.stderr());
        assertEquals(releaser.lines.length, 5);
      }
      // Released (and whatever it held on exit): nothing acknowledged, the start offsets stay at 0.
      assertEquals(await spso(), [0, 0]);

      // 2. Two consumers split the topic once both are members with one partition each.
      await using a = shareConsumer(runtime, broker.bootstrap, topic, group, []);
      await using b = shareConsumer(runtime, broker.bootstrap, topic, group, []);
      const members = async () => {
        const res = await raw.request(ApiKey.ShareGroupDescribe, 1, {
          groupIds: [group],
          includeAuthorizedOperations: false,
        });
        return res.groups[0].members.map((m) =>
          m.assignment.topicPartitions.flatMap((t) => t.partitions).join(",")
        ).sort();
      };
      await waitFor(async () => (await members()).join("|") === "0|1", {
        timeoutMs: 60_000,
        message: `two members with one partition each (stderr: ${a.stderr().slice(-300)})`,
      });
      const second = Array.from({ length: 40 }, (_, i) => `v${i + 20}`);
      await produceRoundRobin(raw, topic, second);
      // Acknowledgements ride on the consumers' next polls: wait until both partitions are done.
      await waitFor(async () => (await spso()).join(",") === "30,30", {
        timeoutMs: 60_000,
        message: `all 60 records acknowledged (a ${a.lines.length}, b ${b.lines.length})`,
      });
      // Reference: every value exactly once across the two; each got one partition's share.
      assertEquals([...a.lines, ...b.lines].sort(), [...first, ...second].sort());
      assert(a.lines.length > 0 && b.lines.length > 0, `${a.lines.length}/${b.lines.length}`);

      // Acknowledged progress is durable: a SIGKILL and restart keep the start offsets.
      await a[Symbol.asyncDispose]();
      await b[Symbol.asyncDispose]();
      raw.close();
      await broker.kill();
      broker = await startBroker({ mode: "child", port, dataDir });
      raw = await RawClient.connect(broker.bootstrap);
      assertEquals(await spso(), [30, 30]);
    } finally {
      raw.close();
      await broker.close();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});
