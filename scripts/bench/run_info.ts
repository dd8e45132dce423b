/**
 * What a benchmark prints under its table so that the table can be pasted and rerun as is: the
 * commit it measured, the exact command and the machine's load average at the start and the end
 * (the machine is shared; a ratio means more next to the load it was measured under).
 *
 * @module
 */

/** The 1, 5 and 15 minute load averages (Linux `/proc/loadavg`), or `"n/a"`. */
export function loadAverage(): string {
  try {
    return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
  } catch {
    return "n/a";
  }
}

/** `git describe`-like name of the checkout this script runs from: short hash, `+dirty` if edited. */
export async function commitOf(dir = new URL("../..", import.meta.url)): Promise<string> {
  const git = async (...args: string[]) => {
    const out = await new Deno.Command("git", { args, cwd: dir, stdout: "piped", stderr: "null" })
      .output().catch(() => undefined);
    return out?.success ? new TextDecoder().decode(out.stdout).trim() : undefined;
  };
  const head = await git("rev-parse", "--short", "HEAD");
  if (head === undefined) return "unknown commit";
  const dirty = await git("status", "--porcelain", "--untracked-files=no");
  return dirty ? `${head}+dirty` : head;
}

/** `deno task <task> <args>`, each argument quoted when the shell would split it. */
export function commandLine(task: string, args: readonly string[] = Deno.args): string {
  const quote = (a: string) => /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`;
  return [`deno task ${task}`, ...args.map(quote)].join(" ");
}

/** A run's context, taken at its start; {@linkcode RunInfo.summary} adds the load at the end. */
export interface RunInfo {
  /** One line: command, commit, load average at start → now, cores. */
  summary(): string;
}

/** Notes the commit, the command and the load average at the start of a benchmark run. */
export async function startRun(
  task: string,
  args: readonly string[] = Deno.args,
): Promise<RunInfo> {
  const commit = await commitOf(), command = commandLine(task, args), loadStart = loadAverage();
  return {
    summary: () =>
      `Command: \`${command}\`; commit ${commit}; load average (1/5/15 min) ${loadStart} at ` +
      `start, ${loadAverage()} at end; ${navigator.hardwareConcurrency} cores.`,
  };
}
