/**
 * Summarises a V8 `.cpuprofile` (from `deno run --cpu-prof`): the functions with the most self
 * time, as shares of all samples and of the busy ones (all but `(idle)`: a short benchmark
 * process waits on Kafka for much of its life, which would otherwise dwarf every other line).
 *
 * Usage: `deno run --allow-read scripts/bench/cpu_profile.ts FILE.cpuprofile [TOP]`.
 *
 * @module
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** One line of the summary. */
export interface ProfileItem {
  /** `function (file:line)`. */
  name: string;
  /** Share of all samples spent in the function itself (0..1). */
  self: number;
  /** Share of the busy samples (all but `(idle)`) spent in the function itself (0..1). */
  busy: number;
}

const IDLE = "(idle)";

/** The `top` functions by self time of the profile `json`. */
export function topSelf(json: string, top = 15): ProfileItem[] {
  const profile = JSON.parse(json) as { nodes: ProfileNode[] };
  const hits = new Map<string, number>();
  let total = 0, idle = 0;
  for (const node of profile.nodes) {
    const n = node.hitCount ?? 0;
    total += n;
    if (node.callFrame.functionName === IDLE) idle += n;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^.*\/(wt-[^/]+|main)\//, "").replace(/^.*\/node_modules\//, "");
    const name = `${functionName || "(anonymous)"} (${file || "native"}:${lineNumber + 1})`;
    hits.set(name, (hits.get(name) ?? 0) + n);
  }
  return [...hits].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([name, n]) => ({
      name,
      self: total === 0 ? 0 : n / total,
      busy: name.startsWith(IDLE) || total === idle ? 0 : n / (total - idle),
    }));
}

/** Formats {@linkcode topSelf}'s result, one function a line: % of all samples, % of busy ones. */
export function formatTop(items: readonly ProfileItem[]): string {
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)}%`;
  return ["    all    busy  function (self time)"].concat(
    items.map((i) =>
      `  ${pct(i.self)}  ${i.name.startsWith(IDLE) ? "      " : pct(i.busy)}  ${i.name}`
    ),
  ).join("\n");
}

if (import.meta.main) {
  const [file, top] = Deno.args;
  console.log(formatTop(topSelf(await Deno.readTextFile(file), Number(top ?? 15))));
}
