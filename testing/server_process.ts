/**
 * The lifecycle of a local test server process: spawn with output to a log file, wait until it
 * serves a TCP port (and logged its ready line), stop gracefully or kill, and remove its temp dir
 * on dispose. Shared by {@linkcode startKafka}, {@linkcode startFerretDb} and
 * {@linkcode startCassandra}, as is the wrapper of a shared server ({@linkcode sharedLifecycle}).
 *
 * @module
 */
import { acceptsTcp } from "./net.ts";
import { delay, waitFor } from "./wait_for.ts";

/** How to launch one server. */
export interface ServerSpec {
  /** Name used in errors, e.g. "FerretDB". */
  name: string;
  /** Executable to run. */
  command: string;
  /** Its arguments. */
  args: string[];
  /** Temp dir owned by the server: holds its data and log, removed on dispose. */
  dir: string;
  /** The port that accepts connections once the server is ready. */
  port: number;
  /** How long a (re)start may take, in milliseconds. */
  startTimeoutMs: number;
  /** How long a graceful stop may take before SIGKILL, in milliseconds. */
  stopTimeoutMs: number;
  /** The log file's name in `dir`. Default: "server.log". */
  logFile?: string;
  /**
   * Text the server logs once it serves clients; a start is ready only when the log written since
   * that start holds it (as well as the port accepting). Default: none, the port alone.
   */
  readyLine?: string;
}

/** Stop, restart and dispose of a test server: what every `start*()` helper returns. */
export interface ServerLifecycle extends AsyncDisposable {
  /** Stops the server gracefully and waits for it to exit; keeps ports and data. */
  stop(): Promise<void>;
  /** Starts a stopped server again on the same ports and data, and waits until it is ready. */
  start(): Promise<void>;
}

/** Options for {@linkcode launchServer}. */
export interface LaunchOptions {
  /** Aborts startup; the server is killed and its dir removed. Default: none. */
  signal?: AbortSignal;
  /** Runs before the first start, e.g. to write config into `dir`. Default: none. */
  prepare?: () => Promise<void>;
}

/**
 * Prepares and starts the server of `spec`; on any failure kills it and removes its dir before
 * rethrowing, so a failed launch leaves nothing behind.
 */
export async function launchServer(
  spec: ServerSpec,
  options: LaunchOptions = {},
): Promise<ServerLifecycle> {
  const server = new ServerProcess(spec);
  try {
    await options.prepare?.();
    await server.start(options.signal);
  } catch (e) {
    await server[Symbol.asyncDispose]();
    throw e;
  }
  return {
    stop: () => server.stop(),
    start: () => server.start(),
    [Symbol.asyncDispose]: () => server[Symbol.asyncDispose](),
  };
}

/**
 * The lifecycle of an externally managed server: `stop()`/`start()` reject with a message that
 * names `subject` and points to `{ dedicated: true }` of `starter`; dispose does nothing.
 *
 * @example
 * ```ts
 * const lifecycle = sharedLifecycle("the shared Kafka at 127.0.0.1:9092", "startKafka()", "broker");
 * await lifecycle.stop(); // rejects: "Cannot stop the shared Kafka at 127.0.0.1:9092; pass …"
 * ```
 */
