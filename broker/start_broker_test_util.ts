/**
 * Test helper: a broker shim on a free port and a temp data dir, in-process (fast) or as a child
 * process (for kill -9 and RSS measurements). Returns an `AsyncDisposable`.
 *
 * @example
 * ```ts
 * import { startBroker } from "./start_broker_test_util.ts";
 * await using broker = await startBroker();
 * console.log(broker.bootstrap); // "127.0.0.1:40123"
 * ```
 *
 * @module
 */
import { runBroker, type RunningBroker } from "./app/run_broker.ts";
import type { FsyncPolicy } from "./storage/mod.ts";
import type { Logger } from "@iot/service";
import { brokerDenoArgs } from "./v8_flags.ts";

/** Options for {@linkcode startBroker}; all have defaults. */
export interface StartBrokerOptions {
  /** Run in this process or as `deno run -A broker/main.ts`. Default: "in-process". */
  mode?: "in-process" | "child";
  /** Data directory; reuse one to test restarts. Default: a new temp dir, removed on dispose. */
  dataDir?: string;
  /** fsync policy. Default: "always". */
  fsync?: FsyncPolicy;
  /** Partitions of auto-created topics. Default: 1. */
  partitions?: number;
  /** Auto-create topics on Metadata. Default: true. */
  autoCreate?: boolean;
  /** Kafka port. Default: 0 (any free port). */
  port?: number;
  /** Idle connection timeout. Default: 600000. */
  idleTimeoutMs?: number;
  /** Largest request frame. Default: 100 MiB. */
  maxFrameSize?: number;
  /** Start an admin HTTP endpoint on a free port. Default: false. */
  admin?: boolean;
  /** Logger for in-process mode. Default: silent. */
  logger?: Logger;
  /** SASL users (name to password); in-process mode only. Default: no SASL. */
  saslUsers?: Record<string, string>;
  /** TLS certificate and key (PEM text); in-process mode only. Default: plaintext. */
  tls?: { cert: string; key: string };
  /** Check requests against ACLs (`--authorizer`); in-process mode only. Default: false. */
  authorizer?: boolean;
  /** Principals that bypass the ACLs (`User:admin`); in-process mode only. */
  superUsers?: string[];
}

/** A broker started by {@linkcode startBroker}. */
export interface TestBroker extends AsyncDisposable {
  /** `127.0.0.1:<port>`. */
  readonly bootstrap: string;
  /** Kafka port. */
  readonly port: number;
  /** Admin port, or null. */
  readonly adminPort: number | null;
  /** Data directory. */
  readonly dataDir: string;
  /** Child process id (child mode), else null. */
  readonly pid: number | null;
  /** The in-process broker (in-process mode), else null. */
  readonly broker: RunningBroker | null;
  /** Kills the child with SIGKILL (no flush) and waits for it to exit; child mode only. */
  kill(): Promise<void>;
  /** Stops gracefully (and removes a temp data dir); idempotent. */
  close(): Promise<void>;
}

/** Starts a broker shim for a test. */
export async function startBroker(options: StartBrokerOptions = {}): Promise<TestBroker> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? await Deno.makeTempDir({ prefix: "broker-test-" });
  const removeDir = async () => {
    if (ownDir) await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  };
  if ((options.mode ?? "in-process") === "in-process") {
    const broker = await runBroker({
      dataDir,
      port: options.port ?? 0,
      fsync: options.fsync,
      partitions: options.partitions,
      autoCreate: options.autoCreate,
      idleTimeoutMs: options.idleTimeoutMs,
      maxFrameSize: options.maxFrameSize,
      adminPort: options.admin ? 0 : null,
      logger: options.logger,
      saslUsers: options.saslUsers ? new Map(Object.entries(options.saslUsers)) : null,
      tls: options.tls ?? null,
      authorizer: options.authorizer ?? false,
      superUsers: options.superUsers ?? [],
    });
    let closing: Promise<void> | undefined;
    const close = () => closing ??= broker.close().then(removeDir);
    return {
      bootstrap: broker.bootstrap,
      port: broker.port,
      adminPort: broker.adminPort,
      dataDir,
      pid: null,
      broker,
      kill: () => Promise.reject(new TypeError("kill() needs mode: 'child'")),
      close,
      [Symbol.asyncDispose]: close,
    };
  }
  return await startChild(options, dataDir, removeDir);
}

async function startChild(
  options: StartBrokerOptions,
  dataDir: string,
  removeDir: () => Promise<void>,
): Promise<TestBroker> {
  const main = new URL("./main.ts", import.meta.url).pathname;
  const args = [
    "run",
    "-A",
    ...brokerDenoArgs(),
    main,
    "--port",
    String(options.port ?? 0),
    "--data-dir",
    dataDir,
  ];
  if (options.fsync) args.push("--fsync", options.fsync);
  if (options.partitions) args.push("--partitions", String(options.partitions));
  if (options.autoCreate !== undefined) args.push("--auto-create", String(options.autoCreate));
  if (options.idleTimeoutMs) args.push("--idle-timeout-ms", String(options.idleTimeoutMs));
  if (options.admin) args.push("--admin-port", "0");
  const child = new Deno.Command(Deno.execPath(), {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  let ready: { port: number; adminPort: number | null } | undefined;
  while (!ready) {
    const { value, done } = await lines.read();
    if (done) {
      await child.status;
      await removeDir();
      throw new Error(`broker child exited before it was ready: ${buffered.slice(-500)}`);
    }
    buffered += value;
    for (const line of buffered.split("\n")) {
      if (line.includes('"broker ready"')) ready = JSON.parse(line);
    }
  }
  // Keep draining stdout so the child never blocks on a full pipe.
  const drained = (async () => {
    try {
      while (!(await lines.read()).done) { /* discard */ }
    } catch { /* child gone */ }
  })();
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  let closing: Promise<void> | undefined;
  const close = () =>
    closing ??= (async () => {
      if (!exited) child.kill("SIGTERM");
      await status;
      await drained;
      await removeDir();
    })();
  return {
    bootstrap: `127.0.0.1:${ready.port}`,
    port: ready.port,
    adminPort: ready.adminPort,
    dataDir,
    pid: child.pid,
    broker: null,
    async kill() {
      if (!exited) child.kill("SIGKILL");
      await status;
      await drained;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
