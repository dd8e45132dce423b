/**
 * SaslHandshake and SaslAuthenticate (KIP-152): PLAIN and SCRAM-SHA-256/512 on a connection.
 * Until a connection has authenticated, the server accepts only ApiVersions and these two; a
 * failed authentication is answered with SASL_AUTHENTICATION_FAILED, then the server closes the
 * connection, as Kafka does.
 *
 * @module
 */
import { type ApiSet, type ConnectionAuth, type RequestContext } from "../api/mod.ts";
import { ApiKey, ErrorCode, type SaslAuthenticateResponseInput } from "../protocol/mod.ts";
import type { Credentials } from "./credentials.ts";
import { ScramError, ScramExchange, type ScramMechanism } from "./scram.ts";

/** The mechanisms this broker offers. */
export const SASL_MECHANISMS: readonly string[] = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"];

const decoder = new TextDecoder();
const encoder = new TextEncoder();

function authOf(ctx: RequestContext): ConnectionAuth {
  if (!ctx.auth) throw new Error("SASL request on a connection without authentication state");
  return ctx.auth;
}

async function authenticate(
  credentials: Credentials,
  auth: ConnectionAuth,
  bytes: Uint8Array,
): Promise<SaslAuthenticateResponseInput> {
  const ok = (reply: Uint8Array) => ({
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    authBytes: reply,
    sessionLifetimeMs: 0n,
  });
  const failed = (errorMessage: string) => {
    auth.failed = true;
    return {
      errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
      errorMessage,
      authBytes: new Uint8Array(),
      sessionLifetimeMs: 0n,
    };
  };
  if (auth.principal !== null) {
    return { ...failed("Already authenticated"), errorCode: ErrorCode.ILLEGAL_SASL_STATE };
  }
  if (auth.mechanism === "PLAIN") {
    // authzid NUL authcid NUL password; an authzid must equal the user.
    const [authzid, user, password] = decoder.decode(bytes).split("\u0000");
    if (password === undefined || (authzid !== "" && authzid !== user)) {
      return failed("Invalid SASL/PLAIN request");
    }
    if (!credentials.checkPlain(user, password)) {
      return failed("Authentication failed: Invalid username or password");
    }
    auth.principal = `User:${user}`;
    return ok(new Uint8Array());
  }
  if (auth.mechanism === "SCRAM-SHA-256" || auth.mechanism === "SCRAM-SHA-512") {
    const mechanism: ScramMechanism = auth.mechanism;
    const exchange = (auth.exchange as ScramExchange | null) ??
      new ScramExchange(mechanism, (user) => credentials.scram(mechanism, user));
    auth.exchange = exchange;
    try {
      const message = decoder.decode(bytes);
      if (!exchange.started) return ok(encoder.encode(exchange.first(message)));
      const { reply, user } = await exchange.final(message);
      auth.principal = `User:${user}`;
      auth.exchange = null;
      return ok(encoder.encode(reply));
    } catch (e) {
      if (e instanceof ScramError) return failed(e.message);
      throw e;
    }
  }
  return { ...failed("SaslHandshake first"), errorCode: ErrorCode.ILLEGAL_SASL_STATE };
}

/** SaslHandshake and SaslAuthenticate over `credentials`. */
export function saslApis(credentials: Credentials): ApiSet {
  return {
    [ApiKey.SaslHandshake]: {
      handler: (req, ctx) => {
        const auth = authOf(ctx);
        const known = SASL_MECHANISMS.includes(req.mechanism);
        if (known && auth.principal === null) auth.mechanism = req.mechanism;
        return {
          errorCode: known
            ? (auth.principal === null ? ErrorCode.NONE : ErrorCode.ILLEGAL_SASL_STATE)
            : ErrorCode.UNSUPPORTED_SASL_MECHANISM,
          mechanisms: [...SASL_MECHANISMS],
        };
      },
    },
    [ApiKey.SaslAuthenticate]: {
      handler: (req, ctx) => authenticate(credentials, authOf(ctx), req.authBytes),
    },
  };
}
