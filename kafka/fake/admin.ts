/**
 * {@linkcode FakeAdmin}: topic administration of the in-memory cluster, with the calls of
 * `@iot/kafka`'s `Admin` that the runtimes use.
 *
 * @module
 */
import type { CreateTopicsOptions, NewTopic, TopicDescription } from "../admin_types.ts";
import { ErrorCode, KafkaError } from "../errors.ts";
import { type FakeKafka, turn } from "./cluster.ts";

/** An admin client of a {@linkcode FakeKafka}. */
export class FakeAdmin implements AsyncDisposable {
  readonly #kafka: FakeKafka;
  readonly #name: string;

  /** An admin client of `kafka`. */
  constructor(kafka: FakeKafka, name = "admin") {
    this.#kafka = kafka;
    this.#name = name;
  }

  /** Creates topics (`partitions` -1 or absent: 1); an existing one fails unless `ignoreExisting`. */
  async createTopics(
    topics: readonly NewTopic[],
    options: CreateTopicsOptions = {},
  ): Promise<void> {
    await turn();
    this.#kafka.step("createTopics", this.#name, () => {
      for (const t of topics) {
        if (this.#kafka.partitionCount(t.name) !== undefined) {
          if (options.ignoreExisting) continue;
          throw new KafkaError(`Topic ${t.name} already exists`, {
            code: ErrorCode.TOPIC_ALREADY_EXISTS,
          });
        }
        this.#kafka.createTopic(t.name, Math.max(1, t.partitions ?? 1));
      }
    });
  }

  /** Describes topics (one broker, id 0, leads every partition). */
  async describeTopics(names?: readonly string[]): Promise<TopicDescription[]> {
    await turn();
    return this.#kafka.step(
      "describeTopics",
      this.#name,
      () =>
        (names ?? this.#kafka.topics()).map((name) => {
          const count = this.#kafka.partitionCount(name);
          if (count === undefined) {
            throw new KafkaError(`describe topic ${name}: unknown topic`, {
              code: ErrorCode.UNKNOWN_TOPIC_OR_PART,
            });
          }
          const partitions = Array.from({ length: count }, (_, partition) => ({
            partition,
            leader: 0,
            replicas: [0],
            isr: [0],
          }));
          return { name, partitions };
        }),
    );
  }

  /** Raises the partition count of `topic` to `totalCount`. */
  async createPartitions(topic: string, totalCount: number): Promise<void> {
    await turn();
    this.#kafka.step("createPartitions", this.#name, () => {
      const count = this.#kafka.partitionCount(topic);
      if (count === undefined || totalCount <= count) {
        throw new KafkaError(`create partitions of ${topic}: cannot grow to ${totalCount}`, {
          code: ErrorCode.INVALID_PARTITIONS,
        });
      }
      this.#kafka.addPartitions(topic, totalCount);
    });
  }

  /** Nothing to release. */
  close(): Promise<void> {
    return turn();
  }

  /** Same as {@linkcode close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
