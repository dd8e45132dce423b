/**
 * The native client handle shared by producer, consumer and admin: owns the `rd_kafka_t *`,
 * its main event queue and the loop that serves it on the JavaScript thread.
 *
 * @module
 */
import {
  buildNativeConfig,
  type ClientHooks,
  defaultLogHandler,
  type KafkaConfig,
} from "./config.ts";
import { ErrorCode, KafkaError } from "./errors.ts";
import { librdkafka, readCString } from "./native/library.ts";
import { QueueWakeup } from "./native/libc.ts";
import { readLogEvent } from "./native/event_log.ts";
import { parseStats } from "./stats.ts";

/** librdkafka handle types. */
export const ClientType = { PRODUCER: 0, CONSUMER: 1 } as const;

/** librdkafka event type bits (`RD_KAFKA_EVENT_*`). */
export const EventType = {
  DR: 0x1,
  LOG: 0x4,
  ERROR: 0x8,
  REBALANCE: 0x10,
  OFFSET_COMMIT: 0x20,
  STATS: 0x40,
} as const;

const IDLE_WAIT_MS = 1000;

/** Options for creating a {@linkcode NativeClient}. */
export interface NativeClientOptions extends ClientHooks {
  /** librdkafka properties. */
  config: KafkaConfig;
  /** Extra event types to route to the main queue (e.g. delivery reports). */
  events?: number;
  /** Called for each delivery-report event before it is destroyed. */
  onDeliveryEvent?: (event: Deno.PointerObject) => void;
  /** Called with the native config before the handle is created (e.g. to set callbacks). */
  configure?: (conf: Deno.PointerValue) => void;
}

/**
 * Owns one `rd_kafka_t *`. Events on its main queue (delivery reports, logs, errors, stats)
 * are served on the JavaScript thread whenever librdkafka signals the wake-up pipe.
 * Internal: producer, consumer and admin hold one privately.
 */
export class NativeClient {
  /** The `rd_kafka_t *`. */
  readonly rk: Deno.PointerObject;
  /** The client instance name. */
  readonly name: string;
  readonly #lib = librdkafka();
  readonly #mainQueue: Deno.PointerObject;
  readonly #wakeup: QueueWakeup;
  readonly #hooks: NativeClientOptions;
  readonly #loop: Promise<void>;
  readonly #drainWaiters: Array<() => void> = [];
  #closing = false;
  #destroyed = false;
  #fatal: KafkaError | null = null;
  readonly #logFields = new Uint8Array(24);

  constructor(type: number, options: NativeClientOptions) {
    this.#hooks = options;
    const conf = buildNativeConfig({ "log.queue": true, ...options.config });
    const lib = this.#lib;
    this.#wakeup = new QueueWakeup();
    lib.rd_kafka_conf_set_events(
      conf,
      EventType.LOG | EventType.ERROR | EventType.STATS | (options.events ?? 0),
    );
    const errstr = new Uint8Array(512);
    let rk: Deno.PointerValue = null;
    try {
      options.configure?.(conf);
      rk = lib.rd_kafka_new(type, conf, errstr, BigInt(errstr.length));
    } finally {
      if (rk === null) {
        lib.rd_kafka_conf_destroy(conf);
        void this.#wakeup.close();
      }
    }
    if (rk === null) {
      throw new KafkaError(
        `cannot create Kafka client: ${readCString(Deno.UnsafePointer.of(errstr))}`,
        { code: ErrorCode.INVALID_ARG, retriable: false },
      );
    }
    this.rk = rk;
    this.name = readCString(lib.rd_kafka_name(rk)) ?? "rdkafka";
    this.#mainQueue = lib.rd_kafka_queue_get_main(rk)!;
    lib.rd_kafka_set_log_queue(rk, null);
    lib.rd_kafka_queue_io_event_enable(
      this.#mainQueue,
      this.#wakeup.writeFd,
      new Uint8Array([1]),
      1n,
    );
    this.#loop = this.#serve();
  }

  /** The fatal error raised by this client, if any; a fatal client must be closed. */
  get fatalError(): KafkaError | null {
    return this.#fatal;
  }

