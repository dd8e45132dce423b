/**
 * Sparse in-memory indexes of one segment and their file encodings, like Kafka's `.index`
 * (relative offset uint32 -> file position uint32) and `.timeindex` (timestamp int64 ->
 * relative offset uint32). Both are rebuildable from the log, so decoding rejects anything
 * suspicious instead of repairing it.
 *
 * @module
 */

/** Offset index: batch baseOffset -> byte position of that batch. */
export class OffsetIndex {
  /** Absolute baseOffsets, ascending. */
  readonly offsets: number[] = [];
  /** Byte positions, ascending. */
  readonly positions: number[] = [];

  /** Adds an entry; must be above the last one. */
  add(offset: number, position: number): void {
    this.offsets.push(offset);
    this.positions.push(position);
  }

  /** Position of the last entry with offset <= `offset`, or 0. */
  lookup(offset: number): number {
    const i = lastAtOrBelow(this.offsets, offset);
    return i < 0 ? 0 : this.positions[i];
  }

  /** File bytes relative to `base`. */
  encode(base: number): Uint8Array {
    const out = new Uint8Array(this.offsets.length * 8);
    const v = new DataView(out.buffer);
    this.offsets.forEach((o, i) => {
      v.setUint32(i * 8, o - base);
      v.setUint32(i * 8 + 4, this.positions[i]);
    });
    return out;
  }

  /** Decodes a file; null when its size, order or positions are inconsistent with `logSize`. */
  static decode(bytes: Uint8Array, base: number, logSize: number): OffsetIndex | null {
    if (bytes.length % 8 !== 0) return null;
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const index = new OffsetIndex();
    for (let p = 0; p < bytes.length; p += 8) {
      const offset = base + v.getUint32(p);
      const position = v.getUint32(p + 4);
      const n = index.offsets.length;
      if (position >= logSize) return null;
      if (n && (offset <= index.offsets[n - 1] || position <= index.positions[n - 1])) return null;
      index.add(offset, position);
    }
    return index;
  }
}

/** Time index: max timestamp so far -> baseOffset of the batch that reached it. */
export class TimeIndex {
  /** Timestamps, strictly ascending. */
  readonly timestamps: number[] = [];
  /** Absolute batch baseOffsets, ascending. */
  readonly offsets: number[] = [];

  /** Largest indexed timestamp, or -1. */
  get lastTimestamp(): number {
    return this.timestamps.at(-1) ?? -1;
  }

  /** Adds an entry if `timestamp` is above the last one. */
  add(timestamp: number, offset: number): void {
    if (timestamp > this.lastTimestamp) {
      this.timestamps.push(timestamp);
      this.offsets.push(offset);
    }
  }

  /**
   * An offset from which scanning for `timestamp` is safe: every batch before it has a smaller
   * max timestamp. -1 when the scan must start at the segment's beginning.
   */
  lookup(timestamp: number): number {
    const i = lastAtOrBelow(this.timestamps, timestamp - 1);
    return i < 0 ? -1 : this.offsets[i];
  }

  /** File bytes relative to `base`. */
  encode(base: number): Uint8Array {
    const out = new Uint8Array(this.timestamps.length * 12);
    const v = new DataView(out.buffer);
    this.timestamps.forEach((t, i) => {
      v.setBigInt64(i * 12, BigInt(t));
      v.setUint32(i * 12 + 8, this.offsets[i] - base);
    });
    return out;
  }

  /** Decodes a file; null when its size or order is inconsistent. */
  static decode(bytes: Uint8Array, base: number): TimeIndex | null {
    if (bytes.length % 12 !== 0) return null;
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const index = new TimeIndex();
    for (let p = 0; p < bytes.length; p += 12) {
      const ts = Number(v.getBigInt64(p));
      const offset = base + v.getUint32(p + 8);
      const n = index.timestamps.length;
      if (n && (ts <= index.timestamps[n - 1] || offset < index.offsets[n - 1])) return null;
      index.timestamps.push(ts);
      index.offsets.push(offset);
    }
    return index;
  }
}

/** Index of the last element <= `value` in ascending `sorted`, or -1. */
function lastAtOrBelow(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
