/**
 * Kafka record headers that travel with every event.
 *
 * @module
 */

/** The version of the event schemas in this package; bumped on an incompatible change. */
export const schemaVersion = "1";

/** The media type of every event payload. */
export const eventContentType = "application/json";

/** The names of the headers this package defines. */
export const eventHeaderNames: {
  readonly contentType: "content-type";
  readonly schemaVersion: "schema-version";
} = Object.freeze({
  contentType: "content-type",
  schemaVersion: "schema-version",
});

/**
 * The headers to attach to every produced event record:
 * `content-type: application/json` and `schema-version: 1`.
 *
 * @example
 * ```ts
 * import { eventHeaders } from "@iot/events";
 * eventHeaders["content-type"]; // "application/json"
 * eventHeaders["schema-version"]; // "1"
 * ```
 */
export const eventHeaders: {
  readonly "content-type": typeof eventContentType;
  readonly "schema-version": typeof schemaVersion;
} = Object.freeze({
  [eventHeaderNames.contentType]: eventContentType,
  [eventHeaderNames.schemaVersion]: schemaVersion,
});
