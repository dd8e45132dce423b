/**
 * The state of one share-partition (KIP-932): which records of a topic-partition a share group has
 * handed out, to whom, how often, and which are done. Pure: no I/O, the clock is a parameter, so
 * tests drive lock timeouts by passing time.
 *
 * Offsets below the share-partition start offset (SPSO) are done; offsets from the SPSO up to the
 * end offset are in flight, each AVAILABLE (to be redelivered), ACQUIRED (locked to one member
 * until its acquisition lock expires), ACKNOWLEDGED or ARCHIVED; offsets from the end offset on
 * have never been delivered. The SPSO moves past leading done records.
 *
 * @module
 */
import { ErrorCode } from "../protocol/mod.ts";

/** Record states, with Kafka's numbering (as persisted by its share coordinator). */
export const RecordState = { AVAILABLE: 0, ACQUIRED: 1, ACKNOWLEDGED: 2, ARCHIVED: 4 } as const;
/** A record state. */
export type RecordState = typeof RecordState[keyof typeof RecordState];

/** Acknowledgement types of ShareFetch/ShareAcknowledge. */
export const AckType = { GAP: 0, ACCEPT: 1, RELEASE: 2, REJECT: 3, RENEW: 4 } as const;

/** Limits of a share-partition; defaults are Kafka 4.3's. */
export interface SharePartitionOptions {
  /** `group.share.delivery.count.limit`: deliveries before a record is archived. Default: 5. */
  maxDeliveries?: number;
  /** `group.share.partition.max.record.locks`: in-flight records at most. Default: 2000. */
  maxInFlight?: number;
}

/** A run of acquired offsets sharing one delivery count (as ShareFetch reports them). */
export interface AcquiredRange {
  /** First offset. */
  first: number;
  /** Last offset (inclusive). */
  last: number;
  /** How often these records have been delivered, this delivery included. */
  deliveryCount: number;
}

/**
 * Plain, versioned persisted form: the SPSO, the end offset and runs of in-flight records
 * `[first, last, state, deliveryCount]`. Acquired records are stored as AVAILABLE: locks do not
 * survive a restart, acknowledgements do.
 */
export interface SharePartitionSnapshot {
  /** Format version (1). */
  v: 1;
  /** Share-partition start offset. */
  start: number;
  /** First offset never delivered. */
  end: number;
  /** In-flight runs. */
  runs: [number, number, number, number][];
  /** Index signature for JSON storage. */
  [key: string]: unknown;
}

interface InFlight {
  state: RecordState;
  deliveryCount: number;
  member: string | null;
  lockUntil: number;
}

/** One share-partition's in-flight records. */
export class SharePartition {
  #start: number;
  #end: number;
  #records = new Map<number, InFlight>();
  #maxDeliveries: number;
  #maxInFlight: number;

  /** A share-partition whose SPSO (and end) is `startOffset`, nothing in flight. */
  constructor(startOffset: number, options: SharePartitionOptions = {}) {
    this.#start = startOffset;
    this.#end = startOffset;
    this.#maxDeliveries = options.maxDeliveries ?? 5;
    this.#maxInFlight = options.maxInFlight ?? 2000;
  }

