/**
 * A throwaway TLS identity for brokers under test: a self-signed certificate for 127.0.0.1 made
 * by `openssl`, which clients then trust through `ssl.ca.location`.
 *
 * @module
 */

/** PEM texts, and the certificate's file for a client's `ssl.ca.location`. */
export interface SelfSignedCert {
  /** The certificate (PEM). */
  readonly cert: string;
  /** Its private key (PEM). */
  readonly key: string;
  /** `dir/cert.pem`, the certificate as a file. */
  readonly certFile: string;
}

/**
 * Writes `cert.pem` and `key.pem` (RSA 2048, one day, CN and IP SAN 127.0.0.1) into `dir` with
 * `openssl req -x509`. Throws with openssl's stderr when it fails.
 *
 * @example
 * ```ts
 * import { selfSignedCert } from "@iot/testing";
 * const tls = await selfSignedCert(await Deno.makeTempDir());
 * // startBroker({ tls }) and "ssl.ca.location": tls.certFile
 * ```
 */
export async function selfSignedCert(dir: string): Promise<SelfSignedCert> {
  const certFile = `${dir}/cert.pem`;
  const out = await new Deno.Command("openssl", {
    args: [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      `${dir}/key.pem`,
      "-out",
      certFile,
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`openssl failed: ${new TextDecoder().decode(out.stderr)}`);
  return {
    cert: await Deno.readTextFile(certFile),
    key: await Deno.readTextFile(`${dir}/key.pem`),
    certFile,
  };
}

/**
 * The client properties file text (librdkafka names) for SASL_SSL with SCRAM-SHA-512 as `username`,
 * trusting `caFile`: what a deployment passes as `--kafka-properties`.
 */
export function saslSslProperties(username: string, password: string, caFile: string): string {
  return [
    "security.protocol=SASL_SSL",
    "sasl.mechanisms=SCRAM-SHA-512",
    `sasl.username=${username}`,
    `sasl.password=${password}`,
    `ssl.ca.location=${caFile}`,
  ].join("\n");
}
