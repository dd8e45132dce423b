/**
 * Broker counters rendered as Prometheus text: per-API requests, bytes and latency, connections,
 * and (through a callback) partition sizes.
 *
 * @module
 */
import { PrometheusText } from "@iot/service";

/** Latency histogram bucket bounds in seconds. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface ApiStats {
  requests: number;
  errors: number;
  bytesIn: number;
  bytesOut: number;
  latencySum: number;
  buckets: number[];
}

/** One partition's size, for {@linkcode BrokerMetrics.render}. */
export interface PartitionGauge {
  /** Topic name. */
  topic: string;
  /** Partition index. */
  partition: number;
  /** Bytes stored. */
  sizeBytes: number;
  /** Log end offset. */
  highWatermark: number;
  /** First readable offset. */
  logStartOffset: number;
}

/** Counters kept by the server; cheap to update on every request. */
export class BrokerMetrics {
  #apis = new Map<string, ApiStats>();
  #connectionsOpen = 0;
  #connectionsTotal = 0;
  #connectionsRejected = 0;

  /** Records one answered (or failed) request of `api` (e.g. "Produce"). */
  observeRequest(
    api: string,
    bytesIn: number,
    bytesOut: number,
    seconds: number,
    failed = false,
  ): void {
    let s = this.#apis.get(api);
    if (!s) {
      s = {
        requests: 0,
        errors: 0,
        bytesIn: 0,
        bytesOut: 0,
        latencySum: 0,
        buckets: BUCKETS.map(() => 0),
      };
      this.#apis.set(api, s);
    }
    s.requests++;
    if (failed) s.errors++;
    s.bytesIn += bytesIn;
    s.bytesOut += bytesOut;
    s.latencySum += seconds;
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]) s.buckets[i]++;
  }

  /** A connection was accepted. */
  connectionOpened(): void {
    this.#connectionsOpen++;
    this.#connectionsTotal++;
  }

  /** A connection ended. */
  connectionClosed(): void {
    this.#connectionsOpen--;
  }

  /** A connection was closed because of bad input (corrupt frame, unknown API, too large). */
  connectionRejected(): void {
    this.#connectionsRejected++;
  }

  /** Currently open connections. */
  get connectionsOpen(): number {
    return this.#connectionsOpen;
  }

  /** Requests answered so far for `api` (tests). */
  requestCount(api: string): number {
    return this.#apis.get(api)?.requests ?? 0;
  }

  /** Prometheus text exposition (format 0.0.4), written with the shared {@linkcode PrometheusText}. */
  render(partitions: readonly PartitionGauge[] = []): string {
    const page = new PrometheusText();
    const apis = [...this.#apis].sort((a, b) => a[0].localeCompare(b[0]));
    const perApi = (name: string, type: "counter", help: string, pick: (s: ApiStats) => number) => {
      page.family(name, type, help);
      for (const [api, s] of apis) page.sample(name, { api }, pick(s));
    };
    perApi("broker_requests_total", "counter", "Requests handled, by API.", (s) => s.requests);
    perApi(
      "broker_request_errors_total",
      "counter",
      "Requests that closed the connection.",
      (s) => s.errors,
    );
    perApi(
      "broker_request_bytes_total",
      "counter",
      "Request bytes received, by API.",
      (s) => s.bytesIn,
    );
    perApi(
      "broker_response_bytes_total",
      "counter",
      "Response bytes sent, by API.",
      (s) => s.bytesOut,
    );
    const latency = "broker_request_duration_seconds";
    page.family(latency, "histogram", "Request handling time, by API.");
    for (const [api, s] of apis) {
      page.histogram(latency, { api }, BUCKETS, s.buckets, s.latencySum, s.requests);
    }
    page.family("broker_connections_open", "gauge", "Open client connections.")
      .sample("broker_connections_open", undefined, this.#connectionsOpen)
      .family("broker_connections_total", "counter", "Accepted client connections.")
      .sample("broker_connections_total", undefined, this.#connectionsTotal)
      .family("broker_connections_rejected_total", "counter", "Connections closed for bad input.")
      .sample("broker_connections_rejected_total", undefined, this.#connectionsRejected);
    const perPartition = (name: string, help: string, pick: (p: PartitionGauge) => number) => {
      page.family(name, "gauge", help);
      for (const p of partitions) {
        page.sample(name, { topic: p.topic, partition: p.partition }, pick(p));
      }
    };
    perPartition("broker_partition_size_bytes", "Bytes stored per partition.", (p) => p.sizeBytes);
    perPartition(
      "broker_partition_high_watermark",
      "Log end offset per partition.",
      (p) => p.highWatermark,
    );
    perPartition(
      "broker_partition_log_start_offset",
      "First readable offset per partition.",
      (p) => p.logStartOffset,
    );
    return page.toString();
  }
}
