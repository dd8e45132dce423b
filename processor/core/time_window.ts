/**
 * Window assignment: which event-time windows a record belongs to. Windows are half-open,
 * `[start, end)`: a record exactly at `end` belongs to the next window.
 *
 * Window kinds are plain data ({@linkcode tumbling}, {@linkcode sliding}, {@linkcode session}), so a
 * snapshot can record the kind it was taken with. Tumbling and sliding windows are evaluated on
 * panes of `gcd(size, slide)` ({@linkcode PaneLayout}); sessions merge (see `session_windows.ts`).
 *
 * @module
 */

/** A half-open event-time interval `[start, end)` in epoch milliseconds. */
export interface TimeWindow {
  /** First millisecond inside the window. */
  readonly start: number;
  /** First millisecond after the window. */
  readonly end: number;
}

/** Fixed-size, non-overlapping windows: `[offset + k·size, offset + (k+1)·size)`. */
export interface TumblingWindows {
  /** Discriminant. */
  readonly kind: "tumbling";
  /** Window length in ms, a positive integer. */
  readonly sizeMs: number;
  /** Shift of the window grid from the epoch in ms, `0 <= offsetMs < sizeMs`. */
  readonly offsetMs: number;
}

/** Fixed-size windows starting every `slideMs`: each record is in `sizeMs / slideMs` windows. */
export interface SlidingWindows {
  /** Discriminant. */
  readonly kind: "sliding";
  /** Window length in ms, a positive integer. */
  readonly sizeMs: number;
  /** Distance between window starts in ms, a positive integer no larger than `sizeMs`. */
  readonly slideMs: number;
  /** Shift of the window grid from the epoch in ms, `0 <= offsetMs < slideMs`. */
  readonly offsetMs: number;
}

/** Per-key windows of activity: records less than `gapMs` apart share a session. */
export interface SessionWindows {
  /** Discriminant. */
  readonly kind: "session";
  /** Inactivity gap in ms, a positive integer; a record at `last + gapMs` starts a new session. */
  readonly gapMs: number;
}

/** Any window kind a {@linkcode WindowOperator} accepts. */
export type WindowKind = TumblingWindows | SlidingWindows | SessionWindows;

function positiveInt(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer of milliseconds, got ${value}`);
  }
  return value;
}

function offsetIn(value: number, period: number): number {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`offsetMs must be an integer of milliseconds, got ${value}`);
  }
  return mod(value, period);
}

/**
 * Tumbling windows of `sizeMs`.
 *
 * @example
 * ```ts
 * import { tumbling } from "@iot/processor";
 * tumbling(60_000); // [0, 60000), [60000, 120000), ...
 * ```
 */
export function tumbling(sizeMs: number, offsetMs = 0): TumblingWindows {
  positiveInt("sizeMs", sizeMs);
  return { kind: "tumbling", sizeMs, offsetMs: offsetIn(offsetMs, sizeMs) };
}

/**
 * Sliding windows of `sizeMs` every `slideMs` (Flink's `SlidingEventTimeWindows`).
 *
 * @example
 * ```ts
 * import { sliding } from "@iot/processor";
 * sliding(300_000, 60_000); // 5-minute windows every minute
 * ```
 */
export function sliding(sizeMs: number, slideMs: number, offsetMs = 0): SlidingWindows {
  positiveInt("sizeMs", sizeMs);
  positiveInt("slideMs", slideMs);
  if (slideMs > sizeMs) {
    throw new RangeError(
      `slideMs (${slideMs}) must not exceed sizeMs (${sizeMs}): records between windows would be lost`,
    );
  }
  return { kind: "sliding", sizeMs, slideMs, offsetMs: offsetIn(offsetMs, slideMs) };
}

/** Session windows closed by `gapMs` of inactivity per key. */
export function session(gapMs: number): SessionWindows {
  positiveInt("gapMs", gapMs);
  return { kind: "session", gapMs };
}

/** `x` modulo `m`, always in `[0, m)`. */
export function mod(x: number, m: number): number {
  const r = x % m;
  return r < 0 ? r + m : r;
}

/** Greatest common divisor of two positive integers. */
export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * The pane arithmetic of tumbling and sliding windows. A pane is `[p, p + paneMs)` with
 * `paneMs = gcd(size, slide)`; every window is a run of whole panes, so a record updates one pane
 * and a window's result merges its panes when it fires.
 */
export class PaneLayout {
  /** Window length. */
  readonly sizeMs: number;
  /** Distance between window starts. */
  readonly slideMs: number;
  /** Window grid offset. */
  readonly offsetMs: number;
  /** Pane length, `gcd(sizeMs, slideMs)`. */
  readonly paneMs: number;

  /** @param windows tumbling or sliding windows. */
  constructor(windows: TumblingWindows | SlidingWindows) {
    this.sizeMs = windows.sizeMs;
    this.slideMs = windows.kind === "tumbling" ? windows.sizeMs : windows.slideMs;
    this.offsetMs = windows.offsetMs;
    this.paneMs = gcd(this.sizeMs, this.slideMs);
  }

  /** Start of the pane holding `timeMs`. */
  paneStart(timeMs: number): number {
    return timeMs - mod(timeMs - this.offsetMs, this.paneMs);
  }

  /** End of the last window holding `timeMs` (a record is late once this window has closed). */
  lastEnd(timeMs: number): number {
    return timeMs - mod(timeMs - this.offsetMs, this.slideMs) + this.sizeMs;
  }

  /** The smallest window end strictly after `timeMs`: the first window holding `timeMs`. */
  nextEndAfter(timeMs: number): number {
    return timeMs - mod(timeMs - this.offsetMs - this.sizeMs, this.slideMs) + this.slideMs;
  }
}

/**
 * Every window of `windows` that holds a record at `timeMs`, latest start first (Flink's
 * `assignWindows`). Session windows are the record's own `[t, t + gap)`, merged later.
 *
 * @example
 * ```ts
 * import { assignWindows, sliding } from "@iot/processor";
 * assignWindows(sliding(60, 20), 45); // [{ start: 40, end: 100 }, { start: 20, end: 80 }, { start: 0, end: 60 }]
 * ```
 */
export function assignWindows(windows: WindowKind, timeMs: number): TimeWindow[] {
  if (windows.kind === "session") return [{ start: timeMs, end: timeMs + windows.gapMs }];
  const layout = new PaneLayout(windows);
  const out: TimeWindow[] = [];
  const lastStart = layout.lastEnd(timeMs) - layout.sizeMs;
  for (let start = lastStart; start > timeMs - layout.sizeMs; start -= layout.slideMs) {
    out.push({ start, end: start + layout.sizeMs });
  }
  return out;
}
