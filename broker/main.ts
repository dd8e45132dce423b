/**
 * The broker shim's CLI: `deno task broker --port 9092 --data-dir ./data/broker`.
 *
 * Options are declared once in `app/options.ts`: flags win, then `BROKER_*` environment
 * variables, then a `--config` JSON file, then defaults. Prints one JSON log line
 * `{"msg":"broker ready","port":…,"adminPort":…}` once it accepts connections; SIGINT/SIGTERM
 * stop it gracefully (finish in-flight requests, flush, close).
 *
 * Exit codes: 0 stopped, 1 failed, 2 a bad flag, a taken port or a data directory in use (one line
 * on stderr).
 *
 * @module
 */
import {
  bindOrExplain,
  createJsonLogger,
  DirLockedError,
  errorField,
  lockDir,
  type OptionValues,
  parseCli,
  PortInUseError,
  UsageError,
} from "@iot/service";
import { type BrokerOptions, runBroker } from "./app/run_broker.ts";
import { brokerCli } from "./app/options.ts";
import { parseUsersFile } from "./security/mod.ts";

type Config = OptionValues<typeof brokerCli.options>;

/** Prints the help text and returns 0, or the config, or 2 after printing the one-line error. */
function readConfig(args: readonly string[]): Config | number {
  try {
    const parsed = parseCli(brokerCli, {
      args,
      env: Deno.env.toObject(),
      readFile: (path) => Deno.readTextFileSync(path),
    });
    if (!parsed.help) return parsed.values;
    console.log(parsed.text.trimEnd());
    return 0;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    const hint = e.message.includes("--help") ? "" : " (see --help)";
    console.error(`broker: ${e.message}${hint}`);
    return 2;
  }
}

/** Reads the SASL users and TLS files named by the config (secrets: never logged). */
function readSecurity(config: Config): Pick<BrokerOptions, "saslUsers" | "tls"> {
  const read = (path: string, flag: string) => {
    try {
      return Deno.readTextFileSync(path);
    } catch (e) {
      throw new UsageError(`${flag} ${path}: ${(e as Error).message}`);
    }
  };
  if ((config.tlsCertFile === undefined) !== (config.tlsKeyFile === undefined)) {
    throw new UsageError("--tls-cert-file and --tls-key-file go together");
  }
  let saslUsers = null;
  if (config.saslUsersFile !== undefined) {
    const text = read(config.saslUsersFile, "--sasl-users-file");
    try {
      saslUsers = parseUsersFile(text, config.saslUsersFile);
    } catch (e) {
      throw new UsageError(`--sasl-users-file ${(e as Error).message}`);
    }
  }
  const tls = config.tlsCertFile === undefined ? null : {
    cert: read(config.tlsCertFile, "--tls-cert-file"),
    key: read(config.tlsKeyFile!, "--tls-key-file"),
  };
  return { saslUsers, tls };
}

/** `--super-users User:a,User:b` as a list. */
function superUsersOf(config: Config): string[] {
  return (config.superUsers ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
}

async function main(args: readonly string[]): Promise<number> {
  const config = readConfig(args);
  if (typeof config === "number") return config;
  let security;
  try {
    security = readSecurity(config);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`broker: ${e.message}`);
    return 2;
  }
  const logger = createJsonLogger({ level: config.logLevel });
  // Listen before anything is held, so a signal at any point releases the data-dir lock.
  const { promise: stopped, resolve } = Promise.withResolvers<string>();
  const signals = ["SIGINT", "SIGTERM"] as const;
  const listeners = signals.map((signal) => [signal, () => resolve(signal)] as const);
  for (const [signal, listener] of listeners) Deno.addSignalListener(signal, listener);
  let lock;
  let broker;
  try {
    lock = lockDir(config.dataDir, {
      onStale: (owner) => logger.warn("took over a stale data-dir lock", { ...owner }),
    });
    broker = await bindOrExplain(
      "Kafka port",
      config.port,
      "--port",
      () =>
        runBroker({
          ...config,
          ...security,
          superUsers: superUsersOf(config),
          adminPort: config.adminPort ?? null,
          schemaRegistryPort: config.schemaRegistryPort ?? null,
          logger,
        }),
    );
  } catch (e) {
    lock?.release();
    for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
    if (e instanceof PortInUseError || e instanceof DirLockedError) {
      console.error(`broker: ${e.message}`);
      return 2;
    }
    logger.error("broker failed to start", { error: errorField(e) });
    return 1;
  }
  logger.info("broker ready", {
    host: config.host,
    port: broker.port,
    adminPort: broker.adminPort,
    schemaRegistryPort: broker.schemaRegistryPort,
    dataDir: config.dataDir,
    fsync: config.fsync,
    autoCreate: config.autoCreate,
    partitions: config.partitions,
    sasl: security.saslUsers ? "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512" : "off",
    tls: security.tls ? "on" : "off",
  });
  logger.info("shutting down", { signal: await stopped });
  for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
  try {
    await broker.close();
  } catch (e) {
    logger.error("shutdown failed", { error: errorField(e) });
    return 1;
  } finally {
    lock.release();
  }
  logger.info("broker stopped");
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
