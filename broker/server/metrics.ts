/**
 * Broker counters rendered as Prometheus text: per-API requests, bytes and latency, connections,
 * and (through a callback) partition sizes.
 *
 * @module
 */

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

  /** Prometheus text exposition (format 0.0.4). */
  render(partitions: readonly PartitionGauge[] = []): string {
    const out: string[] = [];
    const family = (name: string, type: string, help: string) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    };
    const apis = [...this.#apis].sort((a, b) => a[0].localeCompare(b[0]));
    family("broker_requests_total", "counter", "Requests handled, by API.");
    for (const [api, s] of apis) out.push(`broker_requests_total{api="${api}"} ${s.requests}`);
    family("broker_request_errors_total", "counter", "Requests that closed the connection.");
    for (const [api, s] of apis) out.push(`broker_request_errors_total{api="${api}"} ${s.errors}`);
    family("broker_request_bytes_total", "counter", "Request bytes received, by API.");
    for (const [api, s] of apis) out.push(`broker_request_bytes_total{api="${api}"} ${s.bytesIn}`);
    family("broker_response_bytes_total", "counter", "Response bytes sent, by API.");
    for (const [api, s] of apis) {
      out.push(`broker_response_bytes_total{api="${api}"} ${s.bytesOut}`);
    }
    family("broker_request_duration_seconds", "histogram", "Request handling time, by API.");
    for (const [api, s] of apis) {
      BUCKETS.forEach((b, i) =>
        out.push(`broker_request_duration_seconds_bucket{api="${api}",le="${b}"} ${s.buckets[i]}`)
      );
      out.push(`broker_request_duration_seconds_bucket{api="${api}",le="+Inf"} ${s.requests}`);
      out.push(`broker_request_duration_seconds_sum{api="${api}"} ${s.latencySum}`);
      out.push(`broker_request_duration_seconds_count{api="${api}"} ${s.requests}`);
    }
    family("broker_connections_open", "gauge", "Open client connections.");
    out.push(`broker_connections_open ${this.#connectionsOpen}`);
    family("broker_connections_total", "counter", "Accepted client connections.");
    out.push(`broker_connections_total ${this.#connectionsTotal}`);
    family("broker_connections_rejected_total", "counter", "Connections closed for bad input.");
    out.push(`broker_connections_rejected_total ${this.#connectionsRejected}`);
    family("broker_partition_size_bytes", "gauge", "Bytes stored per partition.");
    for (const p of partitions) {
      out.push(`broker_partition_size_bytes{${labels(p)}} ${p.sizeBytes}`);
    }
    family("broker_partition_high_watermark", "gauge", "Log end offset per partition.");
    for (const p of partitions) {
      out.push(`broker_partition_high_watermark{${labels(p)}} ${p.highWatermark}`);
    }
    family("broker_partition_log_start_offset", "gauge", "First readable offset per partition.");
    for (const p of partitions) {
      out.push(`broker_partition_log_start_offset{${labels(p)}} ${p.logStartOffset}`);
    }
    return out.join("\n") + "\n";
  }
}

function labels(p: PartitionGauge): string {
  // Topic names are [a-zA-Z0-9._-] only, so no escaping is needed.
  return `topic="${p.topic}",partition="${p.partition}"`;
}
