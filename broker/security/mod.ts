/**
 * Authentication for the broker shim: SASL/PLAIN and SASL/SCRAM-SHA-256/512 on the Kafka port
 * (users from a file, SCRAM credentials managed with AlterUserScramCredentials).
 *
 * @module
 */
export { Credentials, parseUsersFile } from "./credentials.ts";
export { SASL_MECHANISMS, saslApis } from "./sasl.ts";
export { scramAdminApis } from "./scram_admin.ts";
export {
  credentialFromPassword,
  credentialFromSalted,
  saltedPassword,
  type ScramCredential,
  ScramExchange,
  type ScramMechanism,
} from "./scram.ts";
