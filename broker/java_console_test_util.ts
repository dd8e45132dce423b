/**
 * Test helpers for running Kafka 4.3.1's Java console tools against the shim: spawn one as a
 * child process and collect its printed values, create a two-partition topic and produce values
 * round robin over its partitions with the raw client.
 *
 * @module
 */
import { assertEquals } from "@std/assert";
import { ApiKey } from "./protocol/mod.ts";
import { buildRecordBatch } from "./records/mod.ts";
import type { RawClient } from "./server/raw_client_test_util.ts";

/** A running Java console tool. */
export interface JavaConsole extends AsyncDisposable {
  /** The stdout lines kept so far (those starting with `prefix`). */
  readonly lines: string[];
  /** The last 4000 characters of stderr. */
  stderr(): string;
  /** The exit status. */
  readonly status: Promise<Deno.CommandStatus>;
}

/**
 * Spawns `java` with `args` (see `javaArgs` of `@iot/testing`) and keeps its stdout lines that
 * start with `prefix`. Disposing sends SIGTERM and waits for the child and its pipes.
 */
export function spawnJavaConsole(args: string[], prefix: string): JavaConsole {
  const child = new Deno.Command("java", { args, stdout: "piped", stderr: "piped" }).spawn();
  const lines: string[] = [];
  let stderr = "";
  const reading = Promise.all([
    (async () => {
      let rest = "";
      for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
        const parts = (rest + chunk).split("\n");
        rest = parts.pop()!;
        lines.push(...parts.filter((l) => l.startsWith(prefix)));
      }
    })(),
    (async () => {
      for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
        stderr = (stderr + chunk).slice(-4000);
      }
    })(),
  ]);
  return {
    lines,
    stderr: () => stderr,
    status: child.status,
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGTERM");
      } catch { /* already exited */ }
      await child.status;
      await reading;
    },
  };
}

/** Produces each value as its own batch, value `i` to partition `i % 2`; asserts success. */
export async function produceRoundRobin(
  raw: RawClient,
  topic: string,
  values: string[],
): Promise<void> {
  const encoder = new TextEncoder();
  for (const [i, v] of values.entries()) {
    const res = await raw.request(ApiKey.Produce, 9, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 5000,
      topicData: [{
        name: topic,
        partitionData: [{
          index: i % 2,
          records: buildRecordBatch([{
            timestamp: Date.now(),
            key: null,
            value: encoder.encode(v),
          }]),
        }],
      }],
    });
    assertEquals(res.responses[0].partitionResponses[0].errorCode, 0, `produce ${v}`);
  }
}

/** Creates `topic` with two partitions; asserts success. */
export async function createTwoPartitionTopic(raw: RawClient, topic: string): Promise<void> {
  const created = await raw.request(ApiKey.CreateTopics, 4, {
    topics: [{ name: topic, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }],
    timeoutMs: 5000,
    validateOnly: false,
  });
  assertEquals(created.topics[0].errorCode, 0, `create ${topic}`);
}
