/**
 * compose.yaml and deploy/ against the code: every variable and flag compose gives a service is
 * in that service's option table; services listening for other containers bind 0.0.0.0;
 * Prometheus scrapes the ports the services listen on; Grafana's queries name only metrics the
 * services export. `scripts/compose_check.sh` validates the file's syntax with Compose itself.
 */
import { assert, assertEquals } from "@std/assert";
import { parse } from "yaml";
import { apiCli, RouteMetrics } from "@iot/api";
import { processorCli, renderPrometheus } from "@iot/processor";
import { producerCli } from "@iot/producer";
import { type CliSpec, envOf, flagOf, type OptionTable } from "@iot/service";
import { renderSinkMetrics, sinksCli } from "@iot/sinks";

const root = new URL("../", import.meta.url);
const read = (path: string) => Deno.readTextFileSync(new URL(path, root));

type Service = { command?: string[]; environment?: Record<string, string> };
const compose = parse(read("compose.yaml"), { merge: true }) as {
  services: Record<string, Service>;
};

/** Each compose service run from our image, with its option table and the host option. */
const ours: Record<string, { cli: CliSpec<OptionTable>; host: string; port: string }> = {
  producer: { cli: producerCli as unknown as CliSpec<OptionTable>, host: "", port: "" },
  processor: {
    cli: processorCli as unknown as CliSpec<OptionTable>,
    host: "statusHost",
    port: "statusPort",
  },
  sinks: {
    cli: sinksCli as unknown as CliSpec<OptionTable>,
    host: "statusHost",
    port: "statusPort",
  },
  api: { cli: apiCli as unknown as CliSpec<OptionTable>, host: "host", port: "port" },
};

/** Variables a service reads outside its option table. */
const extraEnv: Record<string, string[]> = { api: ["API_TOKEN"] };

function optionsOf(cli: CliSpec<OptionTable>) {
  return Object.entries(cli.options).map(([key, option]) => ({
    key,
    flag: `--${flagOf(key, option)}`,
    env: envOf(cli.prefix, key, option),
    default: (option as { default?: unknown }).default,
  }));
}

/** The value compose gives option `key` of `name` (flag, then variable, then the default). */
function valueOf(name: string, key: string): string {
  const { cli } = ours[name];
  const option = optionsOf(cli).find((o) => o.key === key)!;
  const command = compose.services[name].command ?? [];
  const at = command.indexOf(option.flag);
  if (at >= 0) return command[at + 1];
  return compose.services[name].environment?.[option.env ?? ""] ?? String(option.default);
}

Deno.test("compose.yaml: every variable and flag of our services is a real option", () => {
  for (const [name, { cli }] of Object.entries(ours)) {
    const service = compose.services[name];
    assert(service, `compose.yaml has no service ${name}`);
    const options = optionsOf(cli);
    const envs = new Set([...options.map((o) => o.env), ...(extraEnv[name] ?? [])]);
    for (const variable of Object.keys(service.environment ?? {})) {
      assert(envs.has(variable), `${name}: ${variable} is not an option of ${cli.name}`);
    }
    const flags = new Set(options.map((o) => o.flag));
    for (const arg of (service.command ?? []).slice(1).filter((a) => a.startsWith("--"))) {
      assert(flags.has(arg.split("=")[0]), `${name}: ${arg} is not a flag of ${cli.name}`);
    }
    assertEquals(service.command?.[0], `iot-${name}`, `${name} runs its own executable`);
  }
});

Deno.test("compose.yaml: services other containers reach listen on 0.0.0.0", () => {
  for (const [name, { host }] of Object.entries(ours)) {
    if (host) assertEquals(valueOf(name, host), "0.0.0.0", `${name} ${host}`);
  }
});

Deno.test("prometheus.yml scrapes the port each service listens on", () => {
  const config = parse(read("deploy/prometheus/prometheus.yml")) as {
    scrape_configs: Array<{
      job_name: string;
      static_configs?: Array<{ targets: string[] }>;
      dns_sd_configs?: Array<{ names: string[]; port: number }>;
    }>;
  };
  const scraped = new Map<string, string>();
  for (const job of config.scrape_configs) {
    for (const s of job.static_configs ?? []) {
      for (const t of s.targets) scraped.set(t.split(":")[0], t.split(":")[1]);
    }
    for (const d of job.dns_sd_configs ?? []) {
      for (const n of d.names) scraped.set(n, String(d.port));
    }
  }
  for (const [name, { port }] of Object.entries(ours)) {
    if (!port) continue;
    assertEquals(scraped.get(name), valueOf(name, port), `prometheus target of ${name}`);
  }
});

Deno.test("the Grafana dashboard queries only exported metrics", () => {
  const exported = new Set<string>();
  const pages = [renderPrometheus([]), renderSinkMetrics([]), new RouteMetrics().render()];
  for (const page of pages) {
    for (const [, name, type] of page.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      exported.add(name);
      if (type === "histogram") {
        for (const s of ["_bucket", "_sum", "_count"]) exported.add(name + s);
      }
    }
  }
  const dashboard = JSON.parse(read("deploy/grafana/dashboards/iot.json"));
  const exprs: string[] = dashboard.panels.flatMap((p: { targets?: { expr: string }[] }) =>
    (p.targets ?? []).map((t) => t.expr)
  );
  assert(exprs.length > 0);
  const promql = new Set(["sum", "by", "rate", "max", "min", "avg", "count", "irate", "increase"]);
  for (const expr of exprs) {
    // Metric names: identifiers not inside {...} or [...] and not PromQL words or label names.
    const outside = expr.replace(/\{[^}]*\}|\[[^\]]*\]|\([a-z_, ]*\)(?= *\()/g, " ");
    const names = [...outside.matchAll(/[a-z_][a-z0-9_]*/g)].map((m) => m[0])
      .filter((n) => !promql.has(n));
    assert(names.length > 0, expr);
    for (const name of names) assert(exported.has(name), `${name} (in ${expr}) is not exported`);
  }
});
