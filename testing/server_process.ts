/**
 * The lifecycle of a local test server process: spawn with output to a log file, wait until it
 * serves a TCP port, stop gracefully or kill, and remove its temp dir on dispose. Shared by
 * {@linkcode startFerretDb} and {@linkcode startCassandra}.
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
    return `${this.#spec.dir}/server.log`;
  }

  /** Starts the process (no-op when running) and waits until its port accepts connections. */
  async start(signal?: AbortSignal): Promise<void> {
    const { name, command, args, port, startTimeoutMs } = this.#spec;
    if (this.#disposed) throw new Error(`${name} on port ${port} was disposed`);
    if (this.#child) return;
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
    try {
      const text = await Deno.readTextFile(this.logPath);
      return text.trimEnd().split("\n").slice(-LOG_TAIL_LINES).join("\n");
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return "";
      throw e;
    }
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
