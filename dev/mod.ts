/**
 * Developer tooling: the `deno task dev` launcher (a supervisor over a data table of services)
 * and the `deno task tail` console consumer.
 *
 * @module
 */
export { bytesToText, formatRecord, type TailLine, toTailLine } from "./tail/format.ts";
export { parseTailArgs, type TailOptions, tailUsage } from "./tail/options.ts";
export { runTail, TailError, type TailIo } from "./tail/tail.ts";
