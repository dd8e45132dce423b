/**
 * The device-command state machine: what a device does with a `shutdown` or `restart` command
 * and which `CommandStatus` events it reports. Pure: the clock and the fleet are parameters.
 *
 * Time domain: a command's `issuedAt` and `expiresAt` are wall-clock (processing) time, and a
 * device compares `expiresAt` with its wall clock, never with the simulated event time of its
 * readings, which may lag (a seeded run from 2026-01-01) or lead (`--speedup`) the wall clock by
 * any amount. The event time of the window that triggered a command travels in its own field.
 *
 * @module
 */
import { type CommandStatus, type DeviceCommand, formatTimestamp } from "@iot/events";

/** What commands act on: the simulation's devices, by device, vehicle or sensor id. */
export interface CommandTarget {
  /** Stops (or resumes) the readings of `id`; returns how many streams it names (0: unknown). */
  setStopped(id: string, stopped: boolean): number;
}

/** How many command ids {@linkcode CommandHandler} remembers to ignore redeliveries. */
export const rememberedCommands = 10_000;

/**
 * Runs device commands against a {@linkcode CommandTarget}. Each new command yields
 * `delivered` then `succeeded` (or `failed` for an unknown device), or only `expired` when its
 * `expiresAt` is not after the wall clock `wallNowMs`. A command id seen before yields nothing, so a redelivered
 * command is not run twice.
 *
 * @example
 * ```ts
 * import { CommandHandler } from "./commands.ts";
 * const stopped = new Set<string>();
 * const handler = new CommandHandler({
 *   setStopped: (id, s) => (s ? stopped.add(id) : stopped.delete(id), 1),
 * });
 * handler.handle({
 *   commandId: "c1", deviceId: "climate-0001", command: "shutdown", reason: "maintenance",
 *   issuedAt: "2026-01-01T00:00:00.000Z", expiresAt: "2026-01-01T00:01:00.000Z",
 * }, Date.parse("2026-01-01T00:00:01.000Z")); // delivered, succeeded
 * ```
 */
export class CommandHandler {
  readonly #target: CommandTarget;
  readonly #seen = new Set<string>();

  /** Creates a handler acting on `target`. */
  constructor(target: CommandTarget) {
    this.#target = target;
  }

  /**
   * Runs `command` at wall-clock time `wallNowMs` (epoch ms; not the simulation's event time)
   * and returns the statuses to report, in order; each status's `ts` is `wallNowMs`.
   */
  handle(command: DeviceCommand, wallNowMs: number): CommandStatus[] {
    if (this.#seen.has(command.commandId)) return [];
    this.#remember(command.commandId);
    const ts = formatTimestamp(wallNowMs);
    const status = (value: CommandStatus["status"]): CommandStatus => ({
      commandId: command.commandId,
      deviceId: command.deviceId,
      status: value,
      ts,
    });
    if (Date.parse(command.expiresAt) <= wallNowMs) return [status("expired")];
    const streams = this.#target.setStopped(command.deviceId, command.command === "shutdown");
    return [status("delivered"), status(streams > 0 ? "succeeded" : "failed")];
  }

  #remember(commandId: string): void {
    this.#seen.add(commandId);
    if (this.#seen.size > rememberedCommands) {
      // Sets iterate in insertion order: the first is the oldest.
      this.#seen.delete(this.#seen.values().next().value!);
    }
  }
}