  /** Rebuilds a share-partition from {@linkcode snapshot}. */
  static restore(s: SharePartitionSnapshot, options: SharePartitionOptions = {}): SharePartition {
    if (s.v !== 1) throw new RangeError(`unknown share-partition snapshot version ${s.v}`);
    const p = new SharePartition(s.start, options);
    p.#end = s.end;
    for (let o = s.start; o < s.end; o++) {
      p.#records.set(o, {
        state: RecordState.AVAILABLE,
        deliveryCount: 0,
        member: null,
        lockUntil: 0,
      });
    }
    for (const [first, last, state, deliveryCount] of s.runs) {
      for (let o = first; o <= last; o++) {
        p.#records.set(o, {
          state: state as RecordState,
          deliveryCount,
          member: null,
          lockUntil: 0,
        });
      }
    }
    p.#advance();
    return p;
  }

  /** The share-partition start offset. */
  get startOffset(): number {
    return this.#start;
  }

  /** The first offset never delivered (where new records are acquired from). */
  get endOffset(): number {
    return this.#end;
  }

  /** Records in flight that are already acknowledged or archived (for lag). */
  get doneInFlight(): number {
    let n = 0;
    for (const r of this.#records.values()) if (isDone(r.state)) n++;
    return n;
  }

  /** How many new records may be acquired now without exceeding the in-flight limit. */
  get room(): number {
    return Math.max(0, this.#maxInFlight - (this.#end - this.#start));
  }

  /** The state and delivery count of `offset` (tests, diagnostics). */
  stateOf(offset: number): { state: RecordState; deliveryCount: number } | undefined {
    const r = this.#records.get(offset);
    return r && { state: r.state, deliveryCount: r.deliveryCount };
  }

  /** Whether some in-flight record can be acquired right now. */
  hasAvailable(): boolean {
    for (const r of this.#records.values()) if (r.state === RecordState.AVAILABLE) return true;
    return false;
  }

  /**
   * Acquires for `member` up to `maxRecords` AVAILABLE in-flight records (redeliveries, lowest
   * offsets first), then new records from the end offset up to `newEnd` (exclusive; the caller
   * aligns it to a batch end of the log). Each acquired record's delivery count goes up by one
   * and it is locked until `now + lockMs`.
   */
  acquire(
    member: string,
    now: number,
    lockMs: number,
    maxRecords: number,
    newEnd: number,
  ): AcquiredRange[] {
    const acquired: number[] = [];
    const take = (offset: number, r: InFlight) => {
      r.state = RecordState.ACQUIRED;
      r.deliveryCount++;
      r.member = member;
      r.lockUntil = now + lockMs;
      acquired.push(offset);
    };
    const offsets = [...this.#records.keys()].sort((a, b) => a - b);
    for (const o of offsets) {
      if (acquired.length >= maxRecords) break;
      const r = this.#records.get(o)!;
      if (r.state === RecordState.AVAILABLE) take(o, r);
    }
    if (acquired.length < maxRecords || acquired.length === 0) {
      const end = Math.min(newEnd, this.#end + Math.max(this.room, 0));
      for (let o = this.#end; o < end; o++) {
        const r: InFlight = {
          state: RecordState.AVAILABLE,
          deliveryCount: 0,
          member: null,
          lockUntil: 0,
        };
        this.#records.set(o, r);
        take(o, r);
      }
      this.#end = Math.max(this.#end, end);
    }
    return this.#ranges(acquired);
  }

  /**
   * Applies one acknowledgement batch of `member`: `types` holds one type for the whole range or
   * one per offset. All-or-nothing: INVALID_RECORD_STATE if a record in the range is not
   * acquired by `member`, INVALID_REQUEST for a malformed batch; 0 when applied.
   */
  acknowledge(
    member: string,
    first: number,
    last: number,
    types: number[],
    now: number,
    lockMs: number,
  ): number {
    const n = last - first + 1;
    if (n <= 0 || (types.length !== 1 && types.length !== n)) return ErrorCode.INVALID_REQUEST;
    if (types.some((t) => t < AckType.GAP || t > AckType.RENEW)) return ErrorCode.INVALID_REQUEST;
    for (let o = first; o <= last; o++) {
      const r = this.#records.get(o);
      if (!r || r.state !== RecordState.ACQUIRED || r.member !== member) {
        return ErrorCode.INVALID_RECORD_STATE;
      }
    }
    for (let o = first; o <= last; o++) {
      const r = this.#records.get(o)!;
      const type = types.length === 1 ? types[0] : types[o - first];
      if (type === AckType.RENEW) r.lockUntil = now + lockMs;
      else if (type === AckType.ACCEPT) this.#finish(r, RecordState.ACKNOWLEDGED);
      else if (type === AckType.RELEASE) this.#release(r);
      else this.#finish(r, RecordState.ARCHIVED); // REJECT, or GAP: no record at this offset
    }
    this.#advance();
    return ErrorCode.NONE;
  }

  /** Makes the records `member` holds available again (it left or closed its session). */
  releaseMember(member: string): boolean {
    let changed = false;
    for (const r of this.#records.values()) {
      if (r.state === RecordState.ACQUIRED && r.member === member) {
        this.#release(r);
        changed = true;
      }
    }
    if (changed) this.#advance();
    return changed;
  }

  /** Releases records whose acquisition lock expired at `now`; true if any did. */
  expireLocks(now: number): boolean {
    let changed = false;
    for (const r of this.#records.values()) {
      if (r.state === RecordState.ACQUIRED && r.lockUntil <= now) {
        this.#release(r);
        changed = true;
      }
    }
    if (changed) this.#advance();
    return changed;
  }

  /** Moves the SPSO up to the log start offset when retention removed the records below it. */
  clampToLogStart(logStartOffset: number): boolean {
    if (this.#start >= logStartOffset) return false;
    for (const o of [...this.#records.keys()]) if (o < logStartOffset) this.#records.delete(o);
    this.#start = logStartOffset;
    this.#end = Math.max(this.#end, logStartOffset);
    this.#advance();
    return true;
  }

  /** The persisted form (see {@linkcode SharePartitionSnapshot}). */
  snapshot(): SharePartitionSnapshot {
    const runs: [number, number, number, number][] = [];
    for (let o = this.#start; o < this.#end; o++) {
      const r = this.#records.get(o);
      if (!r) continue;
      const state = r.state === RecordState.ACQUIRED ? RecordState.AVAILABLE : r.state;
      const prev = runs.at(-1);
      if (prev && prev[1] === o - 1 && prev[2] === state && prev[3] === r.deliveryCount) {
        prev[1] = o;
      } else runs.push([o, o, state, r.deliveryCount]);
    }
    return { v: 1, start: this.#start, end: this.#end, runs };
  }

  #release(r: InFlight): void {
    r.member = null;
    r.state = r.deliveryCount >= this.#maxDeliveries ? RecordState.ARCHIVED : RecordState.AVAILABLE;
  }

  #finish(r: InFlight, state: RecordState): void {
    r.member = null;
    r.state = state;
  }

  #advance(): void {
    while (this.#start < this.#end) {
      const r = this.#records.get(this.#start);
      if (r && !isDone(r.state)) break;
      this.#records.delete(this.#start);
      this.#start++;
    }
  }

  #ranges(offsets: number[]): AcquiredRange[] {
    offsets.sort((a, b) => a - b);
    const out: AcquiredRange[] = [];
    for (const o of offsets) {
      const dc = this.#records.get(o)!.deliveryCount;
      const prev = out.at(-1);
      if (prev && prev.last === o - 1 && prev.deliveryCount === dc) prev.last = o;
      else out.push({ first: o, last: o, deliveryCount: dc });
    }
    return out;
  }
}

function isDone(state: RecordState): boolean {
  return state === RecordState.ACKNOWLEDGED || state === RecordState.ARCHIVED;
}
