import { assert, assertEquals } from "@std/assert";
import { KafkaError } from "@iot/kafka";
import { readAll } from "@iot/kafka/testing";
import { waitFor } from "@iot/testing";
import { countingInput, countingOutputs, fakeClients, fakeRunner } from "./fake_kafka_test_util.ts";

Deno.test("Checkpointing: an abortable checkpoint failure rewinds to the last commit, no duplicates", async () => {
  const { kafka, job, send } = countingInput();
  await send(0, 20);
  const clients = fakeClients(kafka);
  let failures = 0;
  // The second checkpoint's offsets meet a group whose generation moved on (a rebalance).
  const output: typeof clients.output = (o) => {
    const producer = clients.output(o);
    const sendOffsets = producer.sendOffsetsToTransaction.bind(producer);
    producer.sendOffsetsToTransaction = (offsets, input) => {
      if (++failures !== 2) return sendOffsets(offsets, input);
      // More input arrives meanwhile: the consumer may fetch it before the rewind's seek.
      return send(30, 40).then(() =>
        Promise.reject(
          new KafkaError("sendOffsetsToTransaction: generation is not valid", {
            code: 22, // ILLEGAL_GENERATION
            txnRequiresAbort: true,
          }),
        )
      );
    };
    return producer;
  };
  const lines: string[] = [];
  const { runner, dispose } = await fakeRunner(kafka, job, {
    clients: { ...clients, output },
    log: (line) => lines.push(line),
  });
  const running = runner.run();
  try {
    await waitFor(() => failures >= 1, { intervalMs: 5 });
    await send(20, 30);
    await waitFor(() => failures >= 2, { intervalMs: 5 });
    await waitFor(async () => (await runner.status()).tasks[0]?.offset === 40 && failures > 2, {
      intervalMs: 5,
    });
  } finally {
    await dispose(running);
  }
  assert(lines.some((l) => l.includes("rewinding to the last commit")), lines.join("\n"));
  assertEquals(
    readAll(kafka, "out").map((r) => new TextDecoder().decode(r.value!)),
    countingOutputs(0, 40),
  );
});

Deno.test("Checkpointing: pending outputs at the high-water mark pause the input until flushed", async () => {
  const { kafka, job, send } = countingInput();
  await send(0, 50);
  const lines: string[] = [];
  // No checkpoint is due for an hour: only backpressure flushes before the stop.
  const { runner, dispose } = await fakeRunner(kafka, job, {
    checkpointIntervalMs: 3_600_000,
    maxPendingOutputs: 10,
    resumePendingOutputs: 2,
    log: (line) => lines.push(line),
  });
  const running = runner.run();
  try {
    await waitFor(async () => (await runner.status()).checkpoints > 0, { intervalMs: 5 });
    const status = await runner.status();
    assertEquals([status.pauses, status.paused, status.tasks[0].offset], [1, false, 50]);
  } finally {
    await dispose(running);
  }
  assert(lines.some((l) => l.includes("paused input")), lines.join("\n"));
  assert(lines.some((l) => l.includes("resumed input")), lines.join("\n"));
  assertEquals(
    readAll(kafka, "out").map((r) => new TextDecoder().decode(r.value!)),
    countingOutputs(0, 50),
  );
});
