/**
 * The command listener: reads `device-commands`, runs each command through the
 * {@linkcode CommandHandler} and reports its statuses on `command-status`.
 *
 * @module
 */
import {
  type CommandStatus,
  decodeDeviceCommand,
  encodeEvent,
  type EventValidationError,
} from "@iot/events";
import { KafkaError } from "@iot/kafka";
import type { CommandHandler } from "../core/commands.ts";
import { recordHeaders } from "./encode.ts";
import type { CommandInput, RecordOutput } from "./kafka_seam.ts";

/** Consumer group the listener names (it assigns partitions itself and never commits). */
export const commandGroupId = "iot-producer-commands";

/** Options for {@linkcode CommandListener.start}. */
export interface CommandListenerOptions {
  /**
   * The consumer of the commands topic, in group {@linkcode commandGroupId} (the listener
   * assigns it and closes it).
   */
  input: CommandInput;
  /** Topic to read commands from, and its partition count. */
  commandsTopic: string;
  /** Partitions of `commandsTopic`. */
  partitions: number;
  /** Topic to report statuses on. */
  statusTopic: string;
  /** Producer for the statuses (owned by the caller). */
  producer: RecordOutput;
  /** Runs the commands. */
  handler: CommandHandler;
  /** Wall clock, epoch ms; decides expiry and status timestamps. */
  now: () => number;
  /** Told about each status reported. Default: nothing. */
  onStatus?: (status: CommandStatus) => void;
  /** Told about each record that is not a valid command (it is skipped). Default: nothing. */
  onInvalid?: (error: EventValidationError, offset: number) => void;
  /** Told when a status could not be sent or the loop failed. Default: nothing. */
  onError?: (error: unknown) => void;
}

/**
 * Listens for commands issued after it started: it begins at each partition's end offset at
 * start-up, so old commands are not replayed and none issued later is missed.
 */
export class CommandListener implements AsyncDisposable {
  readonly #consumer: CommandInput;
  readonly #abort = new AbortController();
  #loop: Promise<void> = Promise.resolve();
  #closed: Promise<void> | null = null;

  private constructor(consumer: CommandInput) {
    this.#consumer = consumer;
  }

  /** Assigns every partition of the commands topic at its current end and starts listening. */
  static async start(options: CommandListenerOptions): Promise<CommandListener> {
    const consumer = options.input;
    const listener = new CommandListener(consumer);
    try {
      const assignment = [];
      for (let partition = 0; partition < options.partitions; partition++) {
        const high = await endOffset(consumer, options.commandsTopic, partition);
        assignment.push({ topic: options.commandsTopic, partition, offset: high });
      }
      consumer.assign(assignment);
    } catch (error) {
      await consumer.close();
      throw error;
    }
    listener.#loop = listener.#run(options).catch((error) => options.onError?.(error));
    return listener;
  }

  async #run(options: CommandListenerOptions): Promise<void> {
    for await (const batch of this.#consumer.batches({ signal: this.#abort.signal })) {
      const statuses: CommandStatus[] = [];
      for (const record of batch) {
        const result = decodeDeviceCommand(record.value ?? "");
        if (!result.ok) {
          options.onInvalid?.(result.error, record.offset);
          continue;
        }
        statuses.push(...options.handler.handle(result.value, options.now()));
      }
      if (statuses.length === 0) continue;
      try {
        await options.producer.sendBatch(statuses.map((status) => ({
          topic: options.statusTopic,
          key: status.deviceId,
          value: encodeEvent(status),
          timestamp: Date.parse(status.ts),
          headers: recordHeaders,
        })));
        for (const status of statuses) options.onStatus?.(status);
      } catch (error) {
        options.onError?.(error);
      }
    }
  }

  /** Stops listening and closes the consumer. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#abort.abort();
      await this.#loop;
      await this.#consumer.close();
    })();
    return this.#closed;
  }

  /** Same as {@linkcode close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** How long a freshly created topic may take to get a leader everywhere. */
const leaderWaitMs = 15_000;

async function endOffset(
  consumer: CommandInput,
  topic: string,
  partition: number,
): Promise<number> {
  const deadline = Date.now() + leaderWaitMs;
  for (;;) {
    try {
      return (await consumer.watermarkOffsets(topic, partition)).high;
    } catch (error) {
      // Right after creation, a partition may not have a leader yet (NOT_LEADER, UNKNOWN_TOPIC).
      if (!(error instanceof KafkaError) || !error.retriable || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
