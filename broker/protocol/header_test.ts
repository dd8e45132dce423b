import { assertEquals } from "@std/assert";
import {
  readRequestHeader,
  readResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  writeRequestHeader,
  writeResponseHeader,
} from "./header.ts";
import { Reader, Writer } from "./wire.ts";

Deno.test("header versions follow flexibility; ApiVersions responses always use v0", () => {
  assertEquals(requestHeaderVersion(18, 2), 1);
  assertEquals(requestHeaderVersion(18, 3), 2);
  assertEquals(requestHeaderVersion(18, 99), 2, "unknown high ApiVersions version is flexible");
  assertEquals(responseHeaderVersion(18, 3), 0);
  assertEquals(requestHeaderVersion(3, 8), 1);
  assertEquals(requestHeaderVersion(3, 9), 2);
  assertEquals(responseHeaderVersion(3, 8), 0);
  assertEquals(responseHeaderVersion(3, 9), 1);
  assertEquals(requestHeaderVersion(1, 12), 2);
  assertEquals(requestHeaderVersion(9999, 5), 1, "unknown API key");
});

Deno.test("request header v1 and v2 round-trip; v2 skips tagged fields", () => {
  const h = { apiKey: 3, apiVersion: 12, correlationId: 42, clientId: "c" };
  const w = new Writer();
  writeRequestHeader(w, h);
  const bytes = w.finish();
  assertEquals(bytes, Uint8Array.of(0, 3, 0, 12, 0, 0, 0, 42, 0, 1, 99, 0));
  assertEquals(readRequestHeader(new Reader(bytes)), h);
  const withTag = Uint8Array.of(0, 3, 0, 12, 0, 0, 0, 42, 0xff, 0xff, 1, 5, 2, 9, 9);
  const r = new Reader(withTag);
  assertEquals(readRequestHeader(r), { ...h, clientId: null });
  assertEquals(r.remaining, 0);
  const v1 = { apiKey: 0, apiVersion: 7, correlationId: -1, clientId: null };
  const w1 = new Writer();
  writeRequestHeader(w1, v1);
  assertEquals(w1.finish(), Uint8Array.of(0, 0, 0, 7, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
});

Deno.test("response header v0 and v1", () => {
  for (const hv of [0, 1] as const) {
    const w = new Writer();
    writeResponseHeader(w, 7, hv);
    const bytes = w.finish();
    assertEquals(bytes.length, 4 + hv);
    assertEquals(readResponseHeader(new Reader(bytes), hv), 7);
  }
});
