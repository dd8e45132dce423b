/**
 * {@linkcode TailHub}: one poller per live stream, however many clients follow it. The hub reads
 * new events from the store every interval and appends them to a bounded in-memory log; each
 * subscriber walks the log from its own position. A subscriber that resumes from an event no
 * longer (or not yet) in the log reads the store itself until it reaches the log.
 *
 * @module
 */
import type { TailBatch, Tailed } from "./store.ts";

/** Reads the events after a cursor (the head when undefined). */
export type TailReader<T> = (cursor: string | undefined) => Promise<TailBatch<T>>;

/** Options of {@linkcode TailHub}. */
export interface TailHubOptions<T> {
  /** Reads the store. */
  readonly read: TailReader<T>;
  /** Time between two polls of the store. */
  readonly intervalMs: number;
  /** Events kept in memory for subscribers that fall behind. Default 10 000. */
  readonly capacity?: number;
  /** Called when the last subscriber left (the owner may drop the hub). */
  readonly onIdle?: () => void;
  /** Called with an error of a poll (the hub keeps polling). */
  readonly onError?: (error: unknown) => void;
}

/** A bounded log of events shared by the subscribers of one stream. */
export class TailHub<T> {
  readonly #o: TailHubOptions<T>;
  readonly #capacity: number;
  /** Events in order; `#first` is the sequence number of `#log[0]`. */
  #log: Tailed<T>[] = [];
  #first = 0;
  readonly #seqOf = new Map<string, number>();
  #head: string | undefined;
  #startCursor: string | undefined;
  #subscribers = 0;
  #started: Promise<void> | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  /** Bumped by each stop, so a poll of an earlier run changes nothing. */
  #generation = 0;
  #polling: Promise<void> | undefined;
  #waiters: Array<() => void> = [];

  /** Creates an idle hub; it polls only while someone subscribes. */
  constructor(options: TailHubOptions<T>) {
    this.#o = options;
    this.#capacity = options.capacity ?? 10_000;
  }

  /** Number of subscribers. */
  get subscribers(): number {
    return this.#subscribers;
  }

  async #start(): Promise<void> {
    const generation = this.#generation;
    const first = await this.#o.read(undefined);
    if (generation !== this.#generation) return;
    this.#startCursor = this.#head = first.cursor;
    this.#append(first.events);
    this.#timer = setInterval(() => {
      this.#polling ??= this.#poll().finally(() => this.#polling = undefined);
    }, this.#o.intervalMs);
  }

  async #poll(): Promise<void> {
    const generation = this.#generation;
    try {
      for (;;) {
        const batch = await this.#o.read(this.#head);
        if (generation !== this.#generation) return;
        this.#head = batch.cursor;
        this.#append(batch.events);
        if (batch.events.length === 0) break;
      }
    } catch (e) {
      this.#o.onError?.(e);
    }
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  #append(events: Tailed<T>[]): void {
    for (const e of events) {
      this.#seqOf.set(e.cursor, this.#first + this.#log.length);
      this.#log.push(e);
    }
    const excess = this.#log.length - this.#capacity;
    if (excess > 0) {
      for (const e of this.#log.slice(0, excess)) this.#seqOf.delete(e.cursor);
      this.#log = this.#log.slice(excess);
      this.#first += excess;
    }
  }

  /** The sequence number just after `cursor`, or undefined when the log cannot tell. */
  #after(cursor: string | undefined): number | undefined {
    if (cursor === undefined) return this.#first + this.#log.length; // the head
    if (cursor === this.#startCursor && this.#first === 0) return 0;
    const seq = this.#seqOf.get(cursor);
    return seq === undefined ? undefined : seq + 1;
  }

  #nextTick(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.#waiters.push(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }

  /**
   * Yields batches of events after `cursor` (the head when undefined) until `signal` aborts. The
   * first batch is empty and comes as soon as the start position is fixed; later empty batches
   * mean "nothing new this tick" (for heartbeats).
   */
  async *follow(cursor: string | undefined, signal: AbortSignal): AsyncGenerator<Tailed<T>[]> {
    this.#subscribers++;
    try {
      await (this.#started ??= this.#start());
      let seq = this.#after(cursor);
      // From the head: the hub's store cursor is the position of the log's end.
      let position = cursor ?? this.#head;
      // The position is fixed now: tell the caller (it may announce the stream as ready).
      yield [];
      while (!signal.aborted) {
        if (seq !== undefined && seq < this.#first) seq = undefined; // fell behind the log
        if (seq === undefined) {
          // Catch up from the store until an event the log holds, which the log then serves.
          const batch = await this.#o.read(position);
          const out: Tailed<T>[] = [];
          for (const e of batch.events) {
            seq = this.#seqOf.get(e.cursor);
            if (seq !== undefined) break;
            out.push(e);
          }
          if (out.length) position = out[out.length - 1].cursor;
          if (seq === undefined) seq = this.#after(position);
          if (out.length) yield out;
          else if (seq === undefined) {
            await this.#nextTick(signal);
            yield [];
          }
          continue;
        }
        const end = this.#first + this.#log.length;
        if (seq < end) {
          const events = this.#log.slice(seq - this.#first, end - this.#first);
          seq = end;
          position = events[events.length - 1].cursor;
          yield events;
          continue;
        }
        await this.#nextTick(signal);
        yield [];
      }
    } finally {
      if (--this.#subscribers === 0) this.#stop();
    }
  }

  /** Stops polling and drops the log, synchronously (a new subscriber starts afresh). */
  #stop(): void {
    this.#generation++;
    this.#started = undefined;
    clearInterval(this.#timer);
    this.#polling = undefined;
    this.#log = [];
    this.#seqOf.clear();
    this.#first = 0;
    this.#head = this.#startCursor = undefined;
    this.#o.onIdle?.();
  }
}
