import { assert, assertEquals } from "@std/assert";
import { eventKinds, isEventKind } from "./kind.ts";

Deno.test("isEventKind() accepts every listed kind", () => {
  for (const kind of eventKinds) assert(isEventKind(kind), kind);
});

Deno.test("isEventKind() rejects other values", () => {
  assertEquals(isEventKind("alerts"), false);
  assertEquals(isEventKind(""), false);
  assertEquals(isEventKind(1), false);
  assertEquals(isEventKind(undefined), false);
});

Deno.test("eventKinds has no duplicates", () => {
  assertEquals(new Set(eventKinds).size, eventKinds.length);
});
