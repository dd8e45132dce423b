/**
 * Composes the broker: topic store, metadata store, handlers (data plane, ApiVersions, the group
 * coordinator, producer state and the transaction coordinator), the Kafka server and the admin
 * endpoint.
 *
 * @module
 */
import { ApiRegistry, type ApiSet } from "../api/mod.ts";
import {
  type BrokerContext,
  dataPlaneApis,
  ensureInternalTopics,
  wireTopicId,
} from "../handlers/mod.ts";
import { type FsyncPolicy, LogStore, MetadataStore } from "../storage/mod.ts";
import { createGroupCoordinator } from "../group/mod.ts";
import { createShareCoordinator } from "../share/mod.ts";
import { ProducerStates } from "../producers/mod.ts";
import { transactionAdminApis, transactionApis, TransactionCoordinator } from "../txn/mod.ts";
import {
  type AdminServer,
  bindKafkaListener,
  BrokerMetrics,
  KafkaServer,
  type PartitionGauge,
  startAdminServer,
  type TlsFiles,
} from "../server/mod.ts";
import {
  aclApis,
  Acls,
  authorizeApis,
  Credentials,
  saslApis,
  scramAdminApis,
} from "../security/mod.ts";
import { clientQuotaApis, ClientQuotas, QuotaEnforcer, throttleApis } from "../quota/mod.ts";
import { errorField, type Logger, silentLogger } from "@iot/service";
import {
  type SchemaRegistryServer,
  SchemaStore,
  startSchemaRegistryServer,
} from "../schema_registry/mod.ts";
import { LogCleaner } from "./log_cleaner.ts";
import { brokerDefaults } from "./options.ts";

/** Settings of {@linkcode runBroker}; every field but `dataDir` has a default. */
export interface BrokerOptions {
  /** Data directory (topics, partition logs, `__metadata/`). */
  dataDir: string;
  /** Interface to bind the Kafka port to. Default: "127.0.0.1". */
  host?: string;
  /** Kafka port; 0 picks a free one. Default: 9092. */
  port?: number;
  /** Host advertised in Metadata. Default: `host`. */
  advertisedHost?: string;
  /** Admin HTTP port (`/metrics`, `/healthz`); null disables it; 0 picks a free one. Default: null. */
  adminPort?: number | null;
  /**
   * Schema Registry REST API port (Confluent-compatible, state in the metadata store); null
   * disables it; 0 picks a free one. Default: null.
   */
  schemaRegistryPort?: number | null;
  /** Node id. Default: 1. */
  nodeId?: number;
  /** Auto-create topics asked for in Metadata (Kafka's `auto.create.topics.enable`). Default: true. */
  autoCreate?: boolean;
  /**
   * An auto-created topic is left out of Metadata answers this long after the request that
   * created it, as Kafka's controller round trip does. Default: 50.
   */
  autoCreateSettleMs?: number;
  /** Partitions of auto-created topics (`num.partitions`). Default: 1. */
  partitions?: number;
  /** fsync policy of partition logs. Default: "always". */
  fsync?: FsyncPolicy;
  /** Period of the "interval" fsync policy. Default: 1000. */
  fsyncIntervalMs?: number;
  /** Default `retention.ms` of topics. Default: 7 days. */
  retentionMs?: number;
  /** How often retention and compaction run (`log.retention.check.interval.ms`). Default: 300000. */
  maintenanceIntervalMs?: number;
  /**
   * Delay before a compacted partition whose active segment rolled is compacted
   * (`log.cleaner.backoff.ms`). Default: 15000.
   */
  logCleanerBackoffMs?: number;
  /** Close idle connections after this long. Default: 600000. */
  idleTimeoutMs?: number;
  /** Largest request frame. Default: 100 MiB. */
  maxFrameSize?: number;
  /** Log sink. Default: silent. */
  logger?: Logger;
  /**
   * SASL users (name to password; PLAIN and SCRAM-SHA-256/512). When set, every connection must
   * authenticate first. Default: null (no SASL).
   */
  saslUsers?: ReadonlyMap<string, string> | null;
  /** Serve the Kafka port over TLS with this certificate and key. Default: null (plaintext). */
  tls?: TlsFiles | null;
  /**
   * Enforce ACLs (CreateAcls/DescribeAcls/DeleteAcls manage them); without a matching ALLOW a
   * request is refused. Default: false (everything allowed, ACL APIs not offered).
   */
  authorizer?: boolean;
  /** Principals (`User:alice`) that bypass ACLs. Default: none. */
  superUsers?: readonly string[];
}

