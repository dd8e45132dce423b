import { assertEquals, assertRejects } from "@std/assert";
import { KafkaError } from "@iot/kafka";
import { countingJob } from "./fake_kafka_test_util.ts";
import { JobRunner } from "./job_runner.ts";

Deno.test("JobRunner: without Kafka it gives up after kafkaWaitTimeoutMs naming the address", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const bootstrap = `127.0.0.1:${(listener.addr as Deno.NetAddr).port}`;
  listener.close();
  const lines: string[] = [];
  const runner = new JobRunner({
    job: countingJob(1),
    bootstrap,
    stateDir: "/nonexistent",
    kafkaWaitTimeoutMs: 300,
    log: (line) => lines.push(line),
  });
  await assertRejects(() => runner.run(), KafkaError, `Kafka at ${bootstrap} did not answer`);
  assertEquals(lines, [`count: waiting for Kafka at ${bootstrap}…`]);
});
