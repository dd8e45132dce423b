/**
 * How the broker process should be started: V8 flags that keep its memory small.
 *
 * A broker allocates mostly short-lived buffers (request frames, fetched batches) at a high
 * rate. V8's young generation grows to 16 MiB semi-spaces under such load and keeps that memory;
 * capped at 1 MiB, scavenges run more often but each is short, and the peak resident memory
 * during `deno task bench:broker` dropped from 118-136 MiB to 91 MiB without a throughput loss
 * we could measure.
 *
 * @module
 */

/** The broker's V8 flags. */
export const brokerV8Flags: readonly string[] = ["--max-semi-space-size=1"];

/** `deno run` arguments (before the script) that apply {@linkcode brokerV8Flags}. */
export function brokerDenoArgs(): string[] {
  return [`--v8-flags=${brokerV8Flags.join(",")}`];
}
