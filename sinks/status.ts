/**
 * What a sink pipeline reports: counters kept by the runner ({@linkcode SinkStats}), its
 * status with the lag of its partitions ({@linkcode sinkStatus}), and the Prometheus page of
 * several pipelines. Apart from the runner, which only keeps the counters: reporting reads them
 * and asks Kafka for the lag, and changes with what operators watch, not with how records flow.
 *
 * @module
 */
import { PrometheusText } from "@iot/service";
import type { SinkInput } from "./kafka_seam.ts";

/** Counters a {@linkcode SinkRunner} keeps while it runs. */
export interface SinkStats {
  /** Records read from Kafka. */
  recordsIn: number;
  /** Rows written (or rewritten with the same content), superseded ones included. */
  rowsWritten: number;
  /** Batches written and committed. */
  batches: number;
  /** Write attempts that found the store unavailable. */
  retries: number;
  /** Records sent to the dead-letter topic. */
  deadLetters: number;
  /** Dead-letter records the store refused (reported, not dead-lettered again). */
  dropped: number;
  /** Wall-clock time (ms since the epoch) of the last committed batch, or null before one. */
  lastWriteAt: number | null;
  /** True while the store is unavailable: the partitions are paused and nothing is committed. */
  waitingForStore: boolean;
  /** The last store error while waiting, one line. */
  lastError: string | null;
}

/** New, zeroed {@linkcode SinkStats}. */
export function emptyStats(): SinkStats {
  return {
    recordsIn: 0,
    rowsWritten: 0,
    batches: 0,
    retries: 0,
    deadLetters: 0,
    dropped: 0,
    lastWriteAt: null,
    waitingForStore: false,
    lastError: null,
  };
}

/** Lag of one assigned partition: records not yet committed by the pipeline's group. */
export interface PartitionLag {
  /** Topic. */
  readonly topic: string;
  /** Partition. */
  readonly partition: number;
  /** The group's committed offset (0 when none). */
  readonly committed: number;
  /** The high watermark. */
  readonly high: number;
  /** `high - committed` (counts transaction markers too, as Kafka's lag does). */
  readonly lag: number;
}

/** A pipeline's status, as `/status` shows it. */
export interface SinkStatus extends Omit<SinkStats, "lastWriteAt"> {
  /** The pipeline's name (also its consumer group). */
  readonly pipeline: string;
  /** The store it writes to. */
  readonly store: string;
  /** Age of the last committed batch in ms, or null before one. */
  readonly lastWriteAgeMs: number | null;
  /** Sum of the partitions' lag. */
  readonly lag: number;
  /** Per assigned partition. */
  readonly partitions: readonly PartitionLag[];
}

/** The questions {@linkcode sinkStatus} asks of a running pipeline's input. */
export type LagSource = Pick<SinkInput, "assignment" | "committed" | "watermarkOffsets">;

/**
 * A pipeline's status from its counters and, while it runs (`input` not null), the lag of its
 * assigned partitions; a lag that cannot be read now (Kafka unreachable) shows as none.
 */
export async function sinkStatus(
  pipeline: string,
  store: string,
  stats: Readonly<SinkStats>,
  input: LagSource | null,
): Promise<SinkStatus> {
  const { lastWriteAt, ...counters } = stats;
  const partitions = input === null ? [] : await partitionLags(input).catch(() => []);
  return {
    pipeline,
    store,
    ...counters,
    lastWriteAgeMs: lastWriteAt === null ? null : Math.max(0, Date.now() - lastWriteAt),
    lag: partitions.reduce((n, p) => n + p.lag, 0),
    partitions,
  };
}

async function partitionLags(input: LagSource): Promise<PartitionLag[]> {
  const committed = await input.committed(input.assignment());
  return await Promise.all(committed.map(async ({ topic, partition, offset }) => {
    const { high } = await input.watermarkOffsets(topic, partition);
    const done = Math.max(0, offset ?? 0);
    return { topic, partition, committed: done, high, lag: Math.max(0, high - done) };
  }));
}

/** The Prometheus text of several pipelines' statuses. */
export function renderSinkMetrics(statuses: readonly SinkStatus[]): string {
  const page = new PrometheusText();
  const metric = (
    name: string,
    help: string,
    type: "counter" | "gauge",
    pick: (s: SinkStatus) => number,
  ) => {
    page.family(name, type, help);
    for (const s of statuses) page.sample(name, { pipeline: s.pipeline, store: s.store }, pick(s));
  };
  metric("sinks_records_in_total", "Records read from Kafka", "counter", (s) => s.recordsIn);
  metric("sinks_rows_written_total", "Rows written", "counter", (s) => s.rowsWritten);
  metric("sinks_batches_total", "Batches written and committed", "counter", (s) => s.batches);
  metric(
    "sinks_retries_total",
    "Writes that found the store unavailable",
    "counter",
    (s) => s.retries,
  );
  metric(
    "sinks_dead_letters_total",
    "Records sent to the dead-letter topic",
    "counter",
    (s) => s.deadLetters,
  );
  metric(
    "sinks_lag",
    "Records not yet committed (sum over assigned partitions)",
    "gauge",
    (s) => s.lag,
  );
  metric(
    "sinks_last_write_age_seconds",
    "Age of the last committed batch (NaN before one)",
    "gauge",
    (s) => s.lastWriteAgeMs === null ? NaN : s.lastWriteAgeMs / 1000,
  );
  metric(
    "sinks_waiting_for_store",
    "1 while the store is unavailable",
    "gauge",
    (s) => s.waitingForStore ? 1 : 0,
  );
  page.family("sinks_partition_lag", "gauge", "Records not yet committed, per partition");
  for (const s of statuses) {
    for (const p of s.partitions) {
      page.sample(
        "sinks_partition_lag",
        { pipeline: s.pipeline, topic: p.topic, partition: p.partition },
        p.lag,
      );
    }
  }
  return page.toString();
}
