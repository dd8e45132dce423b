/**
 * The contract between the socket loop and the API implementations: the handler type and the one
 * API registry (handlers with their versions; ApiVersions derived from it).
 *
 * @module
 */
export type { ConnectionAuth, Handler, HandlerTable, RequestContext } from "./handler.ts";
export { type ApiEntry, ApiRegistry, type ApiSet, handlersOf } from "./registry.ts";
