/**
 * Client quotas (KIP-546 admin APIs, byte-rate enforcement with throttling).
 *
 * @module
 */
export { ClientQuotas, type QuotaAlteration, type ResolvedQuota } from "./client_quotas.ts";
export { clientQuotaApis, throttleApis } from "./apis.ts";
export {
  CONSUMER_BYTE_RATE,
  type EnforcerOptions,
  PRODUCER_BYTE_RATE,
  QuotaEnforcer,
} from "./throttle.ts";
export { type RateConfig, SampledRate, throttleTimeMs } from "./rate.ts";
