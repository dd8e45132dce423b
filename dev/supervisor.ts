/**
 * The launcher's supervisor: starts services in dependency order (each once the services it
 * depends on are ready), reports a service that dies with its last lines and says whether the
 * others go on, and stops everything in reverse dependency order: SIGTERM, then SIGKILL after a
 * grace period. Processes come from a {@linkcode Spawner}, time from a timer: both injectable.
 *
 * @module
 */
import type { ChildExit, ChildProcess, Spawner } from "./process.ts";

/** One service as the supervisor runs it. */
export interface SupervisedService {
  /** Unique name, used as the log prefix. */
  name: string;
  /** Executable and arguments. */
  command: string;
  /** Arguments. */
  args: readonly string[];
  /** Extra environment. */
  env: Readonly<Record<string, string>>;
  /** Services that must be ready before this one starts and that stop after it. */
  dependsOn: readonly string[];
  /** When it dies, everything stops (the broker); otherwise the others go on. */
  essential: boolean;
  /** Resolves once the service is ready (e.g. its port accepts). Default: ready when spawned. */
  ready?: (signal: AbortSignal) => Promise<void>;
}

/** Options of {@linkcode Supervisor}. */
export interface SupervisorOptions {
  /** Starts processes. */
  spawner: Spawner;
  /** Receives each output line of a service. */
  output(service: string, line: string): void;
  /** Receives the supervisor's own messages (one line each, or a block for last lines). */
  report(message: string): void;
  /** Time between SIGTERM and SIGKILL. Default 10 000 ms. */
  graceMs?: number;
  /** Resolves after `ms` or when `signal` aborts. Default: a cleared-on-abort setTimeout. */
  timer?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Lines of output kept per service for the report of a dead one. Default 20. */
  keepLines?: number;
}

/** Thrown by {@linkcode Supervisor.start} when a service cannot be started or became not ready. */
export class StartError extends Error {
  /** @param message which service failed and why. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StartError";
  }
}

interface Running {
  spec: SupervisedService;
  child: ChildProcess | null;
  exit: ChildExit | null;
  exited: Promise<void>;
  ready: Promise<void>;
  lines: string[];
}

const defaultTimer = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(id);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const id = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });

/** Runs a set of services as child processes. */
export class Supervisor {
  readonly #services: SupervisedService[];
  readonly #options: SupervisorOptions;
  readonly #running = new Map<string, Running>();
  readonly #abort = new AbortController();
  #stopping: Promise<void> | null = null;

  /** @param services in an order where each comes after the services it depends on. */
  constructor(services: readonly SupervisedService[], options: SupervisorOptions) {
    const seen = new Set<string>();
    for (const s of services) {
      for (const d of s.dependsOn) {
        if (!seen.has(d)) {
          throw new TypeError(`service ${s.name} depends on ${d}, not listed before it`);
        }
      }
      if (seen.has(s.name)) throw new TypeError(`service ${s.name} is listed twice`);
      seen.add(s.name);
    }
    this.#services = [...services];
    this.#options = options;
  }

  /** Whether {@linkcode stop} was called (or an essential service died). */
  get stopping(): boolean {
    return this.#stopping !== null;
  }

