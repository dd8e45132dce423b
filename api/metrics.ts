/**
 * Per-route request counts and latency histograms, written as Prometheus text by `/metrics`.
 *
 * @module
 */
import { PrometheusText } from "@iot/service";

/** Histogram bounds in seconds: 0.5 ms to 10 s. */
export const LATENCY_BOUNDS: readonly number[] = [
  0.0005,
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  10,
];

interface Series {
  method: string;
  route: string;
  counts: number[];
  sum: number;
  count: number;
  byStatus: Map<number, number>;
}

/** Collects request latencies per method and route pattern (never per concrete path). */
export class RouteMetrics {
  readonly #series = new Map<string, Series>();
  #openStreams = 0;

  /** Records one request of `route` (a pattern like `/devices/:deviceId`) that took `seconds`. */
  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route}`;
    let s = this.#series.get(key);
    if (!s) {
      s = {
        method,
        route,
        counts: LATENCY_BOUNDS.map(() => 0),
        sum: 0,
        count: 0,
        byStatus: new Map(),
      };
      this.#series.set(key, s);
    }
    for (let i = 0; i < LATENCY_BOUNDS.length; i++) if (seconds <= LATENCY_BOUNDS[i]) s.counts[i]++;
    s.sum += seconds;
    s.count++;
    s.byStatus.set(status, (s.byStatus.get(status) ?? 0) + 1);
  }

  /** Adds `delta` to the number of open SSE streams. */
  streams(delta: number): void {
    this.#openStreams += delta;
  }

  /** The Prometheus text page. */
  render(): string {
    const page = new PrometheusText();
    const series = [...this.#series.values()];
    page.family("api_requests_total", "counter", "HTTP requests by method, route and status.");
    for (const s of series) {
      for (const [status, n] of s.byStatus) {
        page.sample("api_requests_total", { method: s.method, route: s.route, status }, n);
      }
    }
    page.family(
      "api_request_duration_seconds",
      "histogram",
      "Time to the response's headers, by method and route.",
    );
    for (const s of series) {
      const labels = { method: s.method, route: s.route };
      page.histogram(
        "api_request_duration_seconds",
        labels,
        LATENCY_BOUNDS,
        s.counts,
        s.sum,
        s.count,
      );
    }
    page.family("api_sse_streams", "gauge", "Open Server-Sent Events streams.");
    page.sample("api_sse_streams", undefined, this.#openStreams);
    return page.toString();
  }
}
