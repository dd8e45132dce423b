/**
 * The services `deno task dev` runs, as data: what each runs, the ports it listens on, what it
 * needs first and its arguments from the launch settings. sinks and api are listed already and
 * started only when their `main.ts` exists. To add a service, add an entry.
 *
 * @module
 */

/** The settings of one `deno task dev` run that service arguments are built from. */
export interface LaunchContext {
  /** Kafka bootstrap servers: the shim's port, or `--kafka`. */
  bootstrap: string;
  /** Whether `--kafka` points at an existing cluster (then the shim is not started). */
  externalKafka: boolean;
  /** `--kafka-properties`: absolute path of the client properties file every service gets. */
  kafkaProperties?: string;
  /** Root data directory (each service gets a folder under it). */
  dataDir: string;
  /** Port of each `service.port` name, e.g. `ports["broker.kafka"]`. */
  ports: Readonly<Record<string, number>>;
  /** Fleet of the simulator. */
  fleet: {
    devices: number;
    vehicles: number;
    rate: string;
    overheat?: readonly string[];
    pressureSpike?: readonly string[];
  };
  /** MongoDB URL for sinks and API, instead of the embedded store. */
  mongoUrl?: string;
  /** Cassandra contact point for sinks and API, instead of the embedded store. */
  cassandra?: string;
  /** File holding this run's API token. */
  tokenFile: string;
}

/** One row of the services table. */
export interface ServiceEntry {
  /** Name and log prefix. */
  name: string;
  /** Repo-relative entry point, run as `deno run -A <main>`. */
  main: string;
  /** Started only when `main` exists (members still being written). */
  optional?: boolean;
  /** Names of the ports it listens on; the launcher assigns numbers. */
  ports: readonly string[];
  /** Port whose accepting connections means the service is ready. */
  readyPort?: string;
  /** Services that must be ready first. */
  dependsOn: readonly string[];
  /** When it dies, the launcher stops everything. */
  essential: boolean;
  /** Started at all in this run (the shim is not when `--kafka` is given). */
  enabled?: (ctx: LaunchContext) => boolean;
  /**
   * V8 flags it runs with (`deno run --v8-flags=...`; compiled executables carry them already).
   * The broker's are `brokerV8Flags` of `@iot/broker`, repeated here because apps import no
   * other app; `scripts/compile_test.ts` checks the two agree.
   */
  v8Flags?: readonly string[];
  /** Command-line arguments. */
  args: (ctx: LaunchContext) => string[];
  /** Extra environment variables. */
  env?: (ctx: LaunchContext) => Record<string, string>;
  /** URLs to print once it is ready, by label. */
  urls?: (ctx: LaunchContext) => Record<string, string>;
}

const local = (port: number) => `http://127.0.0.1:${port}`;

/**
 * Where the sinks write and the API reads: MongoDB/Cassandra when given, else the embedded
 * SQLite store under the data dir. Flag names follow `deno task sinks:schema`.
 */
function sinksStoreArgs(ctx: LaunchContext): string[] {
  const args: string[] = [];
  if (ctx.mongoUrl) args.push("--mongo-url", ctx.mongoUrl);
  if (ctx.cassandra) args.push("--cassandra", ctx.cassandra);
  if (args.length === 0) args.push("--sqlite-path", `${ctx.dataDir}/store/iot.db`);
  return args;
}

function apiStoreArgs(ctx: LaunchContext): string[] {
  if (ctx.mongoUrl && ctx.cassandra) {
    return [
      "--store",
      "mongo-cassandra",
      "--mongo-url",
      ctx.mongoUrl,
      "--cassandra",
      ctx.cassandra,
    ];
  }
  return ["--sqlite", `${ctx.dataDir}/store/iot.db`];
}

/**
 * The simulator's arguments: one entry so the flags can follow the producer's CLI. Real-time
 * pacing (event time = wall clock, continuous) keeps records inside retention and makes windows
 * close as time passes.
 */