  /** Exit of each service that exited so far. */
  exits(): Map<string, ChildExit> {
    const out = new Map<string, ChildExit>();
    for (const [name, r] of this.#running) if (r.exit) out.set(name, r.exit);
    return out;
  }

  /**
   * Starts every service; resolves when all are ready. On a failure it stops what started and
   * rejects with a {@linkcode StartError}.
   */
  async start(): Promise<void> {
    for (const spec of this.#services) this.#launch(spec);
    try {
      await Promise.all([...this.#running.values()].map((r) => r.ready));
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  /** Resolves once every started service has exited. */
  async done(): Promise<void> {
    await Promise.all([...this.#running.values()].map((r) => r.exited));
  }

  /** Stops every service, dependents first; idempotent. */
  stop(): Promise<void> {
    if (this.#stopping) return this.#stopping;
    this.#abort.abort();
    const stopped = new Map<string, Promise<void>>();
    for (const spec of [...this.#services].reverse()) {
      const dependents = this.#services.filter((s) => s.dependsOn.includes(spec.name));
      const after = Promise.all(dependents.map((d) => stopped.get(d.name)));
      stopped.set(spec.name, after.then(() => this.#stopOne(spec.name)));
    }
    this.#stopping = Promise.all(stopped.values()).then(() => {});
    return this.#stopping;
  }

  /** Sends SIGKILL to every service still running (a second Ctrl-C). */
  kill(): void {
    for (const r of this.#running.values()) if (!r.exit) r.child?.kill("SIGKILL");
  }

  #launch(spec: SupervisedService): void {
    const deps = spec.dependsOn.map((d) => this.#running.get(d)!.ready);
    let markExited!: () => void;
    const running: Running = {
      spec,
      child: null,
      exit: null,
      exited: new Promise((resolve) => markExited = resolve),
      ready: Promise.resolve(),
      lines: [],
    };
    this.#running.set(spec.name, running);
    running.ready = Promise.all(deps).then(
      () => this.#spawn(running, markExited),
      (e) => {
        markExited(); // never started: nothing to wait for
        throw e;
      },
    );
    // Failures surface through start(); this only avoids an unhandled rejection.
    running.ready.catch(() => {});
  }

  async #spawn(running: Running, markExited: () => void): Promise<void> {
    const { spec } = running;
    if (this.#abort.signal.aborted) {
      markExited();
      throw new StartError(`${spec.name} not started: stopping`);
    }
    const keep = this.#options.keepLines ?? 20;
    try {
      running.child = this.#options.spawner.spawn({
        name: spec.name,
        command: spec.command,
        args: spec.args,
        env: spec.env,
        onLine: (line) => {
          running.lines.push(line);
          if (running.lines.length > keep) running.lines.shift();
          this.#options.output(spec.name, line);
        },
      });
    } catch (e) {
      markExited();
      throw new StartError(`${spec.name} could not be started: ${(e as Error).message}`, {
        cause: e,
      });
    }
    this.#options.report(`started ${spec.name} (pid ${running.child.pid})`);
    let ready = false;
    const exitedEarly = running.child.exited.then((exit) => {
      running.exit = exit;
      markExited();
      this.#onExit(running, ready);
      if (!ready) {
        throw new StartError(`${spec.name} exited before it was ready (${describe(exit)})`);
      }
    });
    exitedEarly.catch(() => {});
    if (spec.ready) {
      const probe = spec.ready(this.#abort.signal).catch((e) => {
        throw new StartError(`${spec.name} is not ready: ${(e as Error).message}`, { cause: e });
      });
      await Promise.race([probe, exitedEarly]);
    }
    ready = true;
  }

  #onExit(running: Running, wasReady: boolean): void {
    if (this.#stopping) return;
    const { spec, exit, lines } = running;
    const tail = lines.length > 0
      ? `; last lines:\n${lines.map((l) => `    ${l}`).join("\n")}`
      : "; it printed nothing";
    this.#options.report(`${spec.name} ${describe(exit!)}${tail}`);
    if (!wasReady) return; // start() reports it and stops everything
    if (spec.essential) {
      this.#options.report(`${spec.name} is essential: stopping the others`);
      void this.stop();
      return;
    }
    const alive = [...this.#running.values()].filter((r) => r.exit === null);
    this.#options.report(
      alive.length === 0
        ? "no service is left running"
        : `the others go on (${alive.map((r) => r.spec.name).join(", ")}); Ctrl-C stops them`,
    );
  }

  async #stopOne(name: string): Promise<void> {
    const running = this.#running.get(name);
    if (!running?.child || running.exit) {
      await running?.exited;
      return;
    }
    running.child.kill("SIGTERM");
    const graceMs = this.#options.graceMs ?? 10_000;
    const timeUp = new AbortController();
    const timer = (this.#options.timer ?? defaultTimer)(graceMs, timeUp.signal).then(() => false);
    const exitedInTime = await Promise.race([running.exited.then(() => true), timer]);
    timeUp.abort();
    if (!exitedInTime) {
      this.#options.report(`${name} did not stop within ${graceMs} ms: SIGKILL`);
      running.child.kill("SIGKILL");
      await running.exited;
    }
  }
}

function describe(exit: ChildExit): string {
  if (exit.signal) return `was killed by ${exit.signal}`;
  return exit.code === 0 ? "exited (code 0)" : `exited with code ${exit.code}`;
}
