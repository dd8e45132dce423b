/**
 * An admin client for the dev tools' one-shot checks (`deno task tail`, the launcher's look at
 * `--kafka`): librdkafka's own log lines are held back, and the first client error (a refused
 * password, a certificate that does not verify) becomes the reason of a failed request, so the
 * user reads one line instead of a transport error after several log lines.
 *
 * @module
 */
import { Admin, type KafkaConfig, type KafkaLogRecord } from "@iot/kafka";

/** An {@linkcode Admin} that remembers why it could not connect. */
export interface QuietAdmin extends AsyncDisposable {
  /** The client. */
  readonly admin: Admin;
  /** Why a request failed: the first client error or error log line, else `error`'s message. */
  reason(error: unknown): string;
}

/** Opens an {@linkcode Admin} with `config` whose connection trouble is reported by `reason`. */
export function quietAdmin(config: KafkaConfig): QuietAdmin {
  let clientError: string | undefined;
  let errorLog: string | undefined;
  const admin = new Admin({
    config,
    onError: (e) => clientError ??= e.message,
    onLog: (r: KafkaLogRecord) => {
      if (r.level <= 3) errorLog ??= r.message;
    },
  });
  return {
    admin,
    reason: (error) => clientError ?? errorLog ?? (error as Error).message,
    [Symbol.asyncDispose]: () => admin[Symbol.asyncDispose](),
  };
}