export function sharedLifecycle(subject: string, starter: string, kind: string): ServerLifecycle {
  const refuse = (what: string) =>
    Promise.reject(
      new Error(
        `Cannot ${what} ${subject}; pass { dedicated: true } to ${starter} to control a ${kind}'s ` +
          "lifecycle",
      ),
    );
  return {
    stop: () => refuse("stop"),
    start: () => refuse("start"),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
}

const LOG_TAIL_LINES = 40;

/** A server process that can be stopped and started again on the same port and data. */
export class ServerProcess implements AsyncDisposable {
  readonly #spec: ServerSpec;
  #child: Deno.ChildProcess | null = null;
  #status: Promise<Deno.CommandStatus> | null = null;
  #disposed = false;

  /** Wraps `spec`; nothing runs until {@linkcode ServerProcess.start}. */
  constructor(spec: ServerSpec) {
    this.#spec = spec;
  }

  /** The server's log file (stdout and stderr). */
  get logPath(): string {
    return `${this.#spec.dir}/${this.#spec.logFile ?? "server.log"}`;
  }

  /**
   * Starts the process (no-op when running) and waits until its port accepts connections and,
   * with a `readyLine`, until it logged that line.
   */
  async start(signal?: AbortSignal): Promise<void> {
    const { name, command, args, port, startTimeoutMs, readyLine } = this.#spec;
    if (this.#disposed) throw new Error(`${name} on port ${port} was disposed`);
    if (this.#child) return;
    const logOffset = await fileSize(this.logPath);
    // `exec` keeps one pid, so signals reach the server; the OS writes the log, no pipes to pump.
    const child = new Deno.Command("sh", {
      args: [
        "-c",
        'log="$1"; shift; exec "$@" >>"$log" 2>&1',
        "sh",
        this.logPath,
        command,
        ...args,
      ],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    let exit: Deno.CommandStatus | null = null;
    this.#child = child;
    this.#status = child.status.then((status) => (exit = status));
    try {
      await waitFor(async () => {
        if (exit) throw new Error(`${name} exited with code ${exit.code} during startup`);
        if (readyLine && !(await readFrom(this.logPath, logOffset)).includes(readyLine)) {
          return false;
        }
        return await acceptsTcp("127.0.0.1", port);
      }, { timeoutMs: startTimeoutMs, intervalMs: 50, message: `${name} on ${port}`, signal });
    } catch (e) {
      await this.#kill("SIGKILL");
      const reason = e instanceof Error ? e.message : String(e);
      throw new Error(
        `${reason}\n--- ${name} log tail (${this.logPath}) ---\n${await this.#tail()}`,
        {
          cause: e,
        },
      );
    }
  }

  /** Stops the process with SIGTERM (SIGKILL after the stop timeout); keeps port and data. */
  async stop(): Promise<void> {
    if (await this.#kill("SIGTERM", this.#spec.stopTimeoutMs)) await this.#kill("SIGKILL");
  }

  /** Kills the process at once (SIGKILL), as a crash would; keeps port and data. */
  async kill(): Promise<void> {
    await this.#kill("SIGKILL");
  }

  /** Whether the process is running (started and not yet stopped or killed). */
  get running(): boolean {
    return this.#child !== null;
  }

  /** Kills the process and removes its dir. Idempotent. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.#kill("SIGKILL");
    await Deno.remove(this.#spec.dir, { recursive: true });
  }

  /** Signals the process and awaits its exit; returns true if `timeoutMs` passed first. */
  async #kill(signal: Deno.Signal, timeoutMs?: number): Promise<boolean> {
    const child = this.#child;
    const status = this.#status;
    if (!child || !status) return false;
    try {
      child.kill(signal);
    } catch (e) {
      if (!(e instanceof TypeError)) throw e; // already exited
    }
    if (timeoutMs !== undefined) {
      const abort = new AbortController();
      const exited = await Promise.race([
        status.then(() => true),
        delay(timeoutMs, abort.signal).then(() => false, () => true),
      ]);
      abort.abort();
      if (!exited) return true;
    }
    await status;
    this.#child = null;
    this.#status = null;
    return false;
  }

  async #tail(): Promise<string> {
    const text = await readFrom(this.logPath, 0);
    return text.trimEnd().split("\n").slice(-LOG_TAIL_LINES).join("\n");
  }
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return 0;
    throw e;
  }
}

/** The text of `path` from byte `offset` on; "" when the file does not exist yet. */
async function readFrom(path: string, offset: number): Promise<string> {
  try {
    const bytes = await Deno.readFile(path);
    return new TextDecoder().decode(bytes.subarray(offset));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "";
    throw e;
  }
}

/** Whether `path` is an existing file. */
export async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/**
 * Runs `launch` up to three times while it fails because a port picked as free was taken before
 * the server bound it (busy machines).
 */
export async function retryOnLostPort<T>(launch: () => Promise<T>): Promise<T> {
  for (let attempt = 1;; attempt++) {
    try {
      return await launch();
    } catch (e) {
      const lostPort = e instanceof Error && /address already in use/i.test(e.message);
      if (!lostPort || attempt >= 3) throw e;
    }
  }
}
