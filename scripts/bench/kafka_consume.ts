/**
 * The Kafka benchmark's consume contenders, all reading the same pre-filled topic and all
 * touching every payload byte: kcat writes each payload (and a newline) to /dev/null, ours
 * folds each into a checksum that must equal a separately computed reference. Each result has
 * wall seconds and the CPU seconds of the whole consuming process (librdkafka's threads too).
 *
 * @module
 */
import process from "node:process";
import type { ConsumerRecord, RecordColumns } from "@iot/kafka";
import { benchConsumer, PHASE_TIMEOUT_MS, QUEUED_MIN_MESSAGES, RECORD_SIZE } from "./kafka_ours.ts";
import { run } from "./kafka_external.ts";

/** How long ours may block in librdkafka while records stream (`BatchOptions.streamWaitMs`). */
const STREAM_WAIT_MS = 10;
/** Largest batch asked of the consumer (its maximum). */
export const CONSUME_BATCH = 4096;

/** One consume run: wall seconds (client construction .. close) and CPU seconds. */
export interface ConsumeTiming {
  seconds: number;
  cpuSeconds: number;
}

/** Aligned words folded before their 16-bit lanes are emptied (each adds at most 2 * 255). */
const WORDS_PER_FOLD = 128;

/**
 * Adds every byte of `buffer[start, end)` to `sum` (a 32-bit wrapping byte sum), through
 * `views` of that buffer: the bytes up to the first 4-aligned position one by one, then whole
 * aligned words with two bytes per 16-bit lane at once, then the last 0-3 bytes. A byte sum
 * does not depend on where the payload starts, so the reference can compute it payload by
 * payload; every byte is read, as kcat writes every byte.
 */
export function byteSum(views: BufferViews, start: number, end: number, sum: number): number {
  const { bytes, words } = views;
  let at = start;
  for (const head = Math.min(end, (at + 3) & ~3); at < head; at++) sum = (sum + bytes[at]) | 0;
  while (at + 4 <= end) {
    let lanes = 0;
    const last = Math.min(at + 4 * WORDS_PER_FOLD, end & ~3);
    for (; at < last; at += 4) {
      const word = words[at >>> 2];
      lanes += (word & 0xff00ff) + ((word >>> 8) & 0xff00ff);
    }
    sum = (sum + (lanes & 0xffff) + (lanes >>> 16)) | 0;
  }
  for (; at < end; at++) sum = (sum + bytes[at]) | 0;
  return sum;
}

/** A buffer as bytes and as 32-bit words, both from byte 0 (the last 0-3 bytes only as bytes). */
export interface BufferViews {
  buffer: ArrayBufferLike;
  bytes: Uint8Array;
  words: Uint32Array;
}

/** The {@linkcode BufferViews} of `buffer`. */
export function viewsOf(buffer: ArrayBufferLike): BufferViews {
  return {
    buffer,
    bytes: new Uint8Array(buffer),
    words: new Uint32Array(buffer, 0, buffer.byteLength >>> 2),
  };
}

/**
 * The reference checksum of the `n` payloads every contender writes (record `i`: the decimal
 * digits of `i`, then "x" up to {@linkcode RECORD_SIZE} bytes): the plain sum of their bytes,
 * built one payload at a time.
 */
export function referenceChecksum(n: number): number {
  const payload = new Uint8Array(RECORD_SIZE);
  const encoder = new TextEncoder();
  let sum = 0;
  for (let i = 0; i < n; i++) {
    payload.fill(0x78);
    encoder.encodeInto(String(i), payload);
    for (const byte of payload) sum = (sum + byte) | 0;
  }
  return sum;
}

/** How ours reads: {@linkcode Consumer.columnBatches} or per-record {@linkcode Consumer.batches}. */
export type OursApi = "columns" | "records";

/**
 * Consumes partition 0 of `topic` from offset 0 until `n` records arrived, through `api`;
 * checks offsets run 0..n-1 and the payloads' checksum equals `expected`.
 */
