/**
 * `deno task api`: the query API and dashboard on 127.0.0.1:8080 by default. Options are declared
 * once in `options.ts` (flags > `API_*` env > `--config` file > defaults); `--help` lists them.
 * Exit codes: 0 stopped by a signal, 2 bad options or a taken port.
 *
 * @module
 */
import { dirname } from "node:path";
import { resolveTopics } from "@iot/events";
import type { KafkaConfig } from "@iot/kafka";
import {
  createJsonLogger,
  type OptionValues,
  parseCli,
  PortInUseError,
  UsageError,
} from "@iot/service";
import { createApp } from "./app.ts";
import { apiKafkaClients } from "./kafka_clients.ts";
import { apiCli, kafkaConfigOf } from "./options.ts";
import { serveApi } from "./server.ts";
import { MongoCassandraStore } from "./mongo_store.ts";
import { SqliteStore } from "./sqlite_store.ts";
import type { ApiStore } from "./store.ts";

type ApiOptions = OptionValues<typeof apiCli.options>;

/** The bearer tokens: `API_TOKEN`, the token file, and a generated one when asked. */
function tokensOf(o: ApiOptions, env: Record<string, string>): string[] {
  const tokens: string[] = [];
  if (env.API_TOKEN) tokens.push(env.API_TOKEN);
  if (o.tokenFile) {
    const text = Deno.readTextFileSync(o.tokenFile).trim();
    if (!text) throw new UsageError(`--token-file ${o.tokenFile}: the file is empty`);
    tokens.push(text);
  }
  if (o.generateToken) {
    tokens.push(
      Array.from(crypto.getRandomValues(new Uint8Array(24)), (b) => b.toString(16).padStart(2, "0"))
        .join(""),
    );
  }
  return tokens;
}

/** The configured store, disposed with `stack`. */
function openStore(o: ApiOptions, stack: AsyncDisposableStack): ApiStore {
  if (o.store === "mongo-cassandra") {
    return stack.use(
      new MongoCassandraStore({
        mongoUrl: o.mongoUrl,
        database: o.mongoDatabase,
        cassandraContactPoints: [o.cassandra],
        keyspace: o.keyspace,
      }),
    );
  }
  if (o.sqlite !== ":memory:") Deno.mkdirSync(dirname(o.sqlite), { recursive: true });
  return stack.use(new SqliteStore({ path: o.sqlite }));
}

async function run(
  o: ApiOptions,
  env: Record<string, string>,
  kafkaConfig: KafkaConfig,
): Promise<number> {
  const log = createJsonLogger({ level: o.logLevel });
  const tokens = tokensOf(o, env);
  const topics = resolveTopics(o.topics);
  await using stack = new AsyncDisposableStack();
  const store = openStore(o, stack);
  const { commands, pipeline } = o.bootstrap
    ? apiKafkaClients(
      { bootstrap: o.bootstrap, kafkaConfig, commandsTopic: topics.deviceCommands, logger: log },
      stack,
    )
    : { commands: undefined, pipeline: undefined };
  const closing = new AbortController();
  const app = createApp({
    signal: closing.signal,
    store,
    commands,
    pipeline,
    logger: log,
    config: {
      tokens,
      corsOrigins: o.corsOrigins,
      bodyLimitBytes: o.bodyLimitBytes,
      silentAfterMs: o.silentAfterMs,
      pollIntervalMs: o.pollIntervalMs,
      services: Object.fromEntries(Object.entries(o.services).filter(([, u]) => u)) as Record<
        string,
        string
      >,
    },
  });
  const server = stack.use(await serveApi({ fetch: app.fetch, host: o.host, port: o.port }));
  const base = `http://${o.host.includes(":") ? `[${o.host}]` : o.host}:${server.port}/`;
  log.info("listening", {
    url: base,
    store: o.store === "sqlite" ? o.sqlite : `${o.mongoUrl} + ${o.cassandra}`,
    kafka: o.bootstrap ?? null,
    changes: tokens.length ? "token required" : "refused (no token configured)",
  });
  // Like Jupyter: the URL carrying a generated token goes to the terminal, never to the log.
  const generated = o.generateToken ? tokens[tokens.length - 1] : undefined;
  if (generated) console.error(`\n  Dashboard: ${base}?token=${generated}\n`);
  // End the live streams first: a graceful shutdown waits for every open response.
  const stop = () => {
    closing.abort();
    server.shutdown();
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  await server.finished;
  log.info("stopped");
  return 0;
}

/** Runs the API with `args`; returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  const env = Deno.env.toObject();
  try {
    const readFile = (path: string) => Deno.readTextFileSync(path);
    const parsed = parseCli(apiCli, { args, env, readFile });
    if (parsed.help) {
      console.log(parsed.text);
      return 0;
    }
    return await run(parsed.values, env, kafkaConfigOf(parsed, readFile));
  } catch (e) {
    if (e instanceof UsageError || e instanceof PortInUseError) {
      console.error(`api: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
