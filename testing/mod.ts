/**
 * Test helpers shared by every member: a real Kafka broker ({@linkcode startKafka}), polling
 * ({@linkcode waitFor}), free ports, unique topic/group names and one seeded random generator
 * ({@linkcode seededRandom}). Import only from test code (`*_test.ts`, `*_test_util.ts`,
 * `*_bench.ts`) and `scripts/` (scripts/check_deps.ts enforces it).
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
