/**
 * In-memory fakes of Kafka for unit tests (`@iot/kafka/testing`): a {@linkcode FakeKafka}
 * cluster with per-partition logs, consumer groups, transactions with read_committed visibility,
 * and failure injection at any step; and its clients {@linkcode FakeProducer},
 * {@linkcode FakeConsumer} and {@linkcode FakeAdmin}, which have the calls of `Producer`,
 * `Consumer` and `Admin` the runtimes use. For protocols and faults; user-facing behaviour is
 * tested against a real broker.
 *
 * @example
 * ```ts ignore
 * const kafka = new FakeKafka();
 * kafka.createTopic("out", 1);
 * const producer = new FakeProducer(kafka, { transactionalId: "t" });
 * await producer.initTransactions();
 * producer.beginTransaction();
 * await producer.send({ topic: "out", value: "x" });
 * kafka.failNext("commitTransaction");
 * await producer.commitTransaction(); // throws; "x" stays invisible to read_committed readers
 * ```
 *
 * @module
 */
export { FakeKafka, type FakeStep, type StepHook, type StepPhase } from "./fake/cluster.ts";
export {
  type FakeGroupMemberRef,
  FakeProducer,
  type FakeProducerOptions,
} from "./fake/producer.ts";
export { FakeConsumer, type FakeConsumerOptions } from "./fake/consumer.ts";
export { FakeAdmin } from "./fake/admin.ts";
export { readAll } from "./fake/read_all.ts";
export { columnsOf } from "./fake/columns.ts";
