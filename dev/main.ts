/**
 * `deno task dev`: the whole pipeline in one terminal (see `--help`). Exit codes: 0 stopped by
 * Ctrl-C/SIGTERM, 1 a service failed to start or the broker died, 2 bad flags or a port taken,
 * 3 a dependency missing (librdkafka).
 *
 * @module
 */
import { librdkafkaVersion, loadClientProperties } from "@iot/kafka";
import { usageLine } from "@iot/service";
import { devUsage, parseDevArgs } from "./options.ts";
import { createPrefixer } from "./output.ts";
import { quietAdmin } from "./quiet_admin.ts";
import { type LaunchPlan, planLaunch } from "./plan.ts";
import { denoSpawner } from "./process.ts";
import { waitForPort } from "./ready.ts";
import { freePorts, isPortFree } from "./server/ports.ts";
import { services } from "./services.ts";
import { StartError, Supervisor } from "./supervisor.ts";

const encoder = new TextEncoder();
const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

function writeAll(file: { writeSync(p: Uint8Array): number }, text: string): void {
  const bytes = encoder.encode(text);
  for (let done = 0; done < bytes.length;) done += file.writeSync(bytes.subarray(done));
}

function fail(message: string, code: number): number {
  writeAll(Deno.stderr, `dev: ${message}\n`);
  return code;
}

