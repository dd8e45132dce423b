/**
 * A job that outlives the failure of its Kafka clients.
 *
 * librdkafka ends a client for good on a fatal error. One a healthy cluster causes: a broker that
 * coordinated the group is killed, the member's session times out, it rejoins under its static
 * `group.instance.id` and its own in-flight request with the old member id is answered
 * FENCED_INSTANCE_ID, which is fatal to the consumer. Every instance can hit it at once, so ending
 * the process (as any other job failure does) would stop the whole job. Instead the job is built
 * again after a backoff: new clients, tasks restored from the last local checkpoint, and the new
 * transactional producer (same transactional id) aborts whatever the old one left open, so
 * exactly-once holds as across a process restart. A {@linkcode RestartableError} (the input left at
 * unknown offsets) is restarted the same way. Other failures, or restartable ones that keep coming
 * right after a restart, still end the job.
 *
 * @module
 */
import { KafkaError } from "@iot/kafka";
import { backoffDelay, sleep } from "@iot/service";
import type { JobRunner } from "./job_runner.ts";
import { RestartableError } from "./runner_options.ts";
import type { JobStatus } from "./status.ts";

/** What {@linkcode RestartingJob} runs: a {@linkcode JobRunner}. */
export type RunnableJob = Pick<JobRunner, "name" | "run" | "status">;

/** How {@linkcode RestartingJob} restarts. */
export interface RestartingJobOptions {
  /** Stops the job (a restart is not attempted after it). */
  signal: AbortSignal;
  /** Where restarts are logged. */
  log: (message: string) => void;
  /** Wait before a restart, in ms; doubles while runs keep failing early. Default 1 000. */
  backoffMs?: number;
  /** Restarts in a row (each run failing within `stableMs`) before giving up. Default 5. */
  maxRestarts?: number;
  /** A run that lasted this long resets the count and the backoff, in ms. Default 60 000. */
  stableMs?: number;
  /** The clock, in ms (tests pass their own). Default `performance.now`. */
  now?: () => number;
}

/** librdkafka's `RD_KAFKA_RESP_ERR__FATAL` and Kafka's FENCED_INSTANCE_ID (fatal to a consumer). */
const FATAL_CODES = new Set([-150, 82]);

/**
 * Whether `error` or one of its causes is a fatal Kafka client error (flagged fatal, or carrying
 * a code that is: a consumer's `close()` reports the fencing with its code, unflagged) or a
 * {@linkcode RestartableError}: what a restart of the job from its checkpoint cures.
 */
export function isRestartable(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof RestartableError) return true;
    if (e instanceof KafkaError && (e.fatal || FATAL_CODES.has(e.code))) return true;
  }
  return false;
}

/** Runs the job that `make` builds, building it again after a restartable failure. */
export class RestartingJob {
  readonly #make: () => RunnableJob;
  readonly #o: RestartingJobOptions;
  #current: RunnableJob;
  #restarts = 0;

  /** Builds the first runner now (its status is served before it runs). */
  constructor(make: () => RunnableJob, options: RestartingJobOptions) {
    this.#make = make;
    this.#o = options;
    this.#current = make();
  }

  /** The job's name. */
  get name(): string {
    return this.#current.name;
  }

  /** Restarts so far. */
  get restarts(): number {
    return this.#restarts;
  }

  /** The current runner's status. */
  status(): Promise<JobStatus> {
    return this.#current.status();
  }

  /** Runs until stopped, or until a failure that a restart does not cure. */
  async run(): Promise<void> {
    const { signal, log, backoffMs = 1_000, maxRestarts = 5, stableMs = 60_000 } = this.#o;
    const now = this.#o.now ?? (() => performance.now());
    let inARow = 0;
    for (;;) {
      const started = now();
      try {
        return await this.#current.run();
      } catch (e) {
        if (signal.aborted || !isRestartable(e)) throw e;
        inARow = now() - started >= stableMs ? 1 : inARow + 1;
        if (inARow > maxRestarts) throw e;
        const waitMs = backoffDelay(inARow - 1, { initialMs: backoffMs });
        log(
          `${this.name}: restarting in ${waitMs} ms after a fatal Kafka client error ` +
            `(${inARow} of ${maxRestarts} in a row): ${(e as Error).message}`,
        );
        if (!(await sleep(waitMs, signal))) return;
        this.#restarts++;
        this.#current = this.#make();
      }
    }
  }
}
