/**
 * Event-time disorder on request: out-of-order delivery within a bound, late records beyond it,
 * duplicates and malformed values, drawn from a seeded RNG so a disordered dataset is as
 * reproducible as an ordered one. (Per-device clock skew is applied by the schedule.)
 *
 * @module
 */
import type { Realism } from "./fleet.ts";
import { Rng } from "./rng.ts";
import type { SimRecord } from "./schedule.ts";

interface Held {
  releaseMs: number;
  seq: number;
  record: SimRecord;
}

/** Counts of what {@linkcode Disorder} did. */
export interface DisorderCounts {
  /** Records delayed within the out-of-order bound. */
  outOfOrder: number;
  /** Records delayed beyond it. */
  late: number;
  /** Extra copies sent. */
  duplicates: number;
  /** Values replaced by text that is not JSON. */
  invalidJson: number;
  /** Values replaced by JSON that breaks the schema. */
  schemaViolations: number;
}

/** Whether `realism` asks for any disorder besides clock skew. */
export function wantsDisorder(realism: Realism): boolean {
  return realism.outOfOrder + realism.late + realism.duplicates + realism.invalidJson +
      realism.schemaViolations > 0;
}

/**
 * Reshapes an event-time-ordered record sequence. Delayed records are held until the simulated
 * clock (the event time of later input) reaches their release time; {@linkcode Disorder.drain}
 * releases the rest at the end.
 *
 * @example
 * ```ts ignore
 * const disorder = new Disorder(fleet.realism, "42");
 * const out = disorder.apply(batch); // then, at the end: disorder.drain()
 * ```
 */
export class Disorder {
  readonly #realism: Realism;
  readonly #rng: Rng;
  readonly #held: Held[] = [];
  #seq = 0;
  /** What was done so far. */
  readonly counts: DisorderCounts = {
    outOfOrder: 0,
    late: 0,
    duplicates: 0,
    invalidJson: 0,
    schemaViolations: 0,
  };

  /** Creates the shaper; its draws come from seed `${seed}/realism`. */
  constructor(realism: Realism, seed: string) {
    this.#realism = realism;
    this.#rng = Rng.fromSeed(`${seed}/realism`);
  }

  /** Records still held back. */
  get held(): number {
    return this.#held.length;
  }

  /** Returns the records to deliver now, given the next generated ones in event-time order. */
  apply(records: readonly SimRecord[]): SimRecord[] {
    const out: SimRecord[] = [];
    const r = this.#realism, rng = this.#rng;
    for (const input of records) {
      this.#release(input.timestamp, out);
      const record = this.#corrupt(input);
      const u = rng.float();
      if (u < r.late) {
        this.counts.late++;
        this.#hold(record, record.timestamp + r.lateBy + rng.int(r.lateBy));
      } else if (u < r.late + r.outOfOrder) {
        this.counts.outOfOrder++;
        this.#hold(record, record.timestamp + 1 + rng.int(r.maxOutOfOrder));
      } else {
        out.push(record);
      }
      if (rng.float() < r.duplicates) {
        this.counts.duplicates++;
        out.push(record);
      }
    }
    return out;
  }

  /** Releases every held record, by release time. */
  drain(): SimRecord[] {
    const out: SimRecord[] = [];
    this.#release(Infinity, out);
    return out;
  }

  #corrupt(record: SimRecord): SimRecord {
    const r = this.#realism, u = this.#rng.float();
    if (u < r.invalidJson) {
      this.counts.invalidJson++;
      return { ...record, value: record.value.slice(0, record.value.length >> 1) };
    }
    if (u < r.invalidJson + r.schemaViolations) {
      this.counts.schemaViolations++;
      // A timestamp no parser accepts, even the lenient legacy one.
      return { ...record, value: record.value.replace(/"ts":"[^"]*"/, '"ts":"yesterday"') };
    }
    return record;
  }

  #hold(record: SimRecord, releaseMs: number): void {
    const held = this.#held;
    held.push({ releaseMs, seq: this.#seq++, record });
    // Insertion keeps the list sorted by (releaseMs, seq); few records are held at a time.
    for (let i = held.length - 1; i > 0 && before(held[i], held[i - 1]); i--) {
      [held[i], held[i - 1]] = [held[i - 1], held[i]];
    }
  }

  #release(clockMs: number, out: SimRecord[]): void {
    const held = this.#held;
    let n = 0;
    while (n < held.length && held[n].releaseMs <= clockMs) out.push(held[n++].record);
    if (n > 0) held.splice(0, n);
  }
}

function before(x: Held, y: Held): boolean {
  return x.releaseMs < y.releaseMs || (x.releaseMs === y.releaseMs && x.seq < y.seq);
}
