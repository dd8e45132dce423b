/**
 * Copies many small native memory regions (the keys and values of a consumed batch) into one
 * JavaScript buffer with as few copies as possible.
 *
 * librdkafka hands out message payloads that point into its fetch buffers, so the regions of
 * consecutive records lie close together in rising order. Regions less than `maxGap` bytes apart
 * are copied as one run, gap included. Because `maxGap` is below the page size, every byte of a
 * gap lies on a page that also holds one of the two regions around it, so reading it is safe.
 *
 * @module
 */

const EMPTY: Uint8Array<ArrayBuffer> = new Uint8Array(0);
const INITIAL_CAPACITY = 256;

/** `array` grown to hold at least `size` elements, its contents kept. */
function grown<T extends Float64Array<ArrayBuffer> | Int32Array<ArrayBuffer>>(
  array: T,
  size: number,
): T {
  if (size <= array.length) return array;
  const bigger = new (array.constructor as new (n: number) => T)(Math.max(size, 2 * array.length));
  bigger.set(array);
  return bigger;
}

/** Plans and performs the copies; reuse one instance per batch via `reset()`. */
export class RegionCopier {
  readonly #maxGap: number;
  // Typed arrays reused across batches (a push per region into plain arrays cost more).
  #address = new Float64Array(INITIAL_CAPACITY);
  #length = new Float64Array(INITIAL_CAPACITY);
  #run = new Int32Array(INITIAL_CAPACITY);
  #runStart = new Float64Array(INITIAL_CAPACITY);
  #runEnd = new Float64Array(INITIAL_CAPACITY);
  #runOffset = new Float64Array(INITIAL_CAPACITY);
  #count = 0;
  #runs = 0;
  readonly #reuse: boolean;
  #buffer: Uint8Array<ArrayBuffer> = EMPTY;
  #spare: Uint8Array<ArrayBuffer> = EMPTY;

  /**
   * `maxGap` (default 1024) must stay below the page size (4096). With `reuse` (default false),
   * `copy()` writes into one buffer kept across batches (grown when too small) instead of a new
   * one: for copies read before the next `copy()` and never handed out.
   */
  constructor(maxGap = 1024, reuse = false) {
    if (!(maxGap >= 0 && maxGap < 4096)) {
      throw new RangeError(`maxGap must be in 0..4095, got ${maxGap}`);
    }
    this.#maxGap = maxGap;
    this.#reuse = reuse;
  }

  /** Forgets the previous batch's regions. */
  reset(): void {
    this.#count = 0;
    this.#runs = 0;
    this.#buffer = EMPTY;
  }

  /** Adds the region `[address, address + length)` (`length` > 0); returns its id. */
  add(address: number, length: number): number {
    const last = this.#runs - 1;
    const end = last >= 0 ? this.#runEnd[last] : 0;
    if (last >= 0 && address >= end && address - end <= this.#maxGap) {
      this.#runEnd[last] = address + length;
    } else {
      if (this.#runs === this.#runStart.length) this.#growRuns();
      this.#runStart[this.#runs] = address;
      this.#runEnd[this.#runs] = address + length;
      this.#runs++;
    }
    const id = this.#count;
    if (id === this.#address.length) this.#growRegions();
    this.#address[id] = address;
    this.#length[id] = length;
    this.#run[id] = this.#runs - 1;
    this.#count = id + 1;
    return id;
  }

  #growRegions(): void {
    const size = this.#count + 1;
    this.#address = grown(this.#address, size);
    this.#length = grown(this.#length, size);
    this.#run = grown(this.#run, size);
  }

  #growRuns(): void {
    const size = this.#runs + 1;
    this.#runStart = grown(this.#runStart, size);
    this.#runEnd = grown(this.#runEnd, size);
    this.#runOffset = grown(this.#runOffset, size);
  }

  /** How many regions were added since `reset()`. */
  get count(): number {
    return this.#count;
  }

  /** The native address of region `id`. */
  addressOf(id: number): number {
    return this.#address[id];
  }

  /** How many copies `copy()` will make. */
  get runs(): number {
    return this.#runs;
  }

  /**
   * Copies every run into one new buffer; `copyFrom(address, target)` fills `target` with the
   * native bytes starting at `address`. Optional `sliceFrom(address, length)` returns those
   * bytes in a new buffer of their own (or `null` when it cannot): used when there is a single
   * run, it spares zero-filling a buffer that is overwritten at once.
   */
  copy(
    copyFrom: (address: number, target: Uint8Array) => void,
    sliceFrom?: (address: number, length: number) => Uint8Array<ArrayBuffer> | null,
  ): void {
    if (this.#runs === 1 && sliceFrom && !this.#reuse) {
      const slice = sliceFrom(this.#runStart[0], this.#runEnd[0] - this.#runStart[0]);
      if (slice) {
        this.#runOffset[0] = 0;
        this.#buffer = slice;
        return;
      }
    }
    let total = 0;
    for (let r = 0; r < this.#runs; r++) {
      this.#runOffset[r] = total;
      total += this.#runEnd[r] - this.#runStart[r];
    }
    // A fresh buffer is zero-filled memory the garbage collector must track: skip both when
    // the copies are only read until the next batch.
    if (this.#reuse && this.#spare.length < total) {
      this.#spare = new Uint8Array(Math.ceil(total * 1.25));
    }
    const buffer = this.#reuse ? this.#spare : new Uint8Array(total);
    for (let r = 0; r < this.#runs; r++) {
      const offset = this.#runOffset[r];
      copyFrom(
        this.#runStart[r],
        buffer.subarray(offset, offset + this.#runEnd[r] - this.#runStart[r]),
      );
    }
    this.#buffer = buffer;
  }

  /** The copied bytes of region `id`, a view into the batch's buffer. */
  view(id: number): Uint8Array {
    const start = this.offsetOf(id);
    return this.#buffer.subarray(start, start + this.#length[id]);
  }

  /** The length of region `id`. */
  lengthOf(id: number): number {
    return this.#length[id];
  }

  /** Where region `id` starts in {@linkcode buffer}. */
  offsetOf(id: number): number {
    const run = this.#run[id];
    return this.#runOffset[run] + this.#address[id] - this.#runStart[run];
  }

  /** The buffer of the last `copy()`. */
  get buffer(): Uint8Array<ArrayBuffer> {
    return this.#buffer;
  }
}
