/**
 * The Kafka benchmark's results: throughput per contender, ours-to-others ratios, targets, and
 * their rendering as a text table or JSON. Pure functions; no I/O.
 *
 * @module
 */
import type { ToolFigure } from "./kafka_external.ts";
import type { OursTiming } from "./kafka_ours.ts";

/** Throughput of one phase (produce or consume) of one contender. */
export interface PhaseResult {
  /** Wall seconds the benchmark measured (see {@linkcode BenchResults.clocks}). */
  seconds: number;
  /** `messages / seconds`. */
  msgsPerSec: number;
  /** Payload MiB (2^20 bytes) per second by the same clock. */
  mibPerSec: number;
  /** The tool's own figure, when it prints one. */
  tool?: ToolFigure;
  /** Ours only: where the time went. */
  detail?: OursTiming;
  /** CPU seconds (user + system) of the process over the same span, when measured. */
  cpuSeconds?: number;
  /** `messages / cpuSeconds`, when measured. */
  msgsPerCpuSec?: number;
}

/** One client's results. */
export interface ContenderResult {
  name: "ours" | "ours-records" | "kcat" | "java";
  /** What ran, e.g. "kcat 1.7.1 (librdkafka 2.0.2)". */
  label: string;
  /** `null` for a consume-only row. */
  produce: PhaseResult | null;
  consume: PhaseResult;
}

/** Ours divided by another contender, per phase. */
export interface Ratio {
  produce: number;
  consume: number;
  /** Consume messages per CPU-second, ours / theirs (NaN when not measured). */
  consumePerCpu: number;
}

/** Everything the benchmark prints. */
export interface BenchResults {
  messages: number;
  recordBytes: number;
  /** Client settings that matter for throughput, stated once. */
  settings: string[];
  /** What each contender's `seconds` covers. */
  clocks: Partial<Record<ContenderResult["name"], string>>;
  contenders: ContenderResult[];
  ratios: {
    oursToKcat: Ratio;
    oursToJava: Ratio;
    /** Ours (wall) against the Java tools' own in-JVM figures. */
    oursToJavaTool: Ratio;
    /** Ours' per-record API against kcat (consume only). */
    oursRecordsToKcat: Ratio;
  };
  targets: {
    produceAtLeast08xKcat: boolean;
    /** Issue 14: consume >= 1.0x kcat, by wall clock and per CPU-second. */
    consumeAtLeast1xKcat: boolean;
    consumePerCpuAtLeast1xKcat: boolean;
    produceAtLeast500kMsgsPerSec: boolean;
    allMet: boolean;
  };
}

