/**
 * What the pipeline pages show: topics and consumer groups (from Kafka's admin API, behind
 * {@linkcode PipelineSource}) and the processor's and sinks' status documents (fetched from their
 * status URLs).
 *
 * @module
 */
import type { Admin } from "@iot/kafka";

/** One partition of a topic. */
export interface TopicPartitionInfo {
  /** Partition number. */
  readonly partition: number;
  /** Leader broker id, -1 when none. */
  readonly leader: number;
  /** Replica count. */
  readonly replicas: number;
  /** In-sync replica count. */
  readonly isr: number;
}

/** A topic and its partitions. */
export interface TopicInfo {
  /** Topic name. */
  readonly name: string;
  /** Its partitions. */
  readonly partitions: TopicPartitionInfo[];
}

/** A group's position on one partition. */
export interface GroupPartitionLag {
  /** Topic. */
  readonly topic: string;
  /** Partition. */
  readonly partition: number;
  /** Committed offset, -1 when none. */
  readonly committed: number;
  /** End offset (high watermark). */
  readonly end: number;
  /** Records left: `end - committed`. */
  readonly lag: number;
}

/** A consumer group with its lag per partition. */
export interface GroupInfo {
  /** Group id. */
  readonly groupId: string;
  /** Coordinator's view of the group, e.g. `Stable`, `Empty`. */
  readonly state: string;
  /** Total lag over its partitions. */
  readonly lag: number;
  /** Per partition. */
  readonly partitions: GroupPartitionLag[];
}

/** Topics and consumer groups of the cluster. */
export interface PipelineSource {
  /** The topics (internal ones excluded). */
  topics(): Promise<TopicInfo[]>;
  /** The consumer groups and their lag. */
  groups(): Promise<GroupInfo[]>;
}

/** A {@linkcode PipelineSource} over an `@iot/kafka` {@linkcode Admin} client owned by the caller. */
export class KafkaPipelineSource implements PipelineSource {
  /** @param admin the admin client; @param timeoutMs per request (default 5 000) */
  constructor(readonly admin: Admin, readonly timeoutMs = 5_000) {}

  /** Describes every topic. */
  async topics(): Promise<TopicInfo[]> {
    const topics = await this.admin.describeTopics(undefined, { timeoutMs: this.timeoutMs });
    return topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partition: p.partition,
        leader: p.leader,
        replicas: p.replicas.length,
        isr: p.isr.length,
      })),
    }));
  }

  /** Lists the groups and asks each for its lag. */
  async groups(): Promise<GroupInfo[]> {
    const options = { timeoutMs: this.timeoutMs };
    const groups = await this.admin.listConsumerGroups(options);
    return await Promise.all(groups.map(async (g) => {
      const lags = await this.admin.consumerGroupLag(g.groupId, options);
      const partitions = lags.map((l) => ({
        topic: l.topic,
        partition: l.partition,
        committed: l.committed >= 0 ? l.committed : -1,
        end: l.high,
        lag: l.lag,
      }));
      return {
        groupId: g.groupId,
        state: g.state,
        lag: partitions.reduce((sum, p) => sum + p.lag, 0),
        partitions,
      };
    }));
  }
}

/** A service whose status the pipeline page shows. */
export interface ServiceStatus {
  /** Its configured name, e.g. `processor`. */
  readonly name: string;
  /** The status URL asked. */
  readonly url: string;
  /** Whether it answered 2xx with JSON. */
  readonly up: boolean;
  /** Its status document as it sent it (watermarks, checkpoints, records in/out, ...). */
  readonly status: unknown;
  /** Why it is not up. */
  readonly error: string | null;
}

/**
 * Fetches each service's status document (a service given as several space-separated URLs, one
 * per instance, yields one entry per URL); one that does not answer is `up: false`.
 */
export async function fetchStatuses(
  services: Readonly<Record<string, string>>,
  fetcher: typeof fetch = fetch,
  timeoutMs = 2_000,
): Promise<ServiceStatus[]> {
  // One service may list several instances: URLs separated by spaces.
  const urls = Object.entries(services).flatMap(([name, list]) =>
    list.split(/\s+/).filter((url) => url !== "").map((url) => [name, url] as const)
  );
  return await Promise.all(
    urls.map(async ([name, url]) => {
      try {
        const response = await fetcher(url, { signal: AbortSignal.timeout(timeoutMs) });
        if (!response.ok) {
          await response.body?.cancel();
          return { name, url, up: false, status: null, error: `HTTP ${response.status}` };
        }
        return { name, url, up: true, status: await response.json(), error: null };
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        return { name, url, up: false, status: null, error };
      }
    }),
  );
}
