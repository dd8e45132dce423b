/**
 * Fake processes and a manual timer for driving the {@linkcode Supervisor} in unit tests.
 *
 * @module
 */
import type { ChildExit, ChildProcess, Spawner, SpawnRequest } from "./process.ts";

/** A fake child: the test decides what it prints and when it exits. */
export class FakeChild implements ChildProcess {
  /** Fake pid. */
  readonly pid: number;
  /** Signals received, in order. */
  readonly signals: Deno.Signal[] = [];
  /** Resolves when {@linkcode exit} is called. */
  readonly exited: Promise<ChildExit>;
  #resolve!: (exit: ChildExit) => void;
  #done = false;

  /**
   * @param request what was spawned.
   * @param log shared record of events ("kill broker SIGTERM", "exit broker").
   * @param onSigterm what the fake does on SIGTERM: exit (default) or ignore.
   */
  constructor(
    readonly request: SpawnRequest,
    readonly log: string[],
    public onSigterm: "exit" | "ignore",
    pid: number,
  ) {
    this.pid = pid;
    this.exited = new Promise((resolve) => this.#resolve = resolve);
  }

  /** Prints a line. */
  print(line: string): void {
    this.request.onLine(line);
  }

  /** Exits with `code` (or by `signal`). */
  exit(code: number, signal: string | null = null): void {
    if (this.#done) return;
    this.#done = true;
    this.log.push(`exit ${this.request.name}`);
    this.#resolve({ code, signal });
  }

  /** Records the signal; SIGKILL always ends it, SIGTERM per {@linkcode onSigterm}. */
  kill(signal: Deno.Signal): void {
    if (this.#done) return;
    this.signals.push(signal);
    this.log.push(`kill ${this.request.name} ${signal}`);
    if (signal === "SIGKILL") this.exit(137, "SIGKILL");
    else if (this.onSigterm === "exit") this.exit(0);
  }
}

/** A spawner of {@linkcode FakeChild}ren; names listed in `failing` throw NotFound. */
export class FakeSpawner implements Spawner {
  /** Children by service name. */
  readonly children = new Map<string, FakeChild>();
  /** Spawns and kills in order. */
  readonly log: string[] = [];
  /** Services whose children ignore SIGTERM. */
  readonly stubborn = new Set<string>();
  /** Services whose spawn throws. */
  readonly failing = new Set<string>();

  /** Spawns a fake child. */
  spawn(request: SpawnRequest): FakeChild {
    if (this.failing.has(request.name)) {
      throw new Deno.errors.NotFound(`no such file: ${request.command}`);
    }
    this.log.push(`spawn ${request.name}`);
    const onSigterm = this.stubborn.has(request.name) ? "ignore" : "exit";
    const child = new FakeChild(request, this.log, onSigterm, 1000 + this.children.size);
    this.children.set(request.name, child);
    return child;
  }
}

/** A timer the test fires by hand: no real time passes in supervisor tests. */
export class ManualTimer {
  readonly #pending = new Set<() => void>();

  /** The supervisor's `timer` option. */
  readonly timer = (_ms: number, signal: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
      const fire = () => {
        this.#pending.delete(fire);
        resolve();
      };
      this.#pending.add(fire);
      signal.addEventListener("abort", fire, { once: true });
    });

  /** How many timers are waiting. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Fires every waiting timer. */
  fireAll(): void {
    for (const fire of [...this.#pending]) fire();
  }
}

/** A promise with its resolve and reject. */
export function deferred<T = void>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