/** A running broker. */
export interface RunningBroker extends AsyncDisposable {
  /** The bound Kafka port. */
  readonly port: number;
  /** The bound admin port, or null. */
  readonly adminPort: number | null;
  /** The bound Schema Registry port, or null. */
  readonly schemaRegistryPort: number | null;
  /** `host:port` for clients. */
  readonly bootstrap: string;
  /** The topic store (tests, tools). */
  readonly store: LogStore;
  /** The server's counters. */
  readonly metrics: BrokerMetrics;
  /** Graceful stop: stop accepting, finish in-flight requests, flush and close storage. */
  close(): Promise<void>;
}

/**
 * Opens storage and starts serving. Startup does no heavy work beyond opening (and recovering)
 * the partition logs.
 *
 * @example
 * ```ts
 * import { runBroker } from "./broker.ts";
 * await using broker = await runBroker({ dataDir: await Deno.makeTempDir(), port: 0 });
 * console.log(broker.bootstrap);
 * ```
 */
export async function runBroker(options: BrokerOptions): Promise<RunningBroker> {
  const logger = options.logger ?? silentLogger;
  const host = options.host ?? brokerDefaults.host;
  const store = await LogStore.open({
    dir: options.dataDir,
    fsync: options.fsync ?? brokerDefaults.fsync,
    fsyncIntervalMs: options.fsyncIntervalMs ?? brokerDefaults.fsyncIntervalMs,
    defaults: { retentionMs: options.retentionMs ?? brokerDefaults.retentionMs },
  });
  await ensureInternalTopics(store);
  const metadata = await MetadataStore.open(`${options.dataDir}/__metadata`);
  const clusterId = await ensureClusterId(metadata);
  const metrics = new BrokerMetrics();
  const nodeId = options.nodeId ?? 1;
  // Bind first: with port 0 the advertised port is only known afterwards.
  let listener: ReturnType<typeof bindKafkaListener>;
  try {
    listener = bindKafkaListener(
      host,
      options.port ?? brokerDefaults.port,
      options.tls ?? undefined,
    );
  } catch (e) {
    await store.close();
    await metadata.close();
    throw e;
  }
  const identity = {
    nodeId,
    host: options.advertisedHost ?? host,
    port: listener.addr.port,
    clusterId,
  };
  const ctx: BrokerContext = {
    store,
    identity,
    topics: {
      autoCreate: options.autoCreate ?? brokerDefaults.autoCreate,
      settleMs: options.autoCreateSettleMs ?? brokerDefaults.autoCreateSettleMs,
      partitions: options.partitions ?? brokerDefaults.partitions,
    },
    logger,
  };
  const extra = await openCoordinators(metadata, ctx, logger);
  const acls = options.authorizer ? new Acls(metadata, options.superUsers ?? []) : null;
  const topicName = (id: string) => store.listTopics().find((t) => wireTopicId(t) === id)?.name;
  const guard = (set: ApiSet) => acls ? authorizeApis(set, acls, topicName) : set;
  const quotas = new ClientQuotas(metadata);
  const throttled = throttleApis(dataPlaneApis(ctx), new QuotaEnforcer(quotas), Date.now);
  const apis = new ApiRegistry().register("data plane", guard(throttled));
  apis.register("client quotas", guard(clientQuotaApis(quotas)));
  for (const [owner, set] of extra.apis) apis.register(owner, guard(set));
  const sasl = options.saslUsers ?? null;
  const credentials = await Credentials.open(metadata, sasl ?? new Map());
  apis.register("scram credentials", guard(scramAdminApis(credentials)));
  if (sasl) apis.register("sasl", guard(saslApis(credentials)));
  if (acls) apis.register("acls", guard(aclApis(acls)));
  const server = KafkaServer.listen({
    apis,
    listener,
    requireSasl: sasl !== null,
    idleTimeoutMs: options.idleTimeoutMs ?? brokerDefaults.idleTimeoutMs,
    maxFrameSize: options.maxFrameSize,
    logger,
    metrics,
  });
  const cleaner = new LogCleaner({
    store,
    backoffMs: options.logCleanerBackoffMs ?? brokerDefaults.logCleanerBackoffMs,
    logger,
  });
  let serving = true;
  let admin: AdminServer | null = null;
  let registry: SchemaRegistryServer | null = null;
  try {
    admin = options.adminPort == null ? null : startAdminServer({
      hostname: host,
      port: options.adminPort,
      metrics: () => metrics.render(partitionGauges(store)),
      healthy: () => serving,
      logger,
    });
    registry = options.schemaRegistryPort == null ? null : startSchemaRegistryServer({
      hostname: host,
      port: options.schemaRegistryPort,
      store: SchemaStore.open(metadata),
      logger,
    });
  } catch (e) {
    // A taken admin or registry port: release what is already open before reporting it.
    await admin?.close();
    await server.close();
    await cleaner.close();
    await extra.close();
    await store.close();
    await metadata.close();
    throw e;
  }
  const maintenance = setInterval(() => {
    store.maintain().then(async (r) => {
      if (r.segmentsDeleted + r.segmentsCompacted > 0) logger.info("log maintenance", { ...r });
      await extra.maintain();
    }).catch((e) => logger.error("log maintenance failed", { error: errorField(e) }));
  }, options.maintenanceIntervalMs ?? brokerDefaults.maintenanceIntervalMs);
  let closing: Promise<void> | undefined;
  const close = () =>
    closing ??= (async () => {
      serving = false;
      clearInterval(maintenance);
      await registry?.close();
      await server.close();
      await cleaner.close();
      await extra.close();
      await store.flush();
      await store.close();
      await metadata.close();
      await admin?.close();
    })();
  return {
    port: server.port,
    adminPort: admin?.port ?? null,
    schemaRegistryPort: registry?.port ?? null,
    bootstrap: `${identity.host}:${server.port}`,
    store,
    metrics,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * Opens the idempotent-producer state, the group coordinator and the transaction coordinator over
 * the metadata store (the transaction coordinator wraps InitProducerId).
 */
async function openCoordinators(
  metadata: MetadataStore,
  ctx: BrokerContext,
  logger: Logger,
): Promise<
  {
    apis: [owner: string, apis: ApiSet][];
    maintain: () => Promise<void>;
    close: () => Promise<void>;
  }
> {
  const producers = await ProducerStates.open(metadata);
  ctx.producers = producers;
  const txns = await TransactionCoordinator.open({
    metadata,
    producers,
    logs: ctx.store,
    onError: (e) => logger.error("transaction completion failed", { error: errorField(e) }),
  });
  ctx.transactions = txns.log;
  const topics = () =>
    ctx.store.listTopics().map((t) => ({
      id: wireTopicId(t),
      name: t.name,
      partitions: t.partitions,
    }));
  // Share and classic/consumer groups share one id space: each asks the other who owns an id.
  let groupsRef: { hasGroup(id: string): boolean } | null = null;
  const shares = createShareCoordinator({
    metadata,
    store: ctx.store,
    topics,
    nodeId: ctx.identity.nodeId,
    otherGroup: (id) => groupsRef?.hasGroup(id) ?? false,
    onError: (e) => logger.error("share coordinator write failed", { error: errorField(e) }),
  });
  ctx.groupConfigs = shares.configs;
  const groups = await createGroupCoordinator({
    metadata,
    nodeId: ctx.identity.nodeId,
    host: ctx.identity.host,
    port: ctx.identity.port,
    pendingOffset: (group, topic, partition) => txns.hasPendingOffset(group, topic, partition),
    topics,
    shareGroups: shares,
    onError: (e) => logger.error("group coordinator write failed", { error: errorField(e) }),
  });
  groupsRef = groups;
  return {
    apis: [
      ["groups", groups.apis],
      ["share groups", shares.apis],
      ["transactions", transactionApis(txns)],
      ["transaction admin", transactionAdminApis({ txns, producers, logs: ctx.store })],
    ],
    // Aborted-transaction entries below the log start offset are of no use to any reader.
    maintain: async () => {
      for (const g of partitionGauges(ctx.store)) {
        await txns.index.prune(g.topic, g.partition, g.logStartOffset);
      }
    },
    close: async () => {
      await shares.close();
      await groups.close();
      await txns.close();
      await producers.close();
    },
  };
}

async function ensureClusterId(metadata: MetadataStore): Promise<string> {
  const existing = metadata.get("cluster/id");
  if (typeof existing === "string") return existing;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const id = btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
  await metadata.set("cluster/id", id);
  return id;
}

function partitionGauges(store: LogStore): PartitionGauge[] {
  const out: PartitionGauge[] = [];
  for (const t of store.listTopics()) {
    for (let p = 0; p < t.partitions; p++) {
      const log = store.partition(t.name, p);
      if (!log) continue;
      out.push({
        topic: t.name,
        partition: p,
        sizeBytes: log.sizeBytes,
        highWatermark: log.highWatermark,
        logStartOffset: log.logStartOffset,
      });
    }
  }
  return out;
}
