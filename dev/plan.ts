/**
 * Turns the services table and the launcher's options into what the supervisor runs: ports,
 * arguments, which entries are skipped and why. Pure: the file system and port picking are
 * passed in.
 *
 * @module
 */
import type { DevOptions } from "./options.ts";
import { type LaunchContext, portNames, type ServiceEntry } from "./services.ts";
import type { SupervisedService } from "./supervisor.ts";

/** A service ready to hand to the supervisor, with its table entry. */
export interface PlannedService extends Omit<SupervisedService, "ready"> {
  /** The table entry. */
  entry: ServiceEntry;
  /** Port to probe for readiness, if any. */
  readyPort?: number;
}

/** What {@linkcode planLaunch} decided. */
export interface LaunchPlan {
  /** Settings the arguments were built from. */
  ctx: LaunchContext;
  /** Services to run, in start order. */
  services: PlannedService[];
  /** Entries not run, with the reason. */
  skipped: Array<{ name: string; reason: string }>;
  /** Ports to check before starting, with the service.port name. */
  portsToCheck: Array<{ name: string; port: number }>;
}

/** Inputs of {@linkcode planLaunch}. */
export interface PlanInput {
  /** Parsed flags, with `dataDir` (and `kafkaProperties`) absolute. */
  options: DevOptions;
  /** The services table. */
  entries: readonly ServiceEntry[];
  /** Absolute path of the repository (entries' `main` are relative to it). */
  root: string;
  /** The `deno` executable. */
  deno: string;
  /**
   * Folder of the compiled executables (`iot-<name>`, from `deno task compile`) when the launcher
   * itself is one; then services run from there instead of `deno run <main>`.
   */
  compiledDir?: string;
  /** Whether a file exists. */
  exists(path: string): boolean;
  /** `count` free ports (for `--port-base 0`). */
  freePorts(count: number): number[];
  /** The file holding this run's API token. */
  tokenFile: string;
}

/** Ports: `base + i` for the i-th `service.port` name of the whole table, or free ones for 0. */
export function assignPorts(
  names: readonly string[],
  base: number,
  freePorts: (count: number) => number[],
): Record<string, number> {
  const numbers = base === 0 ? freePorts(names.length) : names.map((_, i) => base + i);
  return Object.fromEntries(names.map((name, i) => [name, numbers[i]]));
}

/** Builds the launch plan. */
export function planLaunch(input: PlanInput): LaunchPlan {
  const { options, entries } = input;
  const ports = assignPorts(portNames(entries), options.portBase, input.freePorts);
  const ctx: LaunchContext = {
    bootstrap: options.kafka ?? `127.0.0.1:${ports["broker.kafka"]}`,
    externalKafka: options.kafka !== undefined,
    ...(options.kafkaProperties !== undefined ? { kafkaProperties: options.kafkaProperties } : {}),
    dataDir: options.dataDir,
    ports,
    fleet: {
      devices: options.devices,
      vehicles: options.vehicles,
      rate: options.rate,
      overheat: options.overheat,
      pressureSpike: options.pressureSpike,
    },
    tokenFile: input.tokenFile,
    ...(options.mongo ? { mongoUrl: options.mongo } : {}),
    ...(options.cassandra ? { cassandra: options.cassandra } : {}),
  };
  const skipped: LaunchPlan["skipped"] = [];
  const planned: PlannedService[] = [];
  for (const entry of entries) {
    const main = input.compiledDir
      ? `${input.compiledDir}/iot-${entry.name}`
      : `${input.root}/${entry.main}`;
    if (entry.enabled && !entry.enabled(ctx)) {
      skipped.push({ name: entry.name, reason: "not needed in this run" });
    } else if (!input.exists(main)) {
      const what = input.compiledDir ? main : entry.main;
      if (!entry.optional) throw new TypeError(`${what} is missing`);
      skipped.push({ name: entry.name, reason: `${what} does not exist yet` });
    } else {
      planned.push({
        name: entry.name,
        entry,
        command: input.compiledDir ? main : input.deno,
        args: [
          ...(input.compiledDir ? [] : ["run", "--allow-all", ...v8Args(entry), main]),
          ...entry.args(ctx),
        ],
        env: entry.env?.(ctx) ?? {},
        dependsOn: [],
        essential: entry.essential,
        ...(entry.readyPort ? { readyPort: ports[`${entry.name}.${entry.readyPort}`] } : {}),
      });
    }
  }
  const names = new Set(planned.map((p) => p.name));
  for (const p of planned) p.dependsOn = p.entry.dependsOn.filter((d) => names.has(d));
  const portsToCheck = planned.flatMap((p) =>
    p.entry.ports.map((port) => ({ name: `${p.name}.${port}`, port: ports[`${p.name}.${port}`] }))
  );
  return { ctx, services: planned, skipped, portsToCheck };
}

function v8Args(entry: ServiceEntry): string[] {
  return entry.v8Flags?.length ? [`--v8-flags=${entry.v8Flags.join(",")}`] : [];
}
