/**
 * Developer tooling: the `deno task dev` launcher (a supervisor over a data table of services)
 * and the `deno task tail` console consumer.
 *
 * @module
 */
export { bytesToText, formatRecord, type TailLine, toTailLine } from "./tail/format.ts";
export { parseTailArgs, type TailOptions, tailUsage } from "./tail/options.ts";
export { runTail, TailError, type TailIo } from "./tail/tail.ts";
export {
  StartError,
  type SupervisedService,
  Supervisor,
  type SupervisorOptions,
} from "./supervisor.ts";
export {
  type ChildExit,
  type ChildProcess,
  denoSpawner,
  type Spawner,
  type SpawnRequest,
} from "./process.ts";
export {
  type LaunchContext,
  portNames,
  producerArgs,
  type ServiceEntry,
  services,
} from "./services.ts";
export { assignPorts, type LaunchPlan, planLaunch, type PlannedService } from "./plan.ts";
export { type DevOptions, devUsage, parseDevArgs } from "./options.ts";
export { createPrefixer, type PrefixerOptions } from "./output.ts";
export { waitForPort, type WaitForPortOptions } from "./ready.ts";