export async function consumeOursChecked(
  bootstrap: string,
  topic: string,
  n: number,
  api: OursApi,
  expected: number,
): Promise<ConsumeTiming> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const consumer = benchConsumer(bootstrap, topic);
  try {
    const signal = AbortSignal.timeout(PHASE_TIMEOUT_MS);
    const tally = api === "columns"
      ? await readColumns(
        consumer.columnBatches({
          maxMessages: CONSUME_BATCH,
          streamWaitMs: STREAM_WAIT_MS,
          signal,
        }),
        n,
      )
      : await readRecords(
        consumer.batches({
          maxMessages: CONSUME_BATCH,
          headers: false,
          streamWaitMs: STREAM_WAIT_MS,
          signal,
        }),
        n,
      );
    if (tally.next !== n) throw new Error(`ours: consumed ${tally.next} of ${n} records in time`);
    if (tally.sum !== expected) {
      throw new Error(`ours (${api}): payload checksum ${tally.sum}, expected ${expected}`);
    }
    await consumer.close();
    const cpu = process.cpuUsage(cpu0);
    return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  } finally {
    await consumer.close();
  }
}

interface Tally {
  next: number;
  sum: number;
}

async function readColumns(batches: AsyncIterable<RecordColumns>, n: number): Promise<Tally> {
  let next = 0;
  let sum = 0;
  for await (const batch of batches) {
    const { bytes, offsets, valueStarts, valueLengths } = batch;
    const views = viewsOf(bytes.buffer);
    const base = bytes.byteOffset;
    for (let i = 0; i < batch.length; i++) {
      const start = valueStarts[i];
      if (offsets[i] !== next || valueLengths[i] !== RECORD_SIZE) {
        throw new Error(
          `ours: got offset ${offsets[i]} (${valueLengths[i]} bytes), expected ${next}`,
        );
      }
      sum = byteSum(views, base + start, base + start + RECORD_SIZE, sum);
      next++;
    }
    if (next >= n) break;
  }
  return { next, sum };
}

async function readRecords(batches: AsyncIterable<ConsumerRecord[]>, n: number): Promise<Tally> {
  let next = 0;
  let sum = 0;
  let views = viewsOf(new ArrayBuffer(0));
  for await (const batch of batches) {
    for (const { offset, value } of batch) {
      if (offset !== next || value?.length !== RECORD_SIZE) {
        throw new Error(`ours: got offset ${offset} (${value?.length} bytes), expected ${next}`);
      }
      // A batch's values share one buffer: views once per batch.
      if (value.buffer !== views.buffer) views = viewsOf(value.buffer);
      sum = byteSum(views, value.byteOffset, value.byteOffset + RECORD_SIZE, sum);
      next++;
    }
    if (next >= n) break;
  }
  return { next, sum };
}

/**
 * Consumes `n` records of `topic` with `kcat -C -o beginning -c N -e`, payloads (kcat's default
 * format: payload and a newline) to /dev/null. `-c N` stops it at the N-th record as ours stops
 * (without it, `-e` alone waits for one more, empty fetch: up to fetch.wait.max.ms = 500 ms of
 * idle wall time); `-e` makes a short topic end the run instead of hanging, which kcat reports
 * ("Reached end ... at offset X") and which fails the check here. `queued.min.messages` is the
 * same as ours ({@linkcode QUEUED_MIN_MESSAGES}). The shell around it reports
 * kcat's CPU time (`times`), so only kcat's own CPU is counted.
 */
export async function consumeKcatPayloads(
  bootstrap: string,
  topic: string,
  n: number,
): Promise<ConsumeTiming> {
  const script = '"$@" >/dev/null; code=$?; times; exit $code';
  const args = [
    ...["-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-c", String(n), "-e"],
    ...["-X", `queued.min.messages=${QUEUED_MIN_MESSAGES}`],
  ];
  const { seconds, stdout, stderr } = await run("sh", ["-c", script, "sh", "kcat", ...args]);
  const end = /Reached end of topic \S+ \[0\] at offset (\d+)/.exec(stderr);
  if (end && Number(end[1]) < n) {
    throw new Error(`kcat: reached the end at offset ${end[1]}, expected ${n} records:\n${stderr}`);
  }
  return { seconds, cpuSeconds: childCpuSeconds(stdout) };
}

/**
 * The children's user + system seconds from the shell's `times` output: its second line,
 * e.g. `0m0.912000s 0m0.180000s`.
 */
export function childCpuSeconds(times: string): number {
  const line = times.trim().split("\n")[1] ?? "";
  const parts = [...line.matchAll(/(\d+)m([\d.]+)s/g)];
  if (parts.length !== 2) throw new Error(`cannot read CPU times from ${JSON.stringify(times)}`);
  return parts.reduce((sum, [, min, sec]) => sum + Number(min) * 60 + Number(sec), 0);
}