export function producerArgs(ctx: LaunchContext): string[] {
  return [
    ...kafkaArgs(ctx),
    "--devices",
    String(ctx.fleet.devices),
    "--vehicles",
    String(ctx.fleet.vehicles),
    "--rate",
    ctx.fleet.rate,
    ...(ctx.fleet.overheat ?? []).flatMap((a) => ["--overheat", a]),
    ...(ctx.fleet.pressureSpike ?? []).flatMap((a) => ["--pressure-spike", a]),
  ];
}

/** Where a service finds Kafka: `--bootstrap`, and the properties file's path when given. */
export function kafkaArgs(ctx: LaunchContext): string[] {
  return [
    "--bootstrap",
    ctx.bootstrap,
    ...(ctx.kafkaProperties !== undefined ? ["--kafka-properties", ctx.kafkaProperties] : []),
  ];
}

/** The services, each after those it depends on. */
export const services: readonly ServiceEntry[] = [
  {
    name: "broker",
    main: "broker/main.ts",
    ports: ["kafka", "admin"],
    readyPort: "kafka",
    dependsOn: [],
    essential: true,
    v8Flags: ["--max-semi-space-size=1"],
    enabled: (ctx) => !ctx.externalKafka,
    args: (ctx) => [
      "--port",
      String(ctx.ports["broker.kafka"]),
      "--admin-port",
      String(ctx.ports["broker.admin"]),
      "--data-dir",
      `${ctx.dataDir}/broker`,
      // Several partitions so more processor and sink instances can share the work.
      "--partitions",
      "4",
    ],
    urls: (ctx) => ({
      kafka: ctx.bootstrap,
      metrics: `${local(ctx.ports["broker.admin"])}/metrics`,
    }),
  },
  {
    name: "producer",
    main: "producer/main.ts",
    ports: [],
    dependsOn: ["broker"],
    essential: false,
    args: producerArgs,
  },
  {
    name: "processor",
    main: "processor/main.ts",
    ports: ["status"],
    readyPort: "status",
    dependsOn: ["broker"],
    essential: false,
    args: (ctx) => [
      ...kafkaArgs(ctx),
      "--state-dir",
      `${ctx.dataDir}/processor`,
      "--status-port",
      String(ctx.ports["processor.status"]),
    ],
    urls: (ctx) => ({
      status: `${local(ctx.ports["processor.status"])}/status`,
      metrics: `${local(ctx.ports["processor.status"])}/metrics`,
    }),
  },
  {
    name: "sinks",
    main: "sinks/main.ts",
    optional: true,
    ports: ["metrics"],
    dependsOn: ["broker"],
    essential: false,
    args: (ctx) => [
      ...kafkaArgs(ctx),
      ...sinksStoreArgs(ctx),
      "--status-port",
      String(ctx.ports["sinks.metrics"]),
    ],
    urls: (ctx) => ({ metrics: `${local(ctx.ports["sinks.metrics"])}/metrics` }),
  },
  {
    name: "api",
    main: "api/main.ts",
    optional: true,
    ports: ["http"],
    readyPort: "http",
    dependsOn: ["broker"],
    essential: false,
    args: (ctx) => [
      ...kafkaArgs(ctx),
      ...apiStoreArgs(ctx),
      "--token-file",
      ctx.tokenFile,
      "--port",
      String(ctx.ports["api.http"]),
      // The dashboard's pipeline page shows their status documents.
      "--service",
      `processor=${local(ctx.ports["processor.status"])}/status`,
      "--service",
      `sinks=${local(ctx.ports["sinks.metrics"])}/status`,
    ],
    // The token travels in a file (only its path is in argv or the environment).
    env: (ctx) => ({ API_TOKEN_FILE: ctx.tokenFile }),
    urls: (ctx) => ({ api: local(ctx.ports["api.http"]) }),
  },
];

/** Every `service.port` name of `entries`, in table order (the order of `--port-base` offsets). */
export function portNames(entries: readonly ServiceEntry[]): string[] {
  return entries.flatMap((e) => e.ports.map((p) => `${e.name}.${p}`));
}
