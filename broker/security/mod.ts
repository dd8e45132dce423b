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
  type AclBinding,
  type AclFilter,
  AclOperation,
  Acls,
  PatternType,
  Permission,
  ResourceType,
} from "./acls.ts";
export { aclApis } from "./acl_apis.ts";
export { authorizeApis } from "./authorize_apis.ts";
export {
  credentialFromPassword,
  credentialFromSalted,
  saltedPassword,
  type ScramCredential,
  ScramExchange,
  type ScramMechanism,
} from "./scram.ts";
