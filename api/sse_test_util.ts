/**
 * Reads a Server-Sent Events response from `app.request()` in the background, for tests.
 *
 * @module
 */

/** One parsed SSE event. */
export interface SseEvent {
  /** `event:` (default `message`). */
  readonly event: string;
  /** `id:`, if any. */
  readonly id: string | undefined;
  /** `data:` lines joined with newlines. */
  readonly data: string;
}

/** An open stream: the events so far, and `close()` to abort it and wait for the reader. */
export interface OpenSse {
  /** Events received so far, in order. */
  readonly events: SseEvent[];
  /** The response status. */
  readonly status: number;
  /** Aborts the request and waits for the reader to finish. */
  close(): Promise<void>;
}

/** Opens `path` on `app` as an SSE stream. */
export async function openSse(
  app: { request(path: string, init?: RequestInit): Response | Promise<Response> },
  path: string,
  headers: Record<string, string> = {},
): Promise<OpenSse> {
  const abort = new AbortController();
  const response = await app.request(path, { headers, signal: abort.signal });
  const events: SseEvent[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const done = (async () => {
    let buffer = "";
    try {
      while (true) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = {
            event: "message",
            id: undefined as string | undefined,
            data: [] as string[],
          };
          for (const line of block.split("\n")) {
            const colon = line.indexOf(":");
            if (colon === 0) continue;
            const key = line.slice(0, colon);
            const val = line.slice(colon + 1).replace(/^ /, "");
            if (key === "event") fields.event = val;
            else if (key === "id") fields.id = val;
            else if (key === "data") fields.data.push(val);
          }
          if (fields.data.length) {
            events.push({ event: fields.event, id: fields.id, data: fields.data.join("\n") });
          }
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    events,
    status: response.status,
    close: async () => {
      abort.abort();
      await reader.cancel().catch(() => {});
      await done;
    },
  };
}
