/**
 * Helpers for the core's tests and bench: a manual clock, random
 * keyed streams and a driver that runs a stream through a {@linkcode WindowOperator}.
 *
 * @module
 */
import { seededRandom } from "@iot/testing";
import type { LateRecord, WindowOutput, WindowResult } from "./window_engine.ts";

/** A processing-time clock the test moves by hand. */
export class ManualClock {
  /** Current time in ms. */
  nowMs: number;

  /** @param startMs the initial time. */
  constructor(startMs = 0) {
    this.nowMs = startMs;
  }

  /** Moves the clock forward by `ms` and returns the new time. */
  advance(ms: number): number {
    this.nowMs += ms;
    return this.nowMs;
  }
}

/** One step of a test stream: a record or a watermark advance. */
export type Step =
  | { readonly record: { readonly key: string; readonly timeMs: number; readonly value: number } }
  | { readonly watermarkMs: number };

/** Options of {@linkcode randomStream}. */
export interface RandomStreamOptions {
  /** Seed of the generator. */
  seed: number;
  /** Number of records. */
  records: number;
  /** Number of distinct keys. Default 5. */
  keys?: number;
  /** Largest step of the base event time between records (ms). Default 4. */
  maxStepMs?: number;
  /** Largest distance a record lags behind the base time (ms). Default 100. */
  maxDisorderMs?: number;
  /** A watermark `maxSeen - watermarkLagMs` is emitted every this many records. Default 7. */
  watermarkEvery?: number;
  /** How far the watermark trails the largest event time (ms). Default 25. */
  watermarkLagMs?: number;
}

/**
 * A reproducible stream of integer-valued records with bounded disorder and periodic watermarks;
 * because the disorder can exceed the watermark lag, some records arrive late.
 */
export function randomStream(options: RandomStreamOptions): Step[] {
  const random = seededRandom(options.seed);
  const keys = options.keys ?? 5, step = options.maxStepMs ?? 4;
  const disorder = options.maxDisorderMs ?? 100, every = options.watermarkEvery ?? 7;
  const lag = options.watermarkLagMs ?? 25;
  const steps: Step[] = [];
  let base = 1_000, maxSeen = -Infinity;
  for (let i = 0; i < options.records; i++) {
    base += Math.floor(random() * (step + 1));
    const timeMs = base - Math.floor(random() * (disorder + 1));
    const key = `k${Math.floor(random() * keys)}`;
    const value = Math.floor(random() * 200) - 100;
    steps.push({ record: { key, timeMs, value } });
    maxSeen = Math.max(maxSeen, timeMs);
    if ((i + 1) % every === 0) steps.push({ watermarkMs: maxSeen - lag });
  }
  steps.push({ watermarkMs: maxSeen + 1_000_000 });
  return steps;
}

/** Everything an operator produced over a run. */
export interface RunOutput<Out> {
  /** Window results in emission order. */
  results: WindowResult<Out>[];
  /** Late records in arrival order. */
  late: LateRecord<unknown>[];
}

/** The part of a `WindowOperator` that {@linkcode runSteps} drives. */
export interface StepTarget<Out> {
  /** Adds a record. */
  process(key: string, eventTimeMs: number, value: number): WindowOutput<unknown, Out>;
  /** Advances the watermark. */
  advanceWatermark(watermarkMs: number): WindowOutput<unknown, Out>;
}

/** Runs `steps` through `op`, appending to `into` (a fresh output when omitted). */
export function runSteps<Out>(
  op: StepTarget<Out>,
  steps: readonly Step[],
  into: RunOutput<Out> = { results: [], late: [] },
): RunOutput<Out> {
  for (const step of steps) {
    const out = "record" in step
      ? op.process(step.record.key, step.record.timeMs, step.record.value)
      : op.advanceWatermark(step.watermarkMs);
    into.results.push(...out.results);
    into.late.push(...out.late);
  }
  return into;
}
