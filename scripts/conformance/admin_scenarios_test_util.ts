/**
 * Kafka's own admin tools against any broker (issue 16, item 2): kafka-configs (incremental
 * alter + describe), kafka-delete-records, kafka-transactions (list, describe-producers),
 * kafka-leader-election and kafka-cluster. Each returns broker-independent observations.
 * (Kafka refuses keyless records on a compacted topic; the shim does not check that yet, so the
 * scenario produces keyed records.)
 *
 * @module
 */
import { uniqueName } from "@iot/testing";
import { java } from "./scenarios_test_util.ts";

/** What {@linkcode javaAdminTools} observes. */
export interface AdminToolsView {
  /** Dynamic topic configs after `kafka-configs --alter --add-config`, sorted `k=v`. */
  dynamicConfigs: string[];
  /** kafka-delete-records on the compact-only topic: refused by policy? */
  compactRefused: boolean;
  /** Low watermark reported by kafka-delete-records for offset 3 once the policy is delete. */
  lowWatermark: string | null;
  /** Producers kafka-transactions describe-producers lists for the partition. */
  producers: number;
  /** kafka-transactions list header columns. */
  listColumns: string[];
  /** kafka-leader-election's verdict for the topic's partition. */
  election: string;
  /** kafka-cluster cluster-id printed an id. */
  clusterId: boolean;
}

const tool = (name: string) => `org.apache.kafka.tools.${name}`;

/** Runs the admin tools over one fresh topic with 5 idempotently produced records. */
export async function javaAdminTools(bootstrap: string): Promise<AdminToolsView> {
  const topic = uniqueName("conf-admin");
  const server = ["--bootstrap-server", bootstrap];
  await java(tool("TopicCommand"), [...server, "--create", "--topic", topic, "--partitions", "1"]);
  const addConfig = (configs: string) =>
    java("kafka.admin.ConfigCommand", [
      ...server,
      "--alter",
      "--entity-type",
      "topics",
      "--entity-name",
      topic,
      "--add-config",
      configs,
    ]);
  await addConfig("retention.ms=86400000,cleanup.policy=compact,segment.bytes=1048576");
  const described = await java("kafka.admin.ConfigCommand", [
    ...server,
    "--describe",
    "--entity-type",
    "topics",
    "--entity-name",
    topic,
  ]);
  const dynamicConfigs = [...described.matchAll(/^\s+([a-z.]+=\S+) sensitive=/gm)].map((m) => m[1])
    .sort();
  // Keyed: a compacted topic refuses records without a key.
  await java(tool("ConsoleProducer"), [
    ...server,
    "--topic",
    topic,
    "--property",
    "parse.key=true",
    "--property",
    "key.separator=:",
  ], "a:1\nb:2\nc:3\nd:4\ne:5\n");
  const offsets = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(
      offsets,
      JSON.stringify({ partitions: [{ topic, partition: 0, offset: 3 }], version: 1 }),
    );
    const deleteRecords = () =>
      java(tool("DeleteRecordsCommand"), [...server, "--offset-json-file", offsets]);
    const compactRefused = (await deleteRecords()).includes("PolicyViolationException");
    await addConfig("cleanup.policy=delete");
    const deleted = await deleteRecords();
    const lowWatermark = /low_watermark: (\d+)/.exec(deleted)?.[1] ?? null;
    const producers = await java(tool("TransactionsCommand"), [
      ...server,
      "describe-producers",
      "--topic",
      topic,
      "--partition",
      "0",
    ]);
    const listed = await java(tool("TransactionsCommand"), [...server, "list"]);
    const election = await java(tool("LeaderElectionCommand"), [
      ...server,
      "--election-type",
      "preferred",
      "--topic",
      topic,
      "--partition",
      "0",
    ]).catch((e: Error) => e.message);
    const cluster = await java(tool("ClusterTool"), ["cluster-id", ...server]);
    return {
      dynamicConfigs,
      compactRefused,
      lowWatermark,
      producers: producers.trim().split("\n").length - 1,
      listColumns: listed.trim().split("\n")[0].trim().split(/\s+/),
      election: election.includes("Valid replica already elected")
        ? "already elected"
        : election.trim(),
      clusterId: /Cluster ID: \S+/.test(cluster),
    };
  } finally {
    await Deno.remove(offsets);
  }
}
