/**
 * Test helpers shared by every member: a real Kafka broker ({@linkcode startKafka}), real
 * databases ({@linkcode startFerretDb}, {@linkcode startCassandra}), polling
 * ({@linkcode waitFor}), free ports and unique topic/group names. Import only from `*_test.ts`,
 * `*_test_util.ts`, `*_bench.ts` and `scripts/` (scripts/check_deps.ts enforces it). Seeded test
 * data comes from the one generator {@linkcode seededRandom}.
 *
 * @example
 * ```ts
 * import { startKafka, uniqueName, waitFor } from "@iot/testing";
 * await using kafka = await startKafka();
 * const topic = uniqueName("readings");
 * ```
 *
 * @module
 */
export { type RealKafka, startKafka, type StartKafkaOptions } from "./kafka.ts";
export {
  FERRETDB_VERSION,
  type RealMongo,
  startFerretDb,
  type StartFerretDbOptions,
} from "./ferretdb.ts";
export {
  CASSANDRA_VERSION,
  cassandraYaml,
  type RealCassandra,
  startCassandra,
  type StartCassandraOptions,
} from "./cassandra.ts";
export { delay, waitFor, type WaitForOptions } from "./wait_for.ts";
export { freePort } from "./net.ts";
export { uniqueName } from "./names.ts";
export { type SeededRandom, seededRandom } from "./random.ts";
export {
  defaultCacheDir,
  findKafkaRuntime,
  javaArgs,
  KAFKA_VERSION,
  type KafkaRuntime,
} from "./kafka_runtime.ts";
export {
  type KafkaClusterNode,
  type RealKafkaCluster,
  startKafkaCluster,
  type StartKafkaClusterOptions,
} from "./kafka_cluster.ts";
export { saslSslProperties, type SelfSignedCert, selfSignedCert } from "./tls.ts";
