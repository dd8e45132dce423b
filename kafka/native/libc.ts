/**
 * The few libc calls used to let librdkafka wake the event loop: a non-blocking pipe that
 * librdkafka writes to when a queue becomes non-empty (`rd_kafka_queue_io_event_enable`), and
 * `poll(2)` on its read end as a `nonblocking` call, so no C thread ever calls into JavaScript.
 *
 * @module
 */

const libcSymbols = {
  pipe2: { parameters: ["buffer", "i32"], result: "i32" }, // int pipe2(int pipefd[2], int flags)
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32", nonblocking: true }, // int poll(struct pollfd *, nfds_t, int timeout)
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" }, // ssize_t read(int, void *, size_t)
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" }, // ssize_t write(int, const void *, size_t)
  close: { parameters: ["i32"], result: "i32" }, // int close(int)
} as const satisfies Deno.ForeignLibraryInterface;

type Libc = Deno.DynamicLibrary<typeof libcSymbols>["symbols"];

let libc: Libc | undefined;

function loadLibc(): Libc {
  if (!libc) {
    if (Deno.build.os !== "linux") {
      throw new Error(`event wake-ups use pipe2(2), available on Linux; not on ${Deno.build.os}`);
    }
    libc = Deno.dlopen("libc.so.6", libcSymbols).symbols;
  }
  return libc;
}

const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;
const POLLIN = 1;

/**
 * A pipe librdkafka writes to when an event queue goes from empty to non-empty.
 * `wait()` resolves when a byte arrives, `wake()` lets the owner interrupt a wait.
 */
export class QueueWakeup {
  readonly #lib = loadLibc();
  readonly #fds = new Int32Array(2);
  readonly #pollfd = new Uint8Array(8);
  readonly #scratch = new Uint8Array(256);
  readonly #one = new Uint8Array([1]);
  #closed = false;
  #pending: Promise<number> | null = null;

  constructor() {
    if (this.#lib.pipe2(new Uint8Array(this.#fds.buffer), O_NONBLOCK | O_CLOEXEC) !== 0) {
      throw new Error("pipe2() failed: cannot create the librdkafka wake-up pipe");
    }
    const view = new DataView(this.#pollfd.buffer);
    view.setInt32(0, this.#fds[0], true);
    view.setInt16(4, POLLIN, true);
  }

  /** The file descriptor librdkafka writes to. */
  get writeFd(): number {
    return this.#fds[1];
  }

  /** Waits until librdkafka or `wake()` signals, or `timeoutMs` passes; then empties the pipe. */
  async wait(timeoutMs: number): Promise<void> {
    if (this.#closed) return;
    if (this.#pending) {
      await this.#pending;
      return;
    }
    const pending = this.#lib.poll(this.#pollfd, 1n, timeoutMs).finally(() => {
      this.#pending = null;
      this.drain();
    });
    this.#pending = pending;
    await pending;
  }

  /** Empties the pipe without waiting. */
  drain(): void {
    if (this.#closed) return;
    while (this.#lib.read(this.#fds[0], this.#scratch, 256n) > 0) {
      // keep reading until EAGAIN
    }
  }

  /** Interrupts a pending `wait()`. */
  wake(): void {
    if (!this.#closed) this.#lib.write(this.#fds[1], this.#one, 1n);
  }

  /** Wakes any waiter, waits for it to return, and closes both ends of the pipe. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.wake();
    if (this.#pending) await this.#pending.catch(() => {});
    this.#closed = true;
    this.#lib.close(this.#fds[0]);
    this.#lib.close(this.#fds[1]);
  }
}
