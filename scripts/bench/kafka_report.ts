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
}

/** One client's results. */
export interface ContenderResult {
  name: "ours" | "kcat" | "java";
  /** What ran, e.g. "kcat 1.7.1 (librdkafka 2.0.2)". */
  label: string;
  produce: PhaseResult;
  consume: PhaseResult;
}

/** Ours divided by another contender, per phase. */
export interface Ratio {
  produce: number;
  consume: number;
}

/** Everything the benchmark prints. */
export interface BenchResults {
  messages: number;
  recordBytes: number;
  /** Client settings that matter for throughput, stated once. */
  settings: string[];
  /** What each contender's `seconds` covers. */
  clocks: Record<ContenderResult["name"], string>;
  contenders: ContenderResult[];
  ratios: {
    oursToKcat: Ratio;
    oursToJava: Ratio;
    /** Ours (wall) against the Java tools' own in-JVM figures. */
    oursToJavaTool: Ratio;
  };
  targets: {
    produceAtLeast08xKcat: boolean;
    consumeAtLeast08xKcat: boolean;
    produceAtLeast500kMsgsPerSec: boolean;
    allMet: boolean;
  };
}

/** Throughput of `messages` records of `recordBytes` in `seconds`. */
export function phaseResult(
  messages: number,
  recordBytes: number,
  seconds: number,
  extra: Pick<PhaseResult, "tool" | "detail"> = {},
): PhaseResult {
  return {
    seconds,
    msgsPerSec: messages / seconds,
    mibPerSec: messages * recordBytes / 2 ** 20 / seconds,
    ...extra,
  };
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
  const ratio = (other: (phase: PhaseResult) => number, of: ContenderResult): Ratio => ({
    produce: ours.produce.msgsPerSec / other(of.produce),
    consume: ours.consume.msgsPerSec / other(of.consume),
  });
  const wall = (phase: PhaseResult) => phase.msgsPerSec;
  const tool = (phase: PhaseResult) => phase.tool?.msgsPerSec ?? NaN;
  const ratios = {
    oursToKcat: ratio(wall, kcat),
    oursToJava: ratio(wall, java),
    oursToJavaTool: ratio(tool, java),
  };
  const targets = {
    produceAtLeast08xKcat: ratios.oursToKcat.produce >= 0.8,
    consumeAtLeast08xKcat: ratios.oursToKcat.consume >= 0.8,
    produceAtLeast500kMsgsPerSec: ours.produce.msgsPerSec >= 500_000,
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
  const rows: string[][] = [["contender", "produce msgs/s", "MiB/s", "consume msgs/s", "MiB/s"]];
  for (const c of contenders) {
    rows.push([
      c.label,
      rate(c.produce.msgsPerSec),
      mib(c.produce.mibPerSec),
      rate(c.consume.msgsPerSec),
      mib(c.consume.mibPerSec),
    ]);
    const { tool: p } = c.produce;
    const { tool: q } = c.consume;
    if (p || q) {
      rows.push([
        `  ${c.name}: tool's own figure`,
        p ? rate(p.msgsPerSec) : "-",
        p ? mib(p.mibPerSec) : "-",
        q ? rate(q.msgsPerSec) : "-",
        q ? mib(q.mibPerSec) : "-",
      ]);
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const table = rows.map((row) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ")
  );
  const x = (value: number) => `${value.toFixed(2)}x`;
  const yes = (ok: boolean) => (ok ? "met" : "NOT met");
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
    }`,
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
    `target ours >= 0.8x kcat consume: ${yes(targets.consumeAtLeast08xKcat)} (${
      x(ratios.oursToKcat.consume)
    })`,
    `target ours >= 500k msgs/s produce: ${yes(targets.produceAtLeast500kMsgsPerSec)} (${
      rate(contenders[0].produce.msgsPerSec)
    })`,
    ...contenders.flatMap((c) => detailLines(c)),
  ].join("\n");
}

function detailLines(c: ContenderResult): string[] {
  const s = (value: number | undefined) => (value === undefined ? "" : `${value.toFixed(3)} s`);
  const p = c.produce.detail;
  const q = c.consume.detail;
  if (!p || !q) return [];
  return [
    "",
    `${c.name} produce: ${s(p.total)} total = sendBatch loop ${
      s(p.enqueue)
    } + last reports and flush ${s(p.flush)} + close ${s(p.close)}`,
    `${c.name} consume: ${s(q.total)} total = N-th record at ${s(q.receive)} + close ${s(q.close)}`,
  ];
}

function rate(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

function mib(value: number): string {
  return value.toFixed(1);
}
