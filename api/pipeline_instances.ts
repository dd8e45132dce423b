/**
 * Every worker instance of every consumer group, read from the status documents of the
 * processor and sinks instances the API is told about (`--service processor=URL1 URL2 ...`):
 * the partitions each owns, their lag, checkpoint age and state size.
 *
 * @module
 */
import type { ServiceStatus } from "./pipeline.ts";

/** One partition an instance owns. */
export interface InstancePartition {
  /** Topic. */
  readonly topic: string;
  /** Partition. */
  readonly partition: number;
  /** Records left, `null` when unknown. */
  readonly lag: number | null;
  /** Age of its last checkpoint (processor) or write (sinks), ms; `null` before the first. */
  readonly checkpointAgeMs: number | null;
  /** Keys with state (processor), `null` for stateless workers. */
  readonly stateKeys: number | null;
  /** Bytes of its last checkpoint's data files (processor), `null` when none. */
  readonly stateBytes: number | null;
}

/** One instance of one consumer group. */
export interface GroupInstance {
  /** The consumer group. */
  readonly group: string;
  /** The service kind (`processor`, `sinks`). */
  readonly service: string;
  /** The instance id (processor) or its status URL (sinks). */
  readonly instance: string;
  /** What it owns now. */
  readonly partitions: InstancePartition[];
  /** Sum of its partitions' lag. */
  readonly lag: number;
}

interface ProcessorDoc {
  jobs?: {
    job: string;
    groupId?: string;
    instanceId: string;
    tasks: {
      topic: string;
      partition: number;
      lag: number | null;
      checkpointAgeMs: number | null;
      stateKeys: number;
      checkpointBytes: number | null;
    }[];
  }[];
}

interface SinksDoc {
  pipelines?: {
    pipeline: string;
    lastWriteAgeMs: number | null;
    partitions: { topic: string; partition: number; lag: number }[];
  }[];
}

/** The instances in `services`' status documents (those that answered), by group then instance. */
export function groupInstances(services: readonly ServiceStatus[]): GroupInstance[] {
  const out: GroupInstance[] = [];
  const add = (group: string, service: string, instance: string, parts: InstancePartition[]) =>
    out.push({
      group,
      service,
      instance,
      partitions: parts,
      lag: parts.reduce((n, p) => n + (p.lag ?? 0), 0),
    });
  for (const s of services) {
    if (!s.up || typeof s.status !== "object" || s.status === null) continue;
    for (const job of (s.status as ProcessorDoc).jobs ?? []) {
      add(
        job.groupId ?? job.job,
        s.name,
        job.instanceId,
        job.tasks.map((t) => ({
          topic: t.topic,
          partition: t.partition,
          lag: t.lag,
          checkpointAgeMs: t.checkpointAgeMs,
          stateKeys: t.stateKeys,
          stateBytes: t.checkpointBytes,
        })),
      );
    }
    for (const p of (s.status as SinksDoc).pipelines ?? []) {
      add(
        p.pipeline,
        s.name,
        s.url,
        p.partitions.map((x) => ({
          topic: x.topic,
          partition: x.partition,
          lag: x.lag,
          checkpointAgeMs: p.lastWriteAgeMs,
          stateKeys: null,
          stateBytes: null,
        })),
      );
    }
  }
  return out.sort((a, b) =>
    a.group === b.group ? a.instance.localeCompare(b.instance) : a.group.localeCompare(b.group)
  );
}
