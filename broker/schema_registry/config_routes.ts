/**
 * `/config` and `/mode`: the global and per-subject compatibility level (BACKWARD by default)
 * and mode (READWRITE by default; READONLY refuses registrations).
 *
 * @module
 */
import { isCompatibilityLevel } from "./compatibility.ts";
import { errors } from "./errors.ts";
import { flag, readJson, reply } from "./request.ts";
import type { RegistryMode, SchemaStore } from "./store.ts";

const modes: readonly string[] = ["READWRITE", "READONLY"];

/** A request to `/config` or `/mode`, for one subject or (null) the global setting. */
export interface SettingRequest {
  /** The registry's state. */
  store: SchemaStore;
  /** The subject, or null for the global setting. */
  subject: string | null;
  /** The request URL (query flags). */
  url: URL;
  /** The request (method, body). */
  request: Request;
}

/** Answers `GET/PUT/DELETE /config[/{subject}]`. */
export async function configRoute(
  { store, subject, url, request }: SettingRequest,
): Promise<Response> {
  const method = request.method;
  if (method === "GET") {
    const own = store.config(subject);
    if (subject === null) return reply({ compatibilityLevel: own ?? "BACKWARD" });
    if (own) return reply({ compatibilityLevel: own });
    if (flag(url, "defaultToGlobal")) {
      return reply({ compatibilityLevel: store.effectiveConfig(subject) });
    }
    throw errors.subjectConfigNotFound(subject);
  }
  if (method === "PUT") {
    const level = (await readJson(request)).compatibility;
    const upper = typeof level === "string" ? level.toUpperCase() : level;
    if (!isCompatibilityLevel(upper)) throw errors.invalidCompatibility();
    await store.setConfig(subject, upper);
    return reply({ compatibility: upper });
  }
  if (method === "DELETE") {
    const before = subject === null ? store.config(null) ?? "BACKWARD" : store.config(subject);
    if (before === undefined) throw errors.subjectConfigNotFound(subject!);
    await store.setConfig(subject, undefined);
    return reply({ compatibilityLevel: before });
  }
  throw errors.methodNotAllowed();
}

/** Answers `GET/PUT/DELETE /mode[/{subject}]`. */
export async function modeRoute(
  { store, subject, url, request }: SettingRequest,
): Promise<Response> {
  const method = request.method;
  if (method === "GET") {
    if (subject === null || store.ownMode(subject) || flag(url, "defaultToGlobal")) {
      return reply({ mode: store.mode(subject) });
    }
    throw errors.subjectModeNotFound(subject);
  }
  if (method === "PUT") {
    const mode = (await readJson(request)).mode;
    if (typeof mode !== "string" || !modes.includes(mode)) throw errors.invalidMode(mode);
    await store.setMode(subject, mode as RegistryMode);
    return reply({ mode });
  }
  if (method === "DELETE" && subject !== null) {
    const before = store.ownMode(subject);
    if (!before) throw errors.subjectModeNotFound(subject);
    await store.setMode(subject, undefined);
    return reply({ mode: before });
  }
  throw errors.methodNotAllowed();
}
