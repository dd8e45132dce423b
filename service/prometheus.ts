/**
 * The one Prometheus text exposition writer (format 0.0.4) shared by every executable's
 * `/metrics`: `# HELP`/`# TYPE` lines, samples with escaped labels, histograms.
 *
 * @module
 */

/** Metric types of the text format. */
export type MetricType = "counter" | "gauge" | "histogram";

/** Label names to values. */
export type Labels = Readonly<Record<string, string | number>>;

/** The `content-type` of a `/metrics` response. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Escapes a label value: backslash, double quote and newline. */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

function formatLabels(labels: Labels | undefined): string {
  if (!labels) return "";
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(String(v))}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

/**
 * Builds a Prometheus text page.
 *
 * @example
 * ```ts
 * import { PrometheusText } from "@iot/service";
 * const page = new PrometheusText()
 *   .family("app_requests_total", "counter", "Requests handled.")
 *   .sample("app_requests_total", { api: "Produce" }, 2);
 * page.toString(); // '# HELP app_requests_total Requests handled.\n# TYPE …\napp_requests_total{api="Produce"} 2\n'
 * ```
 */
export class PrometheusText {
  #lines: string[] = [];

  /** Starts a metric family: its `# HELP` and `# TYPE` lines. */
  family(name: string, type: MetricType, help: string): this {
    this.#lines.push(`# HELP ${name} ${help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`);
    this.#lines.push(`# TYPE ${name} ${type}`);
    return this;
  }

  /** One sample line: `name{labels} value`. */
  sample(name: string, labels: Labels | undefined, value: number): this {
    this.#lines.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
    return this;
  }

  /**
   * One histogram's samples: cumulative `_bucket{le=…}` lines for `bounds` (counts per bound,
   * already cumulative), `le="+Inf"`, `_sum` and `_count`.
   */
  histogram(
    name: string,
    labels: Labels | undefined,
    bounds: readonly number[],
    cumulativeCounts: readonly number[],
    sum: number,
    count: number,
  ): this {
    bounds.forEach((b, i) =>
      this.sample(`${name}_bucket`, { ...labels, le: formatValue(b) }, cumulativeCounts[i])
    );
    this.sample(`${name}_bucket`, { ...labels, le: "+Inf" }, count);
    this.sample(`${name}_sum`, labels, sum);
    return this.sample(`${name}_count`, labels, count);
  }

  /** The page, each line ending in a newline. */
  toString(): string {
    return this.#lines.length ? this.#lines.join("\n") + "\n" : "";
  }
}