function absolute(path: string): string {
  return path.startsWith("/") ? path : `${Deno.cwd()}/${path}`.replace(/\/\.\//g, "/");
}

/** The folder of `iot-dev` when running as a compiled executable, else null. */
function compiledDir(): string | null {
  const exe = Deno.execPath();
  const slash = exe.lastIndexOf("/");
  return exe.slice(slash + 1).startsWith("iot-") ? exe.slice(0, slash) : null;
}

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** A fresh token per run, in a file only the user can read; the API reads API_TOKEN_FILE. */
function writeToken(file: string): string {
  const token = Array.from(crypto.getRandomValues(new Uint8Array(24)))
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  Deno.writeTextFileSync(file, `${token}\n`, { mode: 0o600 });
  Deno.chmodSync(file, 0o600);
  return token;
}

/** Checks what would make a service fail at once; returns one line, or null when all is well. */
async function preflight(plan: LaunchPlan): Promise<[string, number] | null> {
  try {
    librdkafkaVersion();
  } catch (e) {
    // The message names the paths tried and how to install it.
    return [(e as Error).message.split("\n")[0], 3];
  }
  for (const { name, port } of plan.portsToCheck) {
    if (!isPortFree(port)) {
      return [
        `port ${port} (${name}) is taken: stop what uses it (another deno task dev?) or pass ` +
        `--port-base N (0 = free ports)`,
        2,
      ];
    }
  }
  if (plan.ctx.externalKafka) {
    const [host, port] = plan.ctx.bootstrap.split(",")[0].split(":");
    try {
      await waitForPort(Number(port), host, { timeoutMs: 5_000 });
    } catch (e) {
      return [`cannot reach Kafka at ${plan.ctx.bootstrap}: ${(e as Error).message}`, 1];
    }
    return await checkKafka(plan.ctx.bootstrap, plan.ctx.kafkaProperties);
  }
  return null;
}

/**
 * Asks the cluster for its topics with the services' settings, so a wrong password or CA file is
 * one line here rather than every service retrying on its own.
 */
async function checkKafka(
  bootstrap: string,
  properties: string | undefined,
): Promise<[string, number] | null> {
  let config;
  try {
    config = loadClientProperties(properties);
  } catch (e) {
    return [`--kafka-properties: ${(e as Error).message}`, 2];
  }
  await using quiet = quietAdmin({ ...config, "bootstrap.servers": bootstrap });
  try {
    await quiet.admin.listTopics({ timeoutMs: 10_000 });
    return null;
  } catch (e) {
    const via = properties ? ` with ${properties}` : "";
    return [`cannot talk to Kafka at ${bootstrap}${via}: ${quiet.reason(e)}`, 1];
  }
}

function summary(plan: LaunchPlan, token: string): string[] {
  const lines: string[] = [];
  for (const s of plan.services) {
    for (const [label, url] of Object.entries(s.entry.urls?.(plan.ctx) ?? {})) {
      lines.push(`${s.name} ${label}: ${url}`);
    }
  }
  const api = plan.services.find((s) => s.name === "api");
  if (api) lines.push(`dashboard: http://127.0.0.1:${plan.ctx.ports["api.http"]}/?token=${token}`);
  else {
    lines.push(
      `dashboard: not started (api/main.ts does not exist yet); watch aggregates with ` +
        `deno task tail sensor-aggregates --bootstrap ${plan.ctx.bootstrap}` +
        (plan.ctx.kafkaProperties ? ` --kafka-properties ${plan.ctx.kafkaProperties}` : ""),
    );
  }
  return lines;
}

/** Runs the launcher with `args`; returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  let options;
  try {
    options = parseDevArgs(args, Deno.env.toObject());
  } catch (e) {
    writeAll(Deno.stderr, `${usageLine("dev", (e as Error).message)}\n`);
    return 2;
  }
  if (options === "help") {
    writeAll(Deno.stdout, devUsage);
    return 0;
  }
  const dataDir = absolute(options.dataDir);
  const tokenFile = `${dataDir}/api-token`;
  // Services may run elsewhere (a compiled launcher's folder): they get absolute paths.
  const kafkaProperties = options.kafkaProperties && absolute(options.kafkaProperties);
  const plan = planLaunch({
    options: { ...options, dataDir, ...(kafkaProperties ? { kafkaProperties } : {}) },
    entries: services,
    root,
    deno: Deno.execPath(),
    ...(compiledDir() ? { compiledDir: compiledDir()! } : {}),
    exists,
    freePorts,
    tokenFile,
  });
  const problem = await preflight(plan);
  if (problem) return fail(...problem);
  Deno.mkdirSync(`${dataDir}/store`, { recursive: true });
  const token = writeToken(tokenFile);

  const color = Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR");
  const prefix = createPrefixer({ names: ["dev", ...plan.services.map((s) => s.name)], color });
  const say = (message: string) => writeAll(Deno.stdout, `${prefix("dev", message)}\n`);
  const supervisor = new Supervisor(
    plan.services.map((s) => ({
      ...s,
      ...(s.readyPort !== undefined
        ? { ready: (signal: AbortSignal) => waitForPort(s.readyPort!, "127.0.0.1", { signal }) }
        : {}),
    })),
    {
      spawner: denoSpawner,
      output: (name, line) => writeAll(Deno.stdout, `${prefix(name, line)}\n`),
      report: (message) => writeAll(Deno.stdout, `${prefix("dev", message)}\n`),
      graceMs: options.graceMs,
    },
  );
  let signalled = 0;
  const onSignal = () => {
    // `deno task` forwards the terminal's SIGINT, so one Ctrl-C can arrive twice: a signal within
    // a second of the first is the same one.
    if (signalled && performance.now() - signalled < 1_000) return;
    if (signalled) {
      say("second signal: killing every service");
      supervisor.kill();
      return;
    }
    signalled = performance.now();
    say("stopping (dependents first, the broker last; Ctrl-C again kills them at once)");
    void supervisor.stop();
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  say(`data in ${dataDir}; Kafka at ${plan.ctx.bootstrap}`);
  for (const s of plan.skipped) say(`${s.name}: skipped, ${s.reason}`);
  let code = 0;
  try {
    await supervisor.start();
    for (const line of summary(plan, token)) say(line);
    say("all services started; Ctrl-C stops them");
  } catch (e) {
    if (!(e instanceof StartError)) throw e;
    if (!signalled) {
      say(`${e.message}; stopped the others`);
      code = 1;
    }
  }
  await supervisor.done();
  if (!signalled && code === 0) code = 1; // the broker died and took the rest down
  Deno.removeSignalListener("SIGINT", onSignal);
  Deno.removeSignalListener("SIGTERM", onSignal);
  const exits = [...supervisor.exits()].map(([name, exit]) =>
    `${name} ${exit.signal ?? `code ${exit.code}`}`
  );
  say(`stopped (${exits.join(", ")})`);
  return code;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
