/**
 * A promise-chain mutex: runs async sections one at a time, in call order.
 *
 * @module
 */

/** Serializes async sections. */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();
  #held = false;

  /** Whether a section is running or queued. */
  get held(): boolean {
    return this.#held;
  }

  /** Runs `section` after every section queued before it; resolves with its result. */
  run<T>(section: () => T | Promise<T>): Promise<T> {
    const result = this.#tail.then(async () => {
      this.#held = true;
      try {
        return await section();
      } finally {
        this.#held = false;
      }
    });
    this.#tail = result.catch(() => {});
    return result;
  }
}
