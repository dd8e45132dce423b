/**
 * The socket side of the broker: the Kafka socket loop over an {@linkcode ApiRegistry}, the admin
 * HTTP endpoint and the counters. Imports only the protocol and the API contract, never the
 * implementations or the composition root.
 *
 * @module
 */
export { type AdminServer, startAdminServer } from "./admin.ts";
export { BrokerMetrics, type PartitionGauge } from "./metrics.ts";
export {
  bindKafkaListener,
  KafkaServer,
  type KafkaServerOptions,
  type TlsFiles,
} from "./server.ts";
