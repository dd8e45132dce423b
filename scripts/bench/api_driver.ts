/**
 * The peer of `deno task bench:api`: the benchmark's queries as direct `SqliteStore` calls (the
 * same SQL through `node:sqlite`, no HTTP), in a closed loop, plus the report that sets both side
 * by side.
 *
 * @module
 */
import type { SqliteStore } from "@iot/api";

/** One benchmark query: its HTTP targets and the same reads as store calls. */
export interface BenchQuery {
  /** Label, e.g. `GET /devices/{id}`. */
  readonly name: string;
  /** Paths with query strings (relative to the API's base URL), one per sample. */
  readonly paths: readonly string[];
  /** The store calls the route makes for the sample with the same index. */
  readonly calls: readonly ((store: SqliteStore) => Promise<unknown>)[];
}

/** Latency figures of one round. */
export interface RoundFigures {
  /** Requests (or calls) completed per second. */
  readonly throughput: number;
  /** Median latency in ms. */
  readonly p50Ms: number;
  /** 99th percentile latency in ms. */
  readonly p99Ms: number;
  /** Server CPU time per request in µs (HTTP rounds). */
  readonly cpuUs?: number;
}

/** Calls `query`'s store calls in a closed loop for `seconds`; latency per call. */
export async function driverRound(
  store: SqliteStore,
  query: BenchQuery,
  seconds: number,
): Promise<RoundFigures> {
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  for (let k = 0; performance.now() < end; k++) {
    const t = performance.now();
    await query.calls[k % query.calls.length](store);
    latencies.push(performance.now() - t);
  }
  latencies.sort((x, y) => x - y);
  const q = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  const elapsed = (performance.now() - start) / 1000;
  return { throughput: Math.round(latencies.length / elapsed), p50Ms: q(0.5), p99Ms: q(0.99) };
}

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Per query: HTTP rounds (vegeta at `rate`) and driver rounds, as one Markdown table. */
export function reportTable(
  rate: number,
  rows: readonly { query: string; http: RoundFigures[]; driver: RoundFigures[] }[],
): string {
  const m = (rounds: RoundFigures[], f: (r: RoundFigures) => number) => median(rounds.map(f));
  const lines = [
    "| query | HTTP achieved/s | HTTP p50 ms | HTTP p99 ms (per round) | server CPU µs/req | " +
    "driver calls/s | driver p50 ms | driver p99 ms | p50 HTTP/driver |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const { query, http, driver } of rows) {
    const hp50 = m(http, (r) => r.p50Ms);
    const dp50 = m(driver, (r) => r.p50Ms);
    lines.push(
      `| ${query} (target ${rate}/s) | ${m(http, (r) => r.throughput)} | ${hp50.toFixed(2)} | ` +
        `${m(http, (r) => r.p99Ms).toFixed(2)} (${
          http.map((r) => r.p99Ms.toFixed(1)).join(", ")
        })` +
        ` | ${m(http, (r) => r.cpuUs ?? NaN).toFixed(0)} | ${m(driver, (r) => r.throughput)} | ${
          dp50.toFixed(3)
        } | ` +
        `${m(driver, (r) => r.p99Ms).toFixed(3)} | ${(hp50 / dp50).toFixed(1)}× |`,
    );
  }
  return lines.join("\n");
}
