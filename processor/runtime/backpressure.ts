/**
 * Backpressure: when the outputs waiting to be committed (buffered in tasks plus queued in the
 * producer) reach a high-water mark the runner pauses its input partitions and checkpoints, and
 * resumes them once the backlog fell to a low-water mark. Pure bookkeeping; the runner does the
 * pausing.
 *
 * @module
 */

/** What the runner must do after {@linkcode Backpressure.update}. */
export type BackpressureAction = "pause" | "resume" | null;

/** Hysteresis between a high- and a low-water mark of pending outputs. */
export class Backpressure {
  readonly #high: number;
  readonly #low: number;
  #paused = false;
  #pauses = 0;

  /**
   * @param highWater pause at this many pending outputs (at least 1).
   * @param lowWater resume at or below this many (below `highWater`).
   */
  constructor(highWater: number, lowWater: number) {
    if (!(highWater >= 1) || !(lowWater >= 0) || lowWater >= highWater) {
      throw new RangeError(
        `Backpressure needs 0 <= lowWater < highWater and highWater >= 1, got ${lowWater} and ${highWater}`,
      );
    }
    this.#high = highWater;
    this.#low = lowWater;
  }

  /** Whether the input is paused. */
  get paused(): boolean {
    return this.#paused;
  }

  /** How often the input was paused. */
  get pauses(): number {
    return this.#pauses;
  }

  /** Whether `pending` outputs call for a flush (at or above the high-water mark). */
  full(pending: number): boolean {
    return pending >= this.#high;
  }

  /** Records the current number of `pending` outputs and says whether to pause or resume. */
  update(pending: number): BackpressureAction {
    if (!this.#paused && pending >= this.#high) {
      this.#paused = true;
      this.#pauses++;
      return "pause";
    }
    if (this.#paused && pending <= this.#low) {
      this.#paused = false;
      return "resume";
    }
    return null;
  }

  /** Forgets a pause (the paused partitions were revoked or the consumer closed). */
  reset(): void {
    this.#paused = false;
  }
}