  /**
   * The fatal error librdkafka holds for this client, recorded as {@linkcode fatalError} the
   * first time it is seen; `null` while there is none. A consumer in a group learns of its fatal
   * error (e.g. FENCED_INSTANCE_ID) as a consumer-queue message, never as an error event, so the
   * message reader asks here.
   */
  fatalErrorNow(): KafkaError | null {
    if (this.#fatal === null) {
      const errstr = new Uint8Array(512);
      const code = this.#lib.rd_kafka_fatal_error(this.rk, errstr, BigInt(errstr.length));
      if (code !== 0) this.#fatal = this.#fatalError(code, errstr, "");
    }
    return this.#fatal;
  }

  #fatalError(code: number, errstr: Uint8Array, fallback: string): KafkaError {
    const detail = readCString(Deno.UnsafePointer.of(errstr)) || fallback;
    return new KafkaError(`${this.name}: ${detail}`, { code, fatal: true, retriable: false });
  }

  /** Throws if the client is closed or has raised a fatal error. */
  assertUsable(what: string): void {
    if (this.#closing) {
      throw new KafkaError(`${what}: the client is closed`, {
        code: ErrorCode.STATE,
        retriable: false,
      });
    }
    if (this.#fatal) throw this.#fatal;
  }

  /** Whether `close()` has started. */
  get closing(): boolean {
    return this.#closing;
  }

  /** Resolves after the main queue has next been served (used to wait for room in the queue). */
  nextDrain(): Promise<void> {
    return new Promise((resolve) => {
      this.#drainWaiters.push(resolve);
      this.#wakeup.wake();
    });
  }

  /** Serves the main queue now, without waiting for a wake-up. */
  serveNow(): void {
    this.#drainMainQueue();
  }

  async #serve(): Promise<void> {
    while (!this.#closing) {
      this.#drainMainQueue();
      if (this.#closing) break;
      await this.#wakeup.wait(IDLE_WAIT_MS);
    }
  }

  #drainMainQueue(): void {
    if (this.#destroyed) return;
    const lib = this.#lib;
    for (;;) {
      const event = lib.rd_kafka_queue_poll(this.#mainQueue, 0);
      if (event === null) break;
      try {
        this.#dispatch(event);
      } finally {
        lib.rd_kafka_event_destroy(event);
      }
    }
    const waiters = this.#drainWaiters.splice(0);
    for (const resolve of waiters) resolve();
  }

  #dispatch(event: Deno.PointerObject): void {
    const lib = this.#lib;
    switch (lib.rd_kafka_event_type(event)) {
      case EventType.DR:
        this.#hooks.onDeliveryEvent?.(event);
        break;
      case EventType.LOG:
        this.#onLog(event);
        break;
      case EventType.ERROR:
        this.#onError(event);
        break;
      case EventType.STATS: {
        const json = readCString(lib.rd_kafka_event_stats(event));
        if (json && this.#hooks.onStats) this.#hooks.onStats(parseStats(json));
        break;
      }
    }
  }

  #onLog(event: Deno.PointerObject): void {
    const line = readLogEvent(this.#lib, event, this.#logFields);
    if (line) (this.#hooks.onLog ?? defaultLogHandler)({ ...line, client: this.name });
  }

  #onError(event: Deno.PointerObject): void {
    const lib = this.#lib;
    const code = lib.rd_kafka_event_error(event);
    const fatal = lib.rd_kafka_event_error_is_fatal(event) !== 0;
    const detail = readCString(lib.rd_kafka_event_error_string(event)) ?? "";
    let error;
    if (fatal) {
      const errstr = new Uint8Array(512);
      const actualCode = lib.rd_kafka_fatal_error(this.rk, errstr, BigInt(errstr.length));
      error = this.#fatal = this.#fatalError(actualCode, errstr, detail);
    } else error = new KafkaError(`${this.name}: ${detail}`, { code });
    this.#hooks.onError?.(error);
  }

  /**
   * Stops serving events and destroys the handle. `beforeDestroy` runs after the event loop
   * has stopped and before the handle is destroyed (to release queues and topics);
   * `destroyFlags` are `RD_KAFKA_DESTROY_F_*` bits.
   */
  async close(beforeDestroy?: () => void, destroyFlags = 0): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#wakeup.wake();
    await this.#loop;
    this.#drainMainQueue();
    const lib = this.#lib;
    lib.rd_kafka_queue_io_event_enable(this.#mainQueue, -1, null, 0n);
    beforeDestroy?.();
    lib.rd_kafka_queue_destroy(this.#mainQueue);
    this.#destroyed = true;
    await lib.rd_kafka_destroy_flags(this.rk, destroyFlags);
    await this.#wakeup.close();
  }
}
