import { assertEquals } from "@std/assert";
import { countingJob } from "./fake_kafka_test_util.ts";
import { resolveOptions } from "./runner_options.ts";
import { replicated } from "./task_setup.ts";

Deno.test("replicated: the broker's defaults unless replication options are given", () => {
  const job = countingJob(2);
  const base = { job, bootstrap: "x", stateDir: "/s" };
  const topic = { name: "out", partitions: 2, config: { "cleanup.policy": "compact" } };
  assertEquals(replicated(topic, resolveOptions(base)), { ...topic, replicationFactor: -1 });
  const o = resolveOptions({ ...base, replicationFactor: 3, minInsyncReplicas: 2 });
  assertEquals(replicated(topic, o), {
    ...topic,
    replicationFactor: 3,
    config: { "cleanup.policy": "compact", "min.insync.replicas": "2" },
  });
  assertEquals(replicated({ name: "t" }, o).config, { "min.insync.replicas": "2" });
});
