/**
 * Apps as child processes for the sinks' integration tests: `deno run -A <main.ts> ...` with
 * stderr collected line by line (apps never import each other; tests spawn them).
 *
 * @module
 */

/** A running child: its stderr lines so far, and its whole stderr once it exited. */
export interface Child {
  /** The process. */
  readonly process: Deno.ChildProcess;
  /** Stderr lines read so far. */
  readonly lines: string[];
  /** Resolves with all of stderr once the process closed it. */
  readonly exited: Promise<string>;
}

/** Spawns `deno run -A <script> ...args`; `script` is a path relative to the repo root. */
export function spawnApp(script: string, args: readonly string[]): Child {
  const process = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(`../${script}`, import.meta.url).pathname, ...args],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const exited = (async () => {
    let rest = "";
    for await (const chunk of process.stderr.pipeThrough(new TextDecoderStream())) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop()!;
      lines.push(...parts);
    }
    if (rest !== "") lines.push(rest);
    return lines.join("\n");
  })();
  return { process, lines, exited };
}

/** The `http://127.0.0.1:PORT` of the status server a child logged, once it did. */
export function statusUrl(child: Child): string | undefined {
  for (const line of child.lines) {
    const match = line.match(/"status":"(http:\/\/127\.0\.0\.1:\d+)\/status"/);
    if (match) return match[1];
  }
  return undefined;
}

/** Kills `child` (SIGKILL unless given) if it still runs, and waits for it. */
export async function stopChild(child: Child, signal: Deno.Signal = "SIGKILL"): Promise<string> {
  try {
    child.process.kill(signal);
  } catch { /* already exited */ }
  await child.process.status;
  return await child.exited;
}
