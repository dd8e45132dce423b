/**
 * Child processes behind a small interface, so the supervisor can be driven by fake processes in
 * unit tests; {@linkcode denoSpawner} is the real implementation over `Deno.Command`.
 *
 * @module
 */

/** How a child ended: its exit code, and the signal that killed it (null when it exited). */
export interface ChildExit {
  /** Exit code (128 + n when killed by signal n). */
  code: number;
  /** The signal that killed it, or null. */
  signal: string | null;
}

/** What to run. */
export interface SpawnRequest {
  /** Service name, for error messages. */
  name: string;
  /** Executable. */
  command: string;
  /** Arguments. */
  args: readonly string[];
  /** Extra environment variables (the launcher's environment is inherited). */
  env: Readonly<Record<string, string>>;
  /** Called with each line the child writes to stdout or stderr, without the newline. */
  onLine(line: string): void;
}

/** A running child process. */
export interface ChildProcess {
  /** Process id. */
  readonly pid: number;
  /** Resolves once the child exited and its output was read to the end. */
  readonly exited: Promise<ChildExit>;
  /** Sends a signal; a no-op once the child exited. */
  kill(signal: Deno.Signal): void;
}

/** Starts child processes. */
export interface Spawner {
  /** Starts `request`; throws (e.g. `Deno.errors.NotFound`) when it cannot be started. */
  spawn(request: SpawnRequest): ChildProcess;
}

async function forwardLines(stream: ReadableStream<Uint8Array>, onLine: (l: string) => void) {
  let pending = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    const parts = (pending + chunk).split("\n");
    pending = parts.pop()!;
    for (const part of parts) onLine(part.endsWith("\r") ? part.slice(0, -1) : part);
  }
  if (pending !== "") onLine(pending);
}

/**
 * Spawns with `Deno.Command`, stdin closed, stdout and stderr read line by line. Children run in
 * their own process group (`detached`), so a Ctrl-C in the terminal reaches only the launcher,
 * which then stops them in dependency order (the broker last) with one SIGTERM each.
 */
export const denoSpawner: Spawner = {
  spawn(request: SpawnRequest): ChildProcess {
    const child = new Deno.Command(request.command, {
      args: [...request.args],
      env: { ...request.env },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      detached: true,
    }).spawn();
    let done = false;
    const output = Promise.all([
      forwardLines(child.stdout, request.onLine),
      forwardLines(child.stderr, request.onLine),
    ]);
    const exited = Promise.all([child.status, output]).then(([status]) => {
      done = true;
      return { code: status.code, signal: status.signal };
    });
    return {
      pid: child.pid,
      exited,
      kill(signal) {
        if (done) return;
        try {
          child.kill(signal);
        } catch {
          // Exited between the check and the kill.
        }
      },
    };
  },
};
