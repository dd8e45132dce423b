/**
 * Device commands leave the API through a {@linkcode CommandPublisher}: the real one produces to
 * the `device-commands` topic; tests pass a recording fake.
 *
 * @module
 */
import { type DeviceCommand, encodeEvent, eventHeaders } from "@iot/events";
import type { Producer } from "@iot/kafka";

/** Sends a device command to the devices; resolves once the broker acknowledged it. */
export interface CommandPublisher {
  /** Publishes `command`, keyed by its device. */
  publish(command: DeviceCommand): Promise<void>;
}

/** A {@linkcode CommandPublisher} producing to a Kafka topic with an `@iot/kafka` producer. */
export class KafkaCommandPublisher implements CommandPublisher {
  /**
   * @param producer an idempotent producer (`acks=all`), owned by the caller
   * @param topic the `device-commands` topic name
   */
  constructor(readonly producer: Producer, readonly topic: string) {}

  /** Produces the command and waits for its delivery report. */
  async publish(command: DeviceCommand): Promise<void> {
    await this.producer.send({
      topic: this.topic,
      key: command.deviceId,
      value: encodeEvent(command),
      headers: eventHeaders,
    });
  }
}

/** A {@linkcode CommandPublisher} that keeps what it was given (tests and demos). */
export class RecordingPublisher implements CommandPublisher {
  /** Every command published, in order. */
  readonly published: DeviceCommand[] = [];
  /** When set, `publish` rejects with it (to test a broker that is down). */
  failWith: Error | undefined;

  /** Records `command`, or rejects with {@linkcode failWith}. */
  publish(command: DeviceCommand): Promise<void> {
    if (this.failWith) return Promise.reject(this.failWith);
    this.published.push(command);
    return Promise.resolve();
  }
}
