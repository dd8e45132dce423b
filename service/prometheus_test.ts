import { assertEquals } from "@std/assert";
import { escapeLabel, PrometheusText } from "./prometheus.ts";

Deno.test("PrometheusText: golden text of counters, gauges with labels and a histogram", () => {
  const page = new PrometheusText()
    .family("app_requests_total", "counter", "Requests handled, by API.")
    .sample("app_requests_total", { api: "Produce" }, 2)
    .sample("app_requests_total", { api: 'we"ird\\\n' }, 1)
    .family("app_open", "gauge", "Open connections.")
    .sample("app_open", undefined, 0)
    .sample("app_open", {}, -1.5)
    .family("app_seconds", "histogram", "Latency.")
    .histogram("app_seconds", { api: "Fetch" }, [0.001, 0.5], [1, 3], 0.75, 4)
    .family("app_odd", "gauge", "Odd values.")
    .sample("app_odd", { partition: 0 }, Infinity)
    .sample("app_odd", undefined, NaN);
  assertEquals(
    page.toString(),
    [
      "# HELP app_requests_total Requests handled, by API.",
      "# TYPE app_requests_total counter",
      'app_requests_total{api="Produce"} 2',
      'app_requests_total{api="we\\"ird\\\\\\n"} 1',
      "# HELP app_open Open connections.",
      "# TYPE app_open gauge",
      "app_open 0",
      "app_open -1.5",
      "# HELP app_seconds Latency.",
      "# TYPE app_seconds histogram",
      'app_seconds_bucket{api="Fetch",le="0.001"} 1',
      'app_seconds_bucket{api="Fetch",le="0.5"} 3',
      'app_seconds_bucket{api="Fetch",le="+Inf"} 4',
      'app_seconds_sum{api="Fetch"} 0.75',
      'app_seconds_count{api="Fetch"} 4',
      "# HELP app_odd Odd values.",
      "# TYPE app_odd gauge",
      'app_odd{partition="0"} +Inf',
      "app_odd NaN",
      "",
    ].join("\n"),
  );
  assertEquals(new PrometheusText().toString(), "");
  assertEquals(escapeLabel('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
});