/** Throughput of `messages` records of `recordBytes` in `seconds`. */
export function phaseResult(
  messages: number,
  recordBytes: number,
  seconds: number,
  extra: Pick<PhaseResult, "tool" | "detail" | "cpuSeconds"> = {},
): PhaseResult {
  const perCpu = extra.cpuSeconds === undefined
    ? {}
    : { msgsPerCpuSec: messages / extra.cpuSeconds };
  return {
    seconds,
    msgsPerSec: messages / seconds,
    mibPerSec: messages * recordBytes / 2 ** 20 / seconds,
    ...extra,
    ...perCpu,
  };
}

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median of no values");
  const sorted = values.toSorted((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Adds ratios and target checks to the contenders' results. */
export function summarize(
  base: Omit<BenchResults, "ratios" | "targets">,
): BenchResults {
  const byName = (name: ContenderResult["name"]) => {
    const found = base.contenders.find((c) => c.name === name);
    if (!found) throw new Error(`no results for contender ${name}`);
    return found;
  };
  const ours = byName("ours");
  const kcat = byName("kcat");
  const java = byName("java");
  const ratio = (
    other: (phase: PhaseResult | null) => number,
    of: ContenderResult,
    mine = ours,
  ): Ratio => ({
    produce: (mine.produce?.msgsPerSec ?? NaN) / other(of.produce),
    consume: mine.consume.msgsPerSec / other(of.consume),
    consumePerCpu: (mine.consume.msgsPerCpuSec ?? NaN) / (of.consume.msgsPerCpuSec ?? NaN),
  });
  const wall = (phase: PhaseResult | null) => phase?.msgsPerSec ?? NaN;
  const tool = (phase: PhaseResult | null) => phase?.tool?.msgsPerSec ?? NaN;
  const records = base.contenders.find((c) => c.name === "ours-records");
  const ratios = {
    oursToKcat: ratio(wall, kcat),
    oursToJava: ratio(wall, java),
    oursToJavaTool: ratio(tool, java),
    oursRecordsToKcat: records ? ratio(wall, kcat, records) : ratio(() => NaN, kcat),
  };
  const targets = {
    produceAtLeast08xKcat: ratios.oursToKcat.produce >= 0.8,
    consumeAtLeast1xKcat: ratios.oursToKcat.consume >= 1,
    consumePerCpuAtLeast1xKcat: ratios.oursToKcat.consumePerCpu >= 1,
    produceAtLeast500kMsgsPerSec: (ours.produce?.msgsPerSec ?? 0) >= 500_000,
  };
  return {
    ...base,
    ratios,
    targets: { ...targets, allMet: Object.values(targets).every(Boolean) },
  };
}

/** Renders `results` as the human-readable report. */
export function formatReport(results: BenchResults): string {
  const { messages, recordBytes, contenders, ratios, targets } = results;
  const kcat = contenders.find((c) => c.name === "kcat")?.consume;
  const rows: string[][] = [[
    "contender",
    "produce msgs/s",
    "MiB/s",
    "consume msgs/s",
    "MiB/s",
    "CPU s",
    "msgs/CPU-s",
    "/kcat wall",
    "/kcat CPU",
  ]];
  for (const c of contenders) {
    const q = c.consume;
    rows.push([
      c.label,
      c.produce ? rate(c.produce.msgsPerSec) : "-",
      c.produce ? mib(c.produce.mibPerSec) : "-",
      rate(q.msgsPerSec),
      mib(q.mibPerSec),
      q.cpuSeconds === undefined ? "-" : q.cpuSeconds.toFixed(2),
      q.msgsPerCpuSec === undefined ? "-" : rate(q.msgsPerCpuSec),
      kcat ? ratio(q.msgsPerSec / kcat.msgsPerSec) : "-",
      kcat ? ratio((q.msgsPerCpuSec ?? NaN) / (kcat.msgsPerCpuSec ?? NaN)) : "-",
    ]);
    const p = c.produce?.tool;
    if (p || q.tool) {
      rows.push([
        `  ${c.name}: tool's own figure`,
        p ? rate(p.msgsPerSec) : "-",
        p ? mib(p.mibPerSec) : "-",
        q.tool ? rate(q.tool.msgsPerSec) : "-",
        q.tool ? mib(q.tool.mibPerSec) : "-",
        ...["-", "-", "-", "-"],
      ]);
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const table = rows.map((row) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ")
  );
  const x = ratio;
  const yes = (ok: boolean) => (ok ? "met" : "NOT met");
  const ours = contenders.find((c) => c.name === "ours");
  return [
    `${
      messages.toLocaleString("en-US")
    } records of ${recordBytes} bytes per contender, 1 partition, one broker`,
    ...results.settings.map((s) => `settings: ${s}`),
    ...Object.entries(results.clocks).map(([name, clock]) => `clock (${name}): ${clock}`),
    "",
    ...table,
    "",
    `ours/kcat         produce ${x(ratios.oursToKcat.produce)}  consume ${
      x(ratios.oursToKcat.consume)
    } (wall), ${x(ratios.oursToKcat.consumePerCpu)} (per CPU-second)`,
    `ours records/kcat consume ${x(ratios.oursRecordsToKcat.consume)} (wall), ${
      x(ratios.oursRecordsToKcat.consumePerCpu)
    } (per CPU-second)`,
    `ours/java (wall)  produce ${x(ratios.oursToJava.produce)}  consume ${
      x(ratios.oursToJava.consume)
    }`,
    `ours/java (tool)  produce ${x(ratios.oursToJavaTool.produce)}  consume ${
      x(ratios.oursToJavaTool.consume)
    }`,
    "",
    `target ours >= 0.8x kcat produce: ${yes(targets.produceAtLeast08xKcat)} (${
      x(ratios.oursToKcat.produce)
    })`,
    `target ours >= 1.0x kcat consume (wall): ${yes(targets.consumeAtLeast1xKcat)} (${
      x(ratios.oursToKcat.consume)
    })`,
    `target ours >= 1.0x kcat consume (per CPU-second): ${
      yes(targets.consumePerCpuAtLeast1xKcat)
    } (${x(ratios.oursToKcat.consumePerCpu)})`,
    `target ours >= 500k msgs/s produce: ${yes(targets.produceAtLeast500kMsgsPerSec)} (${
      rate(ours?.produce?.msgsPerSec ?? NaN)
    })`,
    ...contenders.flatMap((c) => detailLines(c)),
  ].join("\n");
}

function detailLines(c: ContenderResult): string[] {
  const s = (value: number | undefined) => (value === undefined ? "" : `${value.toFixed(3)} s`);
  const p = c.produce?.detail;
  if (!p) return [];
  return [
    "",
    `${c.name} produce: ${s(p.total)} total = sendBatch loop ${
      s(p.enqueue)
    } + last reports and flush ${s(p.flush)} + close ${s(p.close)}`,
  ];
}

function ratio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}x` : "-";
}

function rate(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

function mib(value: number): string {
  return value.toFixed(1);
}
