/**
 * AlterUserScramCredentials and DescribeUserScramCredentials (KIP-554): SCRAM users are managed
 * through the Kafka protocol (`kafka-configs.sh --alter --add-config 'SCRAM-SHA-256=[...]'`);
 * the client sends the salted password, the broker keeps only StoredKey and ServerKey.
 *
 * @module
 */
import type { ApiSet } from "../api/mod.ts";
import { ApiKey, ErrorCode } from "../protocol/mod.ts";
import type { Credentials } from "./credentials.ts";
import {
  credentialFromSalted,
  MAX_ITERATIONS,
  MIN_ITERATIONS,
  SCRAM_MECHANISM_IDS,
} from "./scram.ts";

const MECHANISM_ID = new Map([...SCRAM_MECHANISM_IDS].map(([id, name]) => [name, id]));

/** The SCRAM credential admin APIs over `credentials`. */
export function scramAdminApis(credentials: Credentials): ApiSet {
  return {
    [ApiKey.DescribeUserScramCredentials]: {
      handler: (req) => {
        const all = credentials.scramUsers();
        const names = req.users === null ? [...all.keys()].sort() : req.users.map((u) => u.name);
        const seen = new Set<string>();
        return {
          throttleTimeMs: 0,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          results: names.map((user) => {
            const infos = all.get(user);
            const duplicate = seen.has(user);
            seen.add(user);
            if (duplicate || !infos) {
              return {
                user,
                errorCode: duplicate ? ErrorCode.DUPLICATE_RESOURCE : ErrorCode.RESOURCE_NOT_FOUND,
                errorMessage: duplicate
                  ? `Cannot describe SCRAM credentials for the same user twice: ${user}`
                  : `Attempt to describe a user credential that does not exist: ${user}`,
                credentialInfos: [],
              };
            }
            return {
              user,
              errorCode: ErrorCode.NONE,
              errorMessage: null,
              credentialInfos: infos.map((i) => ({
                mechanism: MECHANISM_ID.get(i.mechanism)!,
                iterations: i.iterations,
              })),
            };
          }),
        };
      },
    },
    [ApiKey.AlterUserScramCredentials]: {
      handler: async (req) => {
        const results: { user: string; errorCode: number; errorMessage: string | null }[] = [];
        const fail = (user: string, errorCode: number, errorMessage: string) =>
          results.push({ user, errorCode, errorMessage });
        for (const d of req.deletions) {
          const mechanism = SCRAM_MECHANISM_IDS.get(d.mechanism);
          if (!mechanism) fail(d.name, ErrorCode.UNSUPPORTED_SASL_MECHANISM, "Unknown mechanism");
          else if (!(await credentials.deleteScram(mechanism, d.name))) {
            fail(d.name, ErrorCode.RESOURCE_NOT_FOUND, `No ${mechanism} credential for ${d.name}`);
          } else results.push({ user: d.name, errorCode: ErrorCode.NONE, errorMessage: null });
        }
        for (const u of req.upsertions) {
          const mechanism = SCRAM_MECHANISM_IDS.get(u.mechanism);
          if (!mechanism) fail(u.name, ErrorCode.UNSUPPORTED_SASL_MECHANISM, "Unknown mechanism");
          else if (u.iterations < MIN_ITERATIONS || u.iterations > MAX_ITERATIONS) {
            fail(
              u.name,
              ErrorCode.UNACCEPTABLE_CREDENTIAL,
              `Iterations must be ${MIN_ITERATIONS}-${MAX_ITERATIONS}, got ${u.iterations}`,
            );
          } else if (u.name === "" || u.salt.length === 0 || u.saltedPassword.length === 0) {
            fail(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, "Empty user, salt or password");
          } else {
            const cred = await credentialFromSalted(
              mechanism,
              u.saltedPassword,
              u.salt,
              u.iterations,
            );
            await credentials.setScram(mechanism, u.name, cred);
            results.push({ user: u.name, errorCode: ErrorCode.NONE, errorMessage: null });
          }
        }
        return { throttleTimeMs: 0, results };
      },
    },
  };
}
