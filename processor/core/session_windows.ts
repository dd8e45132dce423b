/**
 * Session window state: per key, a sorted list of non-overlapping sessions. A record at `t` opens
 * `[t, t + gap)`; every session it overlaps merges with it, so a record bridging two sessions joins
 * them. A session fires when the watermark passes its end + allowed lateness.
 *
 * @module
 */
import type { Aggregator } from "./aggregator.ts";
import { restoreRows, type SnapshotColumns } from "./columnar_snapshot.ts";
import { type ChangedKeys, clonePlain } from "./snapshot.ts";
import type { SessionWindows as SessionKind } from "./time_window.ts";
import { TimerQueue } from "./timer_queue.ts";
import type { WindowEngine, WindowResult } from "./window_engine.ts";

interface Session<Acc> {
  start: number;
  end: number;
  acc: Acc;
}

interface SessionKey<Acc> {
  /** Sessions sorted by start (and so by end: they never overlap). */
  sessions: Session<Acc>[];
  /**
   * End of the first session when its timer was registered. The first session's end only grows
   * by merging; rather than registering a timer per record, an expired timer is re-armed at the
   * session's current end, so the queue holds about one timer per key.
   */
  timer: number;
}

/** Snapshot of one key: its open sessions as `[start, end, accumulator]`, sorted by start. */
export type SessionKeySnapshot<Acc> = ReadonlyArray<readonly [number, number, Acc]>;

/** Window state for {@linkcode SessionKind} windows. */
export class SessionWindows<In, Acc, Out> implements WindowEngine<In, Out> {
  #gap: number;
  #agg: Aggregator<In, Acc, Out>;
  #lateness: number;
  #changed: ChangedKeys;
  #keys = new Map<string, SessionKey<Acc>>();
  #timers = new TimerQueue();

  /**
   * @param windows the session gap.
   * @param aggregator how sessions accumulate and merge.
   * @param allowedLatenessMs how long after its end a session stays open.
   * @param changed where keys changed by firing are recorded.
   */
  constructor(
    windows: SessionKind,
    aggregator: Aggregator<In, Acc, Out>,
    allowedLatenessMs: number,
    changed: ChangedKeys,
  ) {
    this.#gap = windows.gapMs;
    this.#agg = aggregator;
    this.#lateness = allowedLatenessMs;
    this.#changed = changed;
  }

  add(
    key: string,
    timeMs: number,
    value: In,
    watermarkMs: number,
    updates: WindowResult<Out>[] | undefined,
  ): boolean {
    const state = this.#keys.get(key);
    const sessions = state?.sessions ?? [];
    let start = timeMs, end = timeMs + this.#gap;
    // Sessions never overlap, so the ones overlapping [t, t + gap) are a contiguous run.
    let first = 0;
    while (first < sessions.length && sessions[first].end <= timeMs) first++;
    let last = first;
    while (last < sessions.length && sessions[last].start < timeMs + this.#gap) last++;
    if (last > first) {
      start = Math.min(start, sessions[first].start);
      end = Math.max(end, sessions[last - 1].end);
    }
    if (end + this.#lateness <= watermarkMs) return false;
    let acc = last > first ? sessions[first].acc : this.#agg.createAccumulator();
    for (let i = first + 1; i < last; i++) acc = this.#agg.merge(acc, sessions[i].acc);
    acc = this.#agg.add(acc, value);
    const merged = { start, end, acc };
    sessions.splice(first, last - first, merged);
    if (state === undefined) this.#arm(key, { sessions, timer: end });
    else if (sessions[0].end < state.timer) this.#arm(key, state);
    if (updates !== undefined) {
      updates.push({ key, window: { start, end }, value: this.#agg.getResult(acc), final: false });
    }
    return true;
  }

  advance(watermarkMs: number, out: WindowResult<Out>[]): void {
    for (let due; (due = this.#timers.pollDue(watermarkMs)) !== undefined;) {
      const end = due.timeMs - this.#lateness;
      for (const key of due.keys) {
        const state = this.#keys.get(key);
        if (state === undefined || state.timer !== end) continue;
        if (state.sessions[0].end === end) this.#fire(key, state, out);
        else this.#arm(key, state);
      }
    }
  }

  snapshotKey(key: string): SessionKeySnapshot<Acc> | null {
    const state = this.#keys.get(key);
    if (state === undefined) return null;
    return state.sessions.map((s) => [s.start, s.end, clonePlain(s.acc)] as const);
  }

  restoreKey(key: string, snapshot: unknown, owned = false): void {
    if (snapshot === null) {
      this.#keys.delete(key);
      return;
    }
    const data = snapshot as SessionKeySnapshot<Acc>;
    const sessions = data.map(([start, end, acc]) => ({
      start,
      end,
      acc: owned ? acc : clonePlain(acc),
    }));
    if (sessions.length === 0) this.#keys.delete(key);
    else this.#arm(key, { sessions, timer: sessions[0].end });
  }

  restoreColumns(columns: SnapshotColumns): void {
    restoreRows(columns, (key, state) => this.restoreKey(key, state, true));
  }

  keys(): IterableIterator<string> {
    return this.#keys.keys();
  }

  clear(): void {
    this.#keys.clear();
    this.#timers.clear();
  }

  /** Registers the key's timer at its first session's end. */
  #arm(key: string, state: SessionKey<Acc>): void {
    state.timer = state.sessions[0].end;
    this.#keys.set(key, state);
    this.#timers.add(state.timer + this.#lateness, key);
  }

  #fire(key: string, state: SessionKey<Acc>, out: WindowResult<Out>[]): void {
    const { start, end, acc } = state.sessions.shift()!;
    out.push({ key, window: { start, end }, value: this.#agg.getResult(acc), final: true });
    this.#changed.add(key);
    if (state.sessions.length === 0) this.#keys.delete(key);
    else this.#arm(key, state);
  }
}
