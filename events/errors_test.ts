import { assertEquals, assertInstanceOf, assertStrictEquals, assertThrows } from "@std/assert";
import { EventValidationError, unwrapEvent } from "./errors.ts";

Deno.test("EventValidationError names the first failing field in a one-line message", () => {
  const error = new EventValidationError("climate-reading", [
    { path: "humidity", message: "Too big: expected number to be <=100", code: "too_big" },
    { path: "ts", message: "bad", code: "invalid_format" },
  ], { reason: "schema" });
  assertEquals(
    error.message,
    "Invalid climate-reading event: humidity: Too big: expected number to be <=100 (+1 more)",
  );
  assertEquals(error.name, "EventValidationError");
  assertEquals(error.kind, "climate-reading");
  assertEquals(error.reason, "schema");
  assertEquals(error.issues.map((i) => i.path), ["humidity", "ts"]);
  assertInstanceOf(error, Error);
});

Deno.test("EventValidationError omits the path for whole-event issues and keeps one line", () => {
  const cause = new SyntaxError("Unexpected token");
  const error = new EventValidationError("alert", [
    { path: "", message: "not JSON:\n  Unexpected token", code: "invalid_json" },
  ], { reason: "invalid-json", cause });
  assertEquals(error.message, "Invalid alert event: not JSON: Unexpected token");
  assertStrictEquals(error.cause, cause);
  assertEquals(error.reason, "invalid-json");
});

Deno.test("unwrapEvent() returns the value or throws the error", () => {
  assertEquals(unwrapEvent({ ok: true, value: 42 }), 42);
  const error = new EventValidationError("alert", [{ path: "ts", message: "x", code: "custom" }], {
    reason: "schema",
  });
  const thrown = assertThrows(() => unwrapEvent({ ok: false, error }), EventValidationError);
  assertStrictEquals(thrown, error);
});
