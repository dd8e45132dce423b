/**
 * The benchmark's "ours" contender: this repo's librdkafka binding (`@iot/kafka`) producing with
 * pipelined `Producer.sendBatch` calls and consuming with `Consumer.assign` + `batches()`.
 *
 * @module
 */
import { Consumer, type DeliveryReport, Producer, type ProducerRecord } from "@iot/kafka";

/** Bytes of every record value, for all contenders. */
export const RECORD_SIZE = 100;
/** Records per `sendBatch` call. */
export const CHUNK_RECORDS = 50_000;
/** `sendBatch` calls awaited at most at once (librdkafka queues 100 000 records by default). */
export const CHUNKS_IN_FLIGHT = 4;
/** Largest batch asked of `Consumer.batches()` (the consumer caps it at 1024). */
export const MAX_BATCH = 4096;
/**
 * `queued.min.messages` for every consumer (ours and kcat): our consumer's default. librdkafka
 * 2.0's own (100000) stops the fetcher once that many are queued and resumes it only up to 1 s
 * later, so a consumer descheduled for ~0.1 s on a loaded machine would stall for a second;
 * with this the topic fits the queue and neither contender can stall.
 */
export const QUEUED_MIN_MESSAGES = 1_000_000;
/** Longest a produce or consume phase may take before the benchmark gives up. */
export const PHASE_TIMEOUT_MS = 300_000;

const encoder = new TextEncoder();

/** Where one phase's time went, in seconds; `total` is what throughput is computed from. */
export interface OursTiming {
  /** Client construction until the client is closed. */
  total: number;
  /** Produce: time in the `sendBatch` loop (enqueueing, back-pressure waits included). */
  enqueue?: number;
  /** Produce: waiting for the last delivery reports and `flush()`. */
  flush?: number;
  /** Consume: client construction until the N-th record arrived. */
  receive?: number;
  /** `close()`. */
  close: number;
}

/**
 * Builds `n` records to `topic` whose values are distinct 100-byte views into one buffer, in
 * chunks of {@linkcode CHUNK_RECORDS}; done before timing starts.
 */
export function buildChunks(topic: string, n: number): ProducerRecord[][] {
  const bytes = new Uint8Array(n * RECORD_SIZE).fill(0x78); // "x"
  const chunks: ProducerRecord[][] = [];
  for (let start = 0; start < n; start += CHUNK_RECORDS) {
    const chunk: ProducerRecord[] = [];
    for (let i = start; i < Math.min(n, start + CHUNK_RECORDS); i++) {
      const value = bytes.subarray(i * RECORD_SIZE, (i + 1) * RECORD_SIZE);
      encoder.encodeInto(String(i), value);
      chunk.push({ topic, value });
    }
    chunks.push(chunk);
  }
  return chunks;
}

/**
 * Produces `chunks` with at most {@linkcode CHUNKS_IN_FLIGHT} `sendBatch` calls pending, then
 * flushes; afterwards (untimed) checks the delivery reports cover offsets 0..n-1 exactly once.
 */
export async function produceOurs(
  bootstrap: string,
  chunks: readonly ProducerRecord[][],
): Promise<OursTiming> {
  const t0 = performance.now();
  const producer = new Producer({ config: { "bootstrap.servers": bootstrap, acks: "1" } });
  try {
    const pending: Promise<DeliveryReport[]>[] = [];
    const done: DeliveryReport[][] = [];
    for (const chunk of chunks) {
      pending.push(producer.sendBatch(chunk));
      if (pending.length >= CHUNKS_IN_FLIGHT) done.push(await pending.shift()!);
    }
    const t1 = performance.now();
    done.push(...await Promise.all(pending));
    await producer.flush(PHASE_TIMEOUT_MS);
    const t2 = performance.now();
    await producer.close();
    const t3 = performance.now();
    checkReports(done);
    return { total: sec(t3 - t0), enqueue: sec(t1 - t0), flush: sec(t2 - t1), close: sec(t3 - t2) };
  } finally {
    await producer.close();
  }
}

/** Checks the delivery reports run 0..n-1 in the order the chunks were sent. */
function checkReports(chunks: readonly DeliveryReport[][]): void {
  let expected = 0;
  for (const reports of chunks) {
    for (const { offset } of reports) {
      if (offset !== expected) {
        throw new Error(`ours: delivery offset ${offset}, expected ${expected}`);
      }
      expected++;
    }
  }
}

/**
 * Consumes partition 0 of `topic` from the beginning until `n` records arrived; checks that
 * offsets run 0..n-1 without gaps and every value has {@linkcode RECORD_SIZE} bytes.
 */
export async function consumeOurs(
  bootstrap: string,
  topic: string,
  n: number,
): Promise<OursTiming> {
  const t0 = performance.now();
  const consumer = benchConsumer(bootstrap, topic);
  try {
    let next = 0;
    const signal = AbortSignal.timeout(PHASE_TIMEOUT_MS);
    for await (
      const batch of consumer.batches({ maxMessages: MAX_BATCH, headers: false, signal })
    ) {
      for (const record of batch) {
        if (record.offset !== next || record.value?.length !== RECORD_SIZE) {
          throw new Error(
            `ours: got offset ${record.offset} (${record.value?.length} bytes), expected ${next}`,
          );
        }
        next++;
      }
      if (next >= n) break;
    }
    if (next !== n) throw new Error(`ours: consumed ${next} of ${n} records before timing out`);
    const t1 = performance.now();
    await consumer.close();
    const t2 = performance.now();
    return { total: sec(t2 - t0), receive: sec(t1 - t0), close: sec(t2 - t1) };
  } finally {
    await consumer.close();
  }
}

/** A consumer (no commits) assigned partition 0 of `topic` from offset 0. */
export function benchConsumer(bootstrap: string, topic: string): Consumer {
  const consumer = new Consumer({
    config: {
      "bootstrap.servers": bootstrap,
      "group.id": "bench-ours",
      "enable.auto.commit": false,
      "queued.min.messages": QUEUED_MIN_MESSAGES,
    },
  });
  // Offset 0 rather than Offset.BEGINNING (the same on this fresh topic): for a logical offset
  // librdkafka 2.0 first waits ~500 ms for the partition leader before it asks for the offset,
  // while kcat looks up metadata before it starts. That wait is startup, not throughput.
  consumer.assign([{ topic, partition: 0, offset: 0 }]);
  return consumer;
}

function sec(ms: number): number {
  return ms / 1000;
}
